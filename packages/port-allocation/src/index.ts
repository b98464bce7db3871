export { type AllocationChange, type AllocationResult, type BrokerRequest, EMPTY_LOCK, type HistoricalPort, type PortLock, type PortPolicy, type RetiredPort } from './types';
export { FrozenLockfileError, LockfileError, PortAllocationError } from './errors';
export { allocatePorts, describeChange } from './allocate';
export { lineEndingOf, type LockfileRecord, parseLockfile, readLockfileRecord, serializeLockfile } from './lockfile';
export { assertLockUnchanged } from './frozen';
