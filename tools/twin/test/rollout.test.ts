import { parseServiceEvents } from '../src/kafka-cluster';
import { downWindows, maxConcurrent, parseRecap, tally } from '../src/rollout';

describe('parseRecap', () => {
  it("reads each host's counts from the PLAY RECAP", () => {
    const stdout = [
      'TASK [x] ***',
      'changed: [broker-101]',
      'PLAY RECAP *********************************************************************',
      'broker-101                 : ok=13   changed=2    unreachable=0    failed=0    skipped=3    rescued=0    ignored=0',
      'broker-201                 : ok=7    changed=1    unreachable=0    failed=1    skipped=2    rescued=1    ignored=0',
    ].join('\n');
    expect([...parseRecap(stdout)]).toEqual([
      ['broker-101', { ok: 13, changed: 2, failed: 0 }],
      ['broker-201', { ok: 7, changed: 1, failed: 1 }],
    ]);
  });

  it('is empty when the run never reached its recap', () => {
    expect(parseRecap('ERROR! the playbook could not be found').size).toBe(0);
  });
});

describe('parseServiceEvents', () => {
  it('reads the lines broker-service.sh writes', () => {
    expect(parseServiceEvents('started 1000 42\nrestart 2000\nexited 2500 143\n')).toEqual([
      { kind: 'started', atMs: 1000 },
      { kind: 'restart', atMs: 2000 },
      { kind: 'exited', atMs: 2500 },
    ]);
  });

  it('fails on a line it does not know', () => {
    expect(() => parseServiceEvents('stopped soon')).toThrow('not a service event: "stopped soon"');
  });
});

describe('downWindows and maxConcurrent', () => {
  const ev = (...list: [string, number][]) => list.map(([kind, atMs]) => ({ kind: kind as 'restart' | 'started' | 'exited', atMs }));
  const sample = (atMs: number, ...brokers: number[]) => ({ atMs, brokers: new Set(brokers) });
  const samples = [sample(1000, 101, 201), sample(2200, 201), sample(3100, 101, 201), sample(4200, 101), sample(5100, 101, 201)];

  it('runs from the restart request to the first sample that lists the broker after it started again', () => {
    const events = new Map([
      [101, ev(['started', 0], ['restart', 2000], ['exited', 2500], ['started', 2600])],
      [201, ev(['started', 0], ['restart', 4000], ['exited', 4300], ['started', 4400])],
    ]);
    expect(downWindows(events, samples, 1500)).toEqual([
      { brokerId: 101, fromMs: 2000, toMs: 3100 },
      { brokerId: 201, fromMs: 4000, toMs: 5100 },
    ]);
    expect(maxConcurrent(downWindows(events, samples, 1500))).toBe(1);
  });

  it('counts overlapping windows, and a broker that never came back as down to the end', () => {
    const events = new Map([
      [101, ev(['restart', 2000], ['started', 2600])],
      [201, ev(['restart', 2100])],
    ]);
    const windows = downWindows(events, samples, 0);
    expect(windows).toEqual([
      { brokerId: 101, fromMs: 2000, toMs: 3100 },
      { brokerId: 201, fromMs: 2100 },
    ]);
    expect(maxConcurrent(windows)).toBe(2);
  });

  it('ignores restarts before the period watched', () => {
    expect(downWindows(new Map([[101, ev(['restart', 500], ['started', 600])]]), samples, 1500)).toEqual([]);
  });
});

describe('tally', () => {
  it('counts acked values never consumed as lost and values consumed twice as duplicated', () => {
    expect(tally(['0', '1', '2', '3'], ['0', '1', '1', '3', '9'], 1)).toEqual({ acked: 4, consumed: 3, lost: 1, duplicated: 1, sendErrors: 1 });
  });
});
