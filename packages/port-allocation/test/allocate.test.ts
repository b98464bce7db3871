import fc from 'fast-check';
import {
  allocatePorts,
  assertLockUnchanged,
  BrokerRequest,
  FrozenLockfileError,
  parseLockfile,
  PortAllocationError,
  PortLock,
  PortPolicy,
  serializeLockfile,
} from '../src/index';

const policy: PortPolicy = { bootstrapPort: 10000, firstBrokerPort: 10001, lastBrokerPort: 19999, brokersPerShard: 49, maxShards: 1 };
const brokers = (...ids: number[]): BrokerRequest[] => ids.map((id) => ({ id, listener: 'CLIENT' }));
const ports = (lock: PortLock) => Object.fromEntries([...lock.brokers].map(([id, a]) => [id, a.port]));

describe('allocatePorts', () => {
  it('gives brokers consecutive ports from the first broker port, in broker-id order', () => {
    const { lock, changes } = allocatePorts(brokers(301, 101, 201), policy);
    expect(ports(lock)).toEqual({ 101: 10001, 201: 10002, 301: 10003 });
    expect(changes.map((c) => c.kind)).toEqual(['allocated', 'allocated', 'allocated']);
  });

  it('keeps existing ports when a broker is added, whatever its id', () => {
    const first = allocatePorts(brokers(101, 201, 301), policy).lock;
    const { lock, changes } = allocatePorts(brokers(1, 101, 201, 301), policy, first);
    expect(ports(lock)).toEqual({ 1: 10004, 101: 10001, 201: 10002, 301: 10003 });
    expect(changes).toEqual([{ kind: 'allocated', broker: 1, port: 10004, shard: 0 }]);
  });

  it('retires the port of a removed broker and never hands it to another', () => {
    const first = allocatePorts(brokers(101, 201, 301), policy).lock;
    const removed = allocatePorts(brokers(101, 301), policy, first);
    expect(removed.lock.retired).toEqual([{ port: 10002, broker: 201, shard: 0, listener: 'CLIENT' }]);
    const added = allocatePorts(brokers(101, 301, 401), policy, removed.lock);
    expect(ports(added.lock)).toEqual({ 101: 10001, 301: 10003, 401: 10004 });
  });

  it('gives a broker that comes back its own retired port', () => {
    const first = allocatePorts(brokers(101, 201), policy).lock;
    const removed = allocatePorts(brokers(101), policy, first).lock;
    const back = allocatePorts(brokers(101, 201), policy, removed);
    expect(ports(back.lock)).toEqual({ 101: 10001, 201: 10002 });
    expect(back.lock.retired).toEqual([]);
    expect(back.changes).toEqual([{ kind: 'reclaimed', broker: 201, port: 10002, shard: 0 }]);
  });

  it('places brokers on further shards without moving existing ones', () => {
    const sharded = { ...policy, brokersPerShard: 2, maxShards: 3 };
    const first = allocatePorts(brokers(1, 2, 3), sharded).lock;
    expect([...first.brokers.values()].map((a) => a.shard)).toEqual([0, 0, 1]);
    const next = allocatePorts(brokers(1, 3, 4, 5), sharded, first).lock;
    expect(Object.fromEntries([...next.brokers].map(([id, a]) => [id, a.shard]))).toEqual({ 1: 0, 3: 1, 4: 0, 5: 1 });
  });

  it('records a renamed client listener without moving the port', () => {
    const first = allocatePorts(brokers(101), policy).lock;
    const { lock, changes } = allocatePorts([{ id: 101, listener: 'PRIVATELINK' }], policy, first);
    expect(lock.brokers.get(101)).toEqual({ port: 10001, shard: 0, listener: 'PRIVATELINK' });
    expect(changes[0]).toMatchObject({ kind: 'listener-renamed', from: 'CLIENT', to: 'PRIVATELINK' });
  });

  it('fails when more brokers are asked than one NLB holds and sharding is off, saying how many fit', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(() => allocatePorts(brokers(...fifty), policy)).toThrow(
      '50 brokers do not fit: sharding is off (ports.maxShards 1) and one NLB holds at most 49 brokers (50 listeners, one of them the bootstrap listener), so 49 brokers fit; remove 1 brokers or set ports.maxShards to 2',
    );
  });

  it('fails when the port range is used up, because ports are never reused', () => {
    const narrow = { ...policy, lastBrokerPort: 10002 };
    const first = allocatePorts(brokers(1, 2), narrow).lock;
    const removed = allocatePorts(brokers(1), narrow, first).lock;
    expect(() => allocatePorts(brokers(1, 3), narrow, removed)).toThrow(
      /no port left for broker 3: ports 10001-10002 are all handed out or retired; raise ports\.lastBroker/,
    );
  });

  it('fails when a broker id is listed twice', () => {
    expect(() => allocatePorts(brokers(1, 1), policy)).toThrow(new PortAllocationError('broker id 1 is listed twice'));
  });

  it('fails when a locked shard is no longer allowed by the policy', () => {
    const wide = { ...policy, brokersPerShard: 1, maxShards: 2 };
    const lock = allocatePorts(brokers(1, 2), wide).lock;
    expect(() => allocatePorts(brokers(1, 2), { ...wide, maxShards: 1 }, lock)).toThrow(/2 brokers do not fit/);
    expect(() => allocatePorts(brokers(2), { ...wide, maxShards: 1 }, lock)).toThrow(
      /broker 2 is locked on shard 1, but ports\.maxShards is 1/,
    );
  });

  it('fails when the bootstrap port lies inside the broker range', () => {
    expect(() => allocatePorts(brokers(1), { ...policy, bootstrapPort: 10005 })).toThrow(
      'ports.bootstrap 10005 lies inside the broker port range 10001-19999',
    );
  });
});

describe('frozen lockfile', () => {
  it('passes when the lockfile already says everything', () => {
    const result = allocatePorts(brokers(101), policy);
    expect(() => assertLockUnchanged(result, serializeLockfile(result.lock), 'x.json')).not.toThrow();
  });

  it('fails when a broker would get a new port, naming the change', () => {
    const before = allocatePorts(brokers(101), policy).lock;
    const result = allocatePorts(brokers(101, 401), policy, before);
    expect(() => assertLockUnchanged(result, serializeLockfile(before), 'coban.ports-lock.json')).toThrow(FrozenLockfileError);
    expect(() => assertLockUnchanged(result, serializeLockfile(before), 'coban.ports-lock.json')).toThrow(
      /coban.ports-lock.json is out of date[\s\S]*broker 401: allocated port 10002 on shard 0/,
    );
  });

  it('fails when there is no lockfile yet', () => {
    expect(() => assertLockUnchanged(allocatePorts(brokers(1), policy), undefined, 'x.json')).toThrow(/does not exist yet/);
  });
});

// Property tests: random histories of add / remove / reorder operations.
type Op = { kind: 'add'; id: number } | { kind: 'remove'; index: number } | { kind: 'shuffle'; seed: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 400 }).map((id) => ({ kind: 'add' as const, id })) },
  { weight: 2, arbitrary: fc.nat().map((index) => ({ kind: 'remove' as const, index })) },
  { weight: 1, arbitrary: fc.nat().map((seed) => ({ kind: 'shuffle' as const, seed })) },
);
const policyArb = fc.record({
  brokersPerShard: fc.integer({ min: 1, max: 49 }),
  maxShards: fc.integer({ min: 1, max: 6 }),
});

function apply(ids: number[], op: Op): number[] {
  if (op.kind === 'add') return ids.includes(op.id) ? ids : [...ids, op.id];
  if (op.kind === 'remove') return ids.length === 0 ? ids : ids.filter((_, i) => i !== op.index % ids.length);
  const out = [...ids];
  let seed = op.seed;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('allocation properties over random histories', () => {
  it('never moves a broker, never reuses a port, keeps ports unique, respects shard capacity, and is deterministic', () => {
    fc.assert(
      fc.property(policyArb, fc.array(opArb, { maxLength: 60 }), (shape, ops) => {
        const p = { ...policy, ...shape };
        let ids: number[] = [];
        let lock: PortLock = { brokers: new Map(), retired: [] };
        const everOwner = new Map<number, number>(); // port → the only broker it ever belonged to
        const firstPort = new Map<number, number>(); // broker → the port it first got
        const firstShard = new Map<number, number>();
        for (const op of ops) {
          const nextIds = apply(ids, op);
          if (nextIds.length > p.brokersPerShard * p.maxShards) {
            expect(() => allocatePorts(brokers(...nextIds), p, lock)).toThrow(/do not fit/);
            continue;
          }
          const result = allocatePorts(brokers(...nextIds), p, lock);
          // Deterministic: same input, same bytes, whatever the spec's order.
          expect(serializeLockfile(allocatePorts(brokers(...[...nextIds].reverse()), p, lock).lock)).toBe(serializeLockfile(result.lock));
          const wasActive = new Set(lock.brokers.keys());
          ids = nextIds;
          lock = result.lock;

          expect([...lock.brokers.keys()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
          const used = [...[...lock.brokers.values()].map((a) => a.port), ...lock.retired.map((r) => r.port)];
          expect(new Set(used).size).toBe(used.length);
          const load = new Map<number, number>();
          for (const [id, a] of lock.brokers) {
            expect(a.port).toBeGreaterThanOrEqual(p.firstBrokerPort);
            expect(a.port).toBeLessThanOrEqual(p.lastBrokerPort);
            expect(a.shard).toBeLessThan(p.maxShards);
            load.set(a.shard, (load.get(a.shard) ?? 0) + 1);
            // A port belongs to one broker for life.
            const owner = everOwner.get(a.port);
            if (owner !== undefined) expect(owner).toBe(id);
            everOwner.set(a.port, id);
            // A broker keeps its port (also after coming back), and its shard while it stays.
            if (firstPort.has(id)) expect(a.port).toBe(firstPort.get(id));
            firstPort.set(id, a.port);
            if (wasActive.has(id)) expect(a.shard).toBe(firstShard.get(id));
            firstShard.set(id, a.shard);
          }
          for (const count of load.values()) expect(count).toBeLessThanOrEqual(p.brokersPerShard);
          // The lock survives its own serialization.
          expect(serializeLockfile(parseLockfile(serializeLockfile(lock), p))).toBe(serializeLockfile(lock));
        }
      }),
      { numRuns: 300 },
    );
  });
});
