import fc from 'fast-check';
import { allocatePorts, BrokerRequest, HistoricalPort, PortLock, PortPolicy } from '../src/index';

const policy: PortPolicy = { bootstrapPort: 10000, firstBrokerPort: 10001, lastBrokerPort: 19999, brokersPerShard: 49, maxShards: 1 };
const brokers = (...ids: number[]): BrokerRequest[] => ids.map((id) => ({ id, listener: 'CLIENT' }));
const ports = (lock: PortLock) => Object.fromEntries([...lock.brokers].map(([id, a]) => [id, a.port]));
/** Every entry of a lock, active and retired, as history records it. */
const entriesOf = (lock: PortLock): HistoricalPort[] => [
  ...[...lock.brokers].map(([broker, a]) => ({ broker, ...a })),
  ...lock.retired,
];

describe('allocatePorts with the lockfile history', () => {
  const three = allocatePorts(brokers(101, 201, 301), policy).lock;
  const withBroker401 = allocatePorts(brokers(101, 201, 301, 401), policy, three).lock;

  it('gives a new broker a port above every port of the history, after a revert took the highest out of the lockfile', () => {
    // GIVEN "add broker 401" (port 10004) was reverted: the lockfile is back at three brokers
    // WHEN broker 402 is added
    const { lock, changes } = allocatePorts(brokers(101, 201, 301, 402), policy, three, entriesOf(withBroker401));
    // THEN 402 gets 10005, and 401's 10004 stays retired for it
    expect(ports(lock)).toEqual({ 101: 10001, 201: 10002, 301: 10003, 402: 10005 });
    expect(lock.retired).toEqual([{ broker: 401, port: 10004, shard: 0, listener: 'CLIENT' }]);
    expect(changes).toEqual([
      { kind: 'retired', broker: 401, port: 10004, shard: 0, fromHistory: true },
      { kind: 'allocated', broker: 402, port: 10005, shard: 0 },
    ]);
  });

  it('gives a broker the lockfile lost its historical port back', () => {
    const { lock, changes } = allocatePorts(brokers(101, 201, 301, 401), policy, three, entriesOf(withBroker401));
    expect(ports(lock)).toEqual({ 101: 10001, 201: 10002, 301: 10003, 401: 10004 });
    expect(lock.retired).toEqual([]);
    expect(changes).toEqual([{ kind: 'reclaimed', broker: 401, port: 10004, shard: 0, fromHistory: true }]);
  });

  it('rebuilds a lost lockfile from its history without moving a port', () => {
    const removed = allocatePorts(brokers(101, 301, 401), policy, withBroker401).lock;
    const { lock } = allocatePorts(brokers(101, 301, 401, 501), policy, undefined, [...entriesOf(removed), ...entriesOf(withBroker401)]);
    expect(ports(lock)).toEqual({ 101: 10001, 301: 10003, 401: 10004, 501: 10005 });
    expect(lock.retired).toEqual([{ broker: 201, port: 10002, shard: 0, listener: 'CLIENT' }]);
  });

  it('keeps the lockfile\'s holder of a port when history gave that port to another broker (two branches), and reserves it', () => {
    // GIVEN branch A gave 10004 to 401, branch B gave it to 402, and the merge kept A's lockfile
    const branchB = allocatePorts(brokers(101, 201, 301, 402), policy, three).lock;
    const { lock } = allocatePorts(brokers(101, 201, 301, 401, 402), policy, withBroker401, entriesOf(branchB));
    expect(ports(lock)).toEqual({ 101: 10001, 201: 10002, 301: 10003, 401: 10004, 402: 10005 });
  });

  it('takes ports of other branches into account: a broker of the spec gets its port from there, the others only raise the highest port', () => {
    const otherBranch = entriesOf(allocatePorts(brokers(101, 201, 301, 401, 402), policy, three).lock);
    const { lock, changes } = allocatePorts(brokers(101, 201, 301, 402, 501), policy, three, [], otherBranch);
    expect(ports(lock)).toEqual({ 101: 10001, 201: 10002, 301: 10003, 402: 10005, 501: 10006 });
    expect(lock.retired).toEqual([]);
    expect(changes).toEqual([
      { kind: 'reclaimed', broker: 402, port: 10005, shard: 0, fromHistory: true },
      { kind: 'allocated', broker: 501, port: 10006, shard: 0 },
    ]);
  });

  it('ignores historical ports outside the current range for reuse', () => {
    const narrow = { ...policy, firstBrokerPort: 20001, lastBrokerPort: 20999 };
    const { lock } = allocatePorts(brokers(101), narrow, undefined, [{ broker: 101, port: 10001, shard: 0, listener: 'CLIENT' }]);
    expect(ports(lock)).toEqual({ 101: 20001 });
  });
});

type Step = { kind: 'add'; id: number } | { kind: 'remove'; index: number } | { kind: 'revert'; back: number };

describe('allocation properties over histories with reverts', () => {
  it('never moves a broker that exists, gives a returning broker its port, never hands a port to a second broker', () => {
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }).map((id) => ({ kind: 'add' as const, id })) },
      { weight: 2, arbitrary: fc.nat().map((index) => ({ kind: 'remove' as const, index })) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }).map((back) => ({ kind: 'revert' as const, back })) },
    );
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        // Each version: the spec's brokers and the lock synth wrote for them.
        const versions: { ids: number[]; lock: PortLock }[] = [{ ids: [], lock: { brokers: new Map(), retired: [] } }];
        const owner = new Map<number, number>();
        const portOf = new Map<number, number>();
        for (const step of steps) {
          const head = versions[versions.length - 1];
          let ids = head.ids;
          let lock = head.lock;
          if (step.kind === 'add' && !ids.includes(step.id)) ids = [...ids, step.id];
          if (step.kind === 'remove' && ids.length > 0) ids = ids.filter((_, i) => i !== step.index % ids.length);
          if (step.kind === 'revert') ({ ids, lock } = versions[Math.max(0, versions.length - 1 - step.back)]);
          const history = versions.slice().reverse().flatMap((v) => entriesOf(v.lock));
          const next = allocatePorts(brokers(...ids), policy, lock, history).lock;
          for (const [id, a] of next.brokers) {
            if (portOf.has(id)) expect(a.port).toBe(portOf.get(id));
            if (owner.has(a.port)) expect(owner.get(a.port)).toBe(id);
            portOf.set(id, a.port);
            owner.set(a.port, id);
          }
          for (const r of next.retired) expect(owner.get(r.port)).toBe(r.broker);
          versions.push({ ids, lock: next });
        }
      }),
      { numRuns: 300 },
    );
  });
});
