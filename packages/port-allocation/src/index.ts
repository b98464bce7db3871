export { type AllocationChange, type AllocationResult, type BrokerRequest, EMPTY_LOCK, type HistoricalPort, type PortLock, type PortPolicy, type RetiredPort } from './types';
export { FrozenLockfileError, LockfileError, PortAllocationError } from './errors';
export { allocatePorts, describeChange } from './allocate';
export { lineEndingOf, parseLockfile, serializeLockfile } from './lockfile';
export { assertLockUnchanged } from './frozen';
