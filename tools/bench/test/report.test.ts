import { NxSummary } from '../src/nx';
import { againstFloors, BIG_CASE_SHA256, CacheCheck, CaseResult, casesTable, evaluateTargets, NX_START_CASE, NxStep, README_CACHED_CASE, README_SYNTH_CASE } from '../src/report';
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
/** The floor-N and physical floor of a case, at the given figures. */
const floorsOf = (of: string, wallMs: number, rssMiB: number): CaseResult[] => [
  { name: `floor-N of ${of}`, kind: 'floor-n', of, runs: 1, wallMs: summarize([wallMs]), peakRssMiB: summarize([rssMiB]) },
  { name: `physical floor of ${of}`, kind: 'physical', of, runs: 1, wallMs: summarize([wallMs / 10]), peakRssMiB: summarize([rssMiB / 2]) },
];

/** 1 s fixed above the floor plus `msPerBroker` per broker. */
const linear = (msPerBroker: number): CaseResult[] => [
  { ...at(3, 1, 1100, 150), name: 'example', kind: 'example' },
  ...floorsOf('example', 1000, 140),
  command(README_SYNTH_CASE, 2000),
  command(README_CACHED_CASE, 700),
  command(NX_START_CASE, 600),
  ...[49, 300, 1000].map((brokers) => at(brokers, 10, 1000 + brokers * msPerBroker)),
  ...floorsOf('1000×10', 1000 + 1000 * msPerBroker, 200),
];
const named = (targets: ReturnType<typeof evaluateTargets>, start: string) => targets.find((t) => t.name.startsWith(start))!;

describe('againstFloors', () => {
  it('sets every figure against the case\'s own floor-N, spreads the time above it over the brokers, and shows its physical floor', () => {
    // GIVEN a case with its floors and cdktf's start-up floor
    const [row] = againstFloors([at(100, 1, 1500, 150), ...floorsOf('100×1', 1000, 100), floor]);

    // THEN its ratios are against its floor-N, with the physical floor beside them
    expect(row.wallToFloor).toBe(1.5);
    expect(row.peakRssToFloor).toBe(1.5);
    expect(row.msPerBrokerAboveFloor).toBe(5);
    expect(row.physical).toEqual({ wallMs: 100, peakRssMiB: 50 });
  });

  it('sets no ratio for a case without a floor-N', () => {
    const [row] = againstFloors([at(100, 1, 1500, 150), floor]);

    expect(row.wallToFloor).toBeUndefined();
  });
});

describe('evaluateTargets', () => {
  it('passes a linear app within the limits', () => {
    const targets = evaluateTargets(againstFloors([floor, ...linear(2)]), restored);

    expect(targets.map((t) => [t.name, t.pass])).toEqual([
      ['README synth command, uncached, ≤ 1.5× (Nx start-up + the app on the example)', true],
      ['README synth command, cache hit, ≤ 1.2× Nx start-up', true],
      ['example ≤ 1.2× floor-N wall', true],
      ['example ≤ 1.2× floor-N peak RSS', true],
      ['1000×10 ≤ 1.2× floor-N wall', true],
      ['1000×10 ≤ 1.2× floor-N peak RSS', true],
      ['1000×10 output is the reference bytes', true],
      ['ms/broker constant 49→1000 brokers (10 consumers)', true],
      ['unchanged re-synth through Nx is a cache hit that restores the output and keeps the lockfiles', true],
    ]);
    expect(named(targets, 'README synth command, uncached').detail).toBe(
      `2.00 s = 1.18× ${NX_START_CASE} (0.60 s) + example (1.10 s), at most 1.5× allowed; physical floor…`.replace('; physical floor…', ''),
    );
    expect(named(targets, 'example ≤ 1.2× floor-N wall').detail).toBe('1.10 s = 1.10× floor-N of example (1.00 s), at most 1.2× allowed; physical floor 0.10 s');
  });

  it('fails each ratio just above its limit and passes it at the limit', () => {
    // GIVEN the example at its floor-N's limit, the big case just above it in memory, the README command just above its limit
    const cases = [
      floor,
      { ...at(3, 1, 1200, 100), name: 'example', kind: 'example' as const },
      ...floorsOf('example', 1000, 100),
      command(NX_START_CASE, 600),
      command(README_SYNTH_CASE, 2701),
      command(README_CACHED_CASE, 720),
      at(1000, 10, 3000, 241),
      ...floorsOf('1000×10', 3000, 200),
    ];

    // WHEN the targets are evaluated
    const targets = evaluateTargets(againstFloors(cases), restored);

    // THEN each is PASS at its limit and FAIL above it
    expect(named(targets, 'README synth command, uncached').pass).toBe(false);
    expect(named(targets, 'README synth command, cache hit').pass).toBe(true);
    expect(named(targets, 'example ≤ 1.2× floor-N wall').pass).toBe(true);
    expect(named(targets, '1000×10 ≤ 1.2× floor-N wall').pass).toBe(true);
    expect(named(targets, '1000×10 ≤ 1.2× floor-N peak RSS')).toEqual({
      name: '1000×10 ≤ 1.2× floor-N peak RSS',
      pass: false,
      detail: '241 MiB = 1.21× floor-N of 1000×10 (200 MiB), at most 1.2× allowed; physical floor 100 MiB',
    });
  });

  it('fails when the 1000×10 output is not the reference bytes', () => {
    const big = { ...at(1000, 10, 2000), output: { ...output, sha256: 'abc' } };

    const bytes = named(evaluateTargets(againstFloors([floor, big]), restored), '1000×10 output');

    expect(bytes).toEqual({ name: '1000×10 output is the reference bytes', pass: false, detail: `sha256 abc, expected ${BIG_CASE_SHA256}` });
  });

  it('fails the cache target when the hit restored other bytes or changed a lockfile', () => {
    const wrong = { ...restored, outputDifferences: ['stacks/provider/cdk.tf.json differs'], lockfileDifferences: ['examples/coban.ports-lock.json differs'] };

    const cache = named(evaluateTargets(againstFloors([floor]), wrong), 'unchanged');

    expect(cache.pass).toBe(false);
    expect(cache.detail).toContain('wrong bytes: stacks/provider/cdk.tf.json differs, examples/coban.ports-lock.json differs');
  });

  it('fails the cache target when Nx ran the synth instead of reading it from the cache', () => {
    expect(named(evaluateTargets(againstFloors([floor]), { ...restored, servedFromCache: false }), 'unchanged').pass).toBe(false);
  });

  it('fails the growth target when brokers get dearer as the cluster grows', () => {
    const cases = [floor, at(49, 10, 2000), at(300, 10, 2500), at(1000, 10, 6000)];

    const growth = named(evaluateTargets(againstFloors(cases), restored), 'ms/broker');

    expect(growth.pass).toBe(false);
    expect(growth.detail).toContain('1.99 ms/broker (49→300), 5.00 ms/broker (300→1000)');
  });

  it('fails the size targets, naming the error, when the big case could not run', () => {
    const broken: CaseResult = { name: '1000×10', kind: 'generated', brokers: 1000, consumers: 10, runs: 0, error: 'exit 1: spec problem' };

    const targets = evaluateTargets(againstFloors([floor, broken]), restored);

    expect(named(targets, '1000×10 ≤ 1.2× floor-N wall')).toEqual({
      name: '1000×10 ≤ 1.2× floor-N wall',
      pass: false,
      detail: '1000×10 or its reference not measured: exit 1: spec problem',
    });
    expect(named(targets, '1000×10 output').pass).toBe(false);
  });
});

describe('casesTable', () => {
  it('prints one Markdown row per case, with the failure of a case that could not run', () => {
    const broken: CaseResult = { name: '1000×10', kind: 'generated', brokers: 1000, consumers: 10, runs: 0, error: 'exit 1: a|b' };

    const lines = casesTable(againstFloors([floor, broken])).split('\n');

    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('| floor | – | – | 1 | 0 | 3 | 1.00 (1.00–1.00) | – | – | 100 (100–100) | – | 0.95 | – |');
    expect(lines[3]).toBe('| 1000×10 | 1000 | 10 | – | – | 0 | failed: exit 1: a\\|b |  |  |  |  |  |  |');
  });
});
