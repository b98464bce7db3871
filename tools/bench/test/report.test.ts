import { NxSummary } from '../src/nx';
import { againstFloor, CaseResult, casesTable, evaluateTargets, NxStep } from '../src/report';
import { summarize } from '../src/stats';

const output = { stacks: 1, resources: 0, dataSources: 0, outputs: 0, bytes: 100 };
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

/** 1 s fixed above the floor plus `msPerBroker` per broker. */
const linear = (msPerBroker: number): CaseResult[] => [
  { ...at(3, 1, 1400), name: 'example', kind: 'example' },
  ...[49, 300, 1000].map((brokers) => at(brokers, 10, 2000 + brokers * msPerBroker)),
];

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
    const targets = evaluateTargets(againstFloor([floor, ...linear(2)], floor), synthAgain, true);

    expect(targets.map((t) => [t.name, t.pass])).toEqual([
      ['example spec wall ≤ 1.5× floor', true],
      ['1000×10 wall < 5.00 s', true],
      ['1000×10 peak RSS < 1024 MiB', true],
      ['ms/broker constant 49→1000 brokers (10 consumers)', true],
      ['unchanged re-synth through Nx is a cache hit', true],
    ]);
  });

  it('fails the growth target when brokers get dearer as the cluster grows', () => {
    const cases = [floor, at(49, 10, 2000), at(300, 10, 2500), at(1000, 10, 6000)];

    const growth = evaluateTargets(againstFloor(cases, floor), synthAgain, true).find((t) => t.name.startsWith('ms/broker'))!;

    expect(growth.pass).toBe(false);
    expect(growth.detail).toContain('1.99 ms/broker (49→300), 5.00 ms/broker (300→1000)');
  });

  it('fails the size targets, naming the error, when the big case could not run', () => {
    const broken: CaseResult = { name: '1000×10', kind: 'generated', brokers: 1000, consumers: 10, runs: 0, error: 'exit 1: spec problem' };

    const targets = evaluateTargets(againstFloor([floor, broken], floor), synthAgain, true);

    expect(targets.find((t) => t.name === '1000×10 wall < 5.00 s')).toEqual({
      name: '1000×10 wall < 5.00 s',
      pass: false,
      detail: '1000×10 not measured: exit 1: spec problem',
    });
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
