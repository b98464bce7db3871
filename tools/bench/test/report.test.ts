import { NxSummary } from '../src/nx';
import { againstFloor, BIG_CASE_SHA256, CacheCheck, CaseResult, casesTable, evaluateTargets, NX_START_CASE, NxStep, README_SYNTH_CASE } from '../src/report';
import { summarize } from '../src/stats';

const output = { stacks: 1, resources: 0, dataSources: 0, outputs: 0, bytes: 100, sha256: BIG_CASE_SHA256 };
const floor: CaseResult = {
  name: 'floor',
  kind: 'floor',
  runs: 3,
  wallMs: summarize([1000, 1000, 1000]),
  peakRssMiB: summarize([100, 100, 100]),
  cpuMs: summarize([900, 950, 1000]),
  output,
};
const at = (brokers: number, consumers: number, wallMs: number, rssMiB = 200): CaseResult => ({
  name: `${brokers}×${consumers}`,
  kind: 'generated',
  brokers,
  consumers,
  runs: 1,
  wallMs: summarize([wallMs]),
  peakRssMiB: summarize([rssMiB]),
  output,
});
const cacheHit: NxSummary = { failedTasks: [], tasks: [{ task: 'app:synth', note: 'local cache' }], readFromCache: { hits: 1, tasks: 3 } };
const synthAgain: NxStep = { label: 'again', command: 'npx nx run-many -t synth', wallMs: 300, exitCode: 0, summary: cacheHit };
const restored: CacheCheck = { step: synthAgain, servedFromCache: true, outputDifferences: [], lockfileDifferences: [] };
const command = (name: string, wallMs: number): CaseResult => ({ name, kind: 'command', runs: 1, wallMs: summarize([wallMs]), peakRssMiB: summarize([150]) });

/** 1 s fixed above the floor plus `msPerBroker` per broker. */
const linear = (msPerBroker: number): CaseResult[] => [
  { ...at(3, 1, 1100, 150), name: 'example', kind: 'example' },
  command(README_SYNTH_CASE, 2000),
  command(NX_START_CASE, 600),
  ...[49, 300, 1000].map((brokers) => at(brokers, 10, 1000 + brokers * msPerBroker)),
];
const named = (targets: ReturnType<typeof evaluateTargets>, start: string) => targets.find((t) => t.name.startsWith(start))!;

describe('againstFloor', () => {
  it('sets every figure against the floor and spreads the time above it over the brokers', () => {
    const [row] = againstFloor([at(100, 1, 1500, 150)], floor);

    expect(row.wallToFloor).toBe(1.5);
    expect(row.peakRssToFloor).toBe(1.5);
    expect(row.msPerBrokerAboveFloor).toBe(5);
  });
});

describe('evaluateTargets', () => {
  it('passes a linear app within the limits', () => {
    const targets = evaluateTargets(againstFloor([floor, ...linear(2)], floor), restored);

    expect(targets.map((t) => [t.name, t.pass])).toEqual([
      ['README synth command, uncached, ≤ 2× the app (example)', true],
      ['example ≤ 1.15× floor wall', true],
      ['1000×10 ≤ 3× floor wall', true],
      ['1000×10 ≤ 2× floor peak RSS', true],
      ['1000×10 output is the reference bytes', true],
      ['ms/broker constant 49→1000 brokers (10 consumers)', true],
      ['unchanged re-synth through Nx is a cache hit that restores the output and keeps the lockfiles', true],
    ]);
    expect(named(targets, 'README').detail).toBe('2.00 s = 1.82× example (1.10 s), at most 2× allowed; Nx alone starts in 0.60 s = 0.55× the app');
  });

  it('fails each ratio just above its limit and passes it at the limit', () => {
    const cases = [floor, { ...at(3, 1, 1150), name: 'example', kind: 'example' as const }, command(README_SYNTH_CASE, 2301), at(1000, 10, 3000, 201)];

    const targets = evaluateTargets(againstFloor(cases, floor), restored);

    expect(named(targets, 'README').pass).toBe(false);
    expect(named(targets, 'example').pass).toBe(true);
    expect(named(targets, '1000×10 ≤ 3× floor wall').pass).toBe(true);
    expect(named(targets, '1000×10 ≤ 2× floor peak RSS')).toEqual({
      name: '1000×10 ≤ 2× floor peak RSS',
      pass: false,
      detail: '201 MiB = 2.01× floor (100 MiB), at most 2× allowed',
    });
  });

  it('fails when the 1000×10 output is not the reference bytes', () => {
    const big = { ...at(1000, 10, 2000), output: { ...output, sha256: 'abc' } };

    const bytes = named(evaluateTargets(againstFloor([floor, big], floor), restored), '1000×10 output');

    expect(bytes).toEqual({ name: '1000×10 output is the reference bytes', pass: false, detail: `sha256 abc, expected ${BIG_CASE_SHA256}` });
  });

  it('fails the cache target when the hit restored other bytes or changed a lockfile', () => {
    const wrong = { ...restored, outputDifferences: ['stacks/provider/cdk.tf.json differs'], lockfileDifferences: ['examples/coban.ports-lock.json differs'] };

    const cache = named(evaluateTargets(againstFloor([floor], floor), wrong), 'unchanged');

    expect(cache.pass).toBe(false);
    expect(cache.detail).toContain('wrong bytes: stacks/provider/cdk.tf.json differs, examples/coban.ports-lock.json differs');
  });

  it('fails the cache target when Nx ran the synth instead of reading it from the cache', () => {
    expect(named(evaluateTargets(againstFloor([floor], floor), { ...restored, servedFromCache: false }), 'unchanged').pass).toBe(false);
  });

  it('fails the growth target when brokers get dearer as the cluster grows', () => {
    const cases = [floor, at(49, 10, 2000), at(300, 10, 2500), at(1000, 10, 6000)];

    const growth = named(evaluateTargets(againstFloor(cases, floor), restored), 'ms/broker');

    expect(growth.pass).toBe(false);
    expect(growth.detail).toContain('1.99 ms/broker (49→300), 5.00 ms/broker (300→1000)');
  });

  it('fails the size targets, naming the error, when the big case could not run', () => {
    const broken: CaseResult = { name: '1000×10', kind: 'generated', brokers: 1000, consumers: 10, runs: 0, error: 'exit 1: spec problem' };

    const targets = evaluateTargets(againstFloor([floor, broken], floor), restored);

    expect(named(targets, '1000×10 ≤ 3× floor wall')).toEqual({
      name: '1000×10 ≤ 3× floor wall',
      pass: false,
      detail: '1000×10 or floor not measured: exit 1: spec problem',
    });
    expect(named(targets, '1000×10 output').pass).toBe(false);
  });
});

describe('casesTable', () => {
  it('prints one Markdown row per case, with the failure of a case that could not run', () => {
    const broken: CaseResult = { name: '1000×10', kind: 'generated', brokers: 1000, consumers: 10, runs: 0, error: 'exit 1: a|b' };

    const lines = casesTable(againstFloor([floor, broken], floor)).split('\n');

    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('| floor | – | – | 1 | 0 | 3 | 1.00 (1.00–1.00) | 1.00× | – | 100 (100–100) | 1.00× | 0.95 |');
    expect(lines[3]).toBe('| 1000×10 | 1000 | 10 | – | – | 0 | failed: exit 1: a\\|b |  |  |  |  |  |');
  });
});
