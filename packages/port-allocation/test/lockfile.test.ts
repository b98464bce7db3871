import { allocatePorts, LockfileError, parseLockfile, PortPolicy, serializeLockfile } from '../src/index';

const policy: PortPolicy = { bootstrapPort: 10000, firstBrokerPort: 10001, lastBrokerPort: 10999, brokersPerShard: 49, maxShards: 1 };

const lockText = (brokers: string, retired = '') => `{
  "lockfileVersion": 1,
  "brokers": {
${brokers}
  },
  "retired": [${retired}]
}
`;

const problemsOf = (text: string, p: PortPolicy = policy): readonly string[] => {
  try {
    parseLockfile(text, p, 'coban.ports-lock.json');
  } catch (e) {
    expect(e).toBeInstanceOf(LockfileError);
    return (e as LockfileError).problems;
  }
  throw new Error('expected the lockfile to be rejected');
};

describe('lockfile', () => {
  it('is readable in a review: one line per broker and per retired port', () => {
    const first = allocatePorts([{ id: 101, listener: 'CLIENT' }, { id: 201, listener: 'CLIENT' }], policy).lock;
    const { lock } = allocatePorts([{ id: 101, listener: 'CLIENT' }], policy, first);
    const text = serializeLockfile(lock);
    expect(text).toContain('    "101": { "port": 10001, "shard": 0, "listener": "CLIENT" }\n');
    expect(text).toContain('    { "broker": 201, "port": 10002, "shard": 0, "listener": "CLIENT" }\n');
    expect(parseLockfile(text, policy)).toEqual(lock);
  });

  it('records the cluster it belongs to, and reads it back', () => {
    const lock = { ...allocatePorts([{ id: 101, listener: 'CLIENT' }], policy).lock, cluster: 'coban' };
    const text = serializeLockfile(lock);
    expect(text).toContain('  "lockfileVersion": 1,\n  "cluster": "coban",\n');
    expect(parseLockfile(text, policy)).toEqual(lock);
    expect(() => parseLockfile(text.replace('"coban"', '42'), policy)).toThrow('cluster: expected the cluster name, got 42');
  });

  it('fails when two brokers hold one port, as after a merge of two branches', () => {
    const text = lockText(`    "101": { "port": 10001, "shard": 0, "listener": "CLIENT" },
    "401": { "port": 10001, "shard": 0, "listener": "CLIENT" }`);
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^port 10001 is held 2 times \(broker 101, broker 401\); two branches may have allocated it separately: keep one side's lockfile whole.*run synth/),
    ]);
  });

  it('fails when a merge left the same broker twice (duplicate JSON key)', () => {
    const text = lockText(`    "401": { "port": 10004, "shard": 0, "listener": "CLIENT" },
    "401": { "port": 10005, "shard": 0, "listener": "CLIENT" }`);
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^5:5: key "401" is given twice; a merge of two branches that each added it leaves that, and only one of them can stay: keep one side's lockfile whole, the side that is deployed \(git checkout --ours or --theirs -- <lockfile>\)/),
    ]);
  });

  it('fails when a merge left conflict markers, saying which side to keep and to run synth', () => {
    const text = lockText(`<<<<<<< HEAD
    "401": { "port": 10004, "shard": 0, "listener": "CLIENT" }
=======
    "501": { "port": 10004, "shard": 0, "listener": "CLIENT" }
>>>>>>> feature`);
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^it holds git conflict markers \(a merge of two branches that each changed it\): keep one side's lockfile whole, the side that is deployed/),
    ]);
  });

  it('fails when a retired port is handed to a broker', () => {
    const text = lockText(
      `    "101": { "port": 10002, "shard": 0, "listener": "CLIENT" }`,
      `{ "broker": 201, "port": 10002, "shard": 0, "listener": "CLIENT" }`,
    );
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^port 10002 is held 2 times \(broker 101, retired port of broker 201\); two branches may have allocated it separately: /),
    ]);
  });

  it('fails when a port is outside the range of the spec', () => {
    const text = lockText(`    "101": { "port": 20001, "shard": 0, "listener": "CLIENT" }`);
    expect(problemsOf(text)).toEqual(['brokers.101.port: 20001 is outside the broker port range 10001-10999 of the spec (ports.firstBroker, ports.lastBroker)']);
  });

  it('fails when the version is unknown', () => {
    const text = lockText('').replace('"lockfileVersion": 1', '"lockfileVersion": 2');
    expect(problemsOf(text)).toEqual(['lockfileVersion is 2; this tool reads version 1 only']);
  });

  it('fails when a shard holds more brokers than one NLB serves', () => {
    const entries = Array.from({ length: 3 }, (_, i) => `    "${i + 1}": { "port": ${10001 + i}, "shard": 0, "listener": "CLIENT" }`);
    expect(problemsOf(lockText(entries.join(',\n')), { ...policy, brokersPerShard: 2 })).toEqual([
      'shard 0 holds 3 brokers, more than the 2 one NLB may serve (ports.brokersPerShard)',
    ]);
  });

  it('reports every problem at once: bad ids, unknown keys, wrong types, active and retired', () => {
    const text = `{
  "lockfileVersion": 1,
  "extra": true,
  "brokers": {
    "abc": { "port": 10001, "shard": 0, "listener": "CLIENT" },
    "101": { "port": "10001", "shard": -1, "listener": "", "colour": "red" },
    "201": { "port": 10003, "shard": 0, "listener": "CLIENT" }
  },
  "retired": [{ "broker": 201, "port": 10004, "shard": 0, "listener": "CLIENT" }]
}`;
    expect(problemsOf(text)).toEqual([
      'unknown key "extra" (allowed: lockfileVersion, cluster, about, brokers, retired)',
      'brokers.101: unknown key "colour"',
      'brokers.101.port: expected an integer, got "10001"',
      'brokers.101.shard: expected an integer of at least 0, got -1',
      'brokers.101.listener: expected a listener name, got ""',
      'brokers."abc": a broker id must be a non-negative integer',
      'retired[0]: broker 201 is both active (port 10003) and retired (port 10004)',
    ]);
  });

  it('names the file and every problem in its message', () => {
    expect(() => parseLockfile('[]', policy, 'examples/coban.ports-lock.json')).toThrow(
      'examples/coban.ports-lock.json is not a valid port lockfile:\n  - expected a JSON object at the top level',
    );
  });
});
