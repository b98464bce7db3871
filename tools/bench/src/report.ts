import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NxSummary } from './nx';
import { slope, Summary } from './stats';
import type { SynthOutput } from './synth-output';

export interface CaseResult {
  /** e.g. `floor`, `example`, `1000×10` */
  readonly name: string;
  /**
   * `floor`: cdktf's start-up (an app with the AWS provider only); `floor-n` and `physical`: the
   * floors of the case named in `of` (see floors.ts).
   */
  readonly kind: 'floor' | 'example' | 'command' | 'generated' | 'floor-n' | 'physical';
  /** The case a `floor-n` or `physical` row is the floor of. */
  readonly of?: string;
  readonly brokers?: number;
  readonly consumers?: number;
  /** Measured runs, not counting the warm-up run. */
  readonly runs: number;
  readonly wallMs?: Summary;
  readonly peakRssMiB?: Summary;
  /** User + system CPU time of the child. */
  readonly cpuMs?: Summary;
  readonly output?: SynthOutput;
  /** Why the case could not be measured, on one line. */
  readonly error?: string;
}

/** A case with its figures set against its own floors. */
export interface CaseRow extends CaseResult {
  /** Against the case's floor-N. */
  readonly wallToFloor?: number;
  readonly peakRssToFloor?: number;
  /** (median wall − floor-N's median wall) / brokers: what the app adds per broker above cdktf. */
  readonly msPerBrokerAboveFloor?: number;
  /** The physical floor's medians: writing the same bytes. */
  readonly physical?: { readonly wallMs: number; readonly peakRssMiB: number };
}

export interface NxStep {
  readonly label: string;
  readonly command: string;
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly summary: NxSummary;
}

export interface Target {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

/** The README's synth command through Nx, uncached, on the example: a `command` case. */
export const README_SYNTH_CASE = 'README synth: npx nx run-many -t synth --skip-nx-cache';
/** What Nx costs before it runs any task: a `command` case. */
export const NX_START_CASE = 'Nx start-up: npx nx show projects';
/** The README's synth command, cache hit: Nx's start-up plus restoring the outputs. */
export const README_CACHED_CASE = 'README synth, cache hit: npx nx run-many -t synth';
/** The README's synth command uncached, as a multiple of Nx's start-up plus the app on the example. */
export const README_MAX_TO_NX_AND_APP = 1.5;
/** The README's synth command served from the cache, as a multiple of Nx's start-up. */
export const CACHED_MAX_TO_NX_START = 1.2;
/** The example and the big case, wall time and peak RSS, as a multiple of their floor-N. */
export const MAX_TO_FLOOR_N = 1.2;
export const BIG_CASE = { brokers: 1000, consumers: 10 } as const;
/**
 * outputDigest of the 1000×10 case's output: a change that makes synth faster must not change a
 * byte. test/big-case-bytes.test.ts checks it; a change to what synth writes (or to the generated
 * spec) rewrites it with `UPDATE_GOLDEN=1` in the same commit.
 */
export const BIG_CASE_SHA256_FILE = join(__dirname, '..', 'golden', '1000x10.sha256');
export const BIG_CASE_SHA256 = readFileSync(BIG_CASE_SHA256_FILE, 'utf8').trim();
/** Brokers at which the cost per broker is compared. */
export const GROWTH_POINTS = [49, 300, 1000] as const;
/** How much dearer a broker may get from the lower to the upper range and still count as constant. */
export const GROWTH_MAX_RATIO = 1.5;

/** An unchanged re-run of the README's synth command, after its outputs were removed. */
export interface CacheCheck {
  readonly step: NxStep;
  readonly servedFromCache: boolean;
  /** Synth outputs that the re-run did not put back with the bytes of the run before. */
  readonly outputDifferences: readonly string[];
  /** The port lockfile and the stacks' .terraform.lock.hcl files that the re-run changed. */
  readonly lockfileDifferences: readonly string[];
}

const measured = (c: CaseResult): c is CaseResult & { wallMs: Summary; peakRssMiB: Summary } =>
  c.wallMs !== undefined && c.peakRssMiB !== undefined;

/** Every case with its figures set against its floor-N and beside its physical floor. */
export function againstFloors(cases: readonly CaseResult[]): CaseRow[] {
  const floorOf = (c: CaseResult, kind: 'floor-n' | 'physical') => cases.find((f) => f.kind === kind && f.of === c.name);
  return cases.map((c) => {
    if (!measured(c)) return c;
    const floor = floorOf(c, 'floor-n');
    const physical = floorOf(c, 'physical');
    return {
      ...c,
      ...(floor && measured(floor)
        ? {
            wallToFloor: c.wallMs.median / floor.wallMs.median,
            peakRssToFloor: c.peakRssMiB.median / floor.peakRssMiB.median,
            ...(c.brokers ? { msPerBrokerAboveFloor: (c.wallMs.median - floor.wallMs.median) / c.brokers } : {}),
          }
        : {}),
      ...(physical && measured(physical) ? { physical: { wallMs: physical.wallMs.median, peakRssMiB: physical.peakRssMiB.median } } : {}),
    };
  });
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const mib = (value: number): string => value.toFixed(0);
const times = (ratio: number | undefined): string => (ratio === undefined ? '–' : `${ratio.toFixed(2)}×`);
const sizeOf = (c: CaseResult, brokers: number, consumers: number) => c.kind === 'generated' && c.brokers === brokers && c.consumers === consumers;
const notMeasured = (what: string, c: CaseResult | undefined): string => `${what} not measured${c?.error ? `: ${c.error}` : ''}`;

/**
 * A ratio target `numerator ≤ max × (sum of the denominators)` on median wall times (or peak RSS),
 * the physical floor of the numerator's case beside it when there is one.
 */
function ratioTarget(name: string, max: number, top: CaseRow | undefined, bottoms: readonly (CaseRow | undefined)[], figure: 'wallMs' | 'peakRssMiB'): Target {
  const a = top?.[figure];
  if (!top || !a || bottoms.some((c) => !c?.[figure])) {
    const names = [top?.name ?? 'a case', ...bottoms.map((b) => b?.name ?? 'its reference')].join(' or ');
    return { name, pass: false, detail: notMeasured(names, [top, ...bottoms].find((c) => c?.error)) };
  }
  const b = bottoms.reduce((sum, c) => sum + c![figure]!.median, 0);
  const ratio = a.median / b;
  const show = figure === 'wallMs' ? (v: number) => `${seconds(v)} s` : (v: number) => `${mib(v)} MiB`;
  const physical = top.physical ? `; physical floor ${show(figure === 'wallMs' ? top.physical.wallMs : top.physical.peakRssMiB)}` : '';
  const reference = bottoms.map((c) => `${c!.name} (${show(c![figure]!.median)})`).join(' + ');
  return { name, pass: ratio <= max, detail: `${show(a.median)} = ${times(ratio)} ${reference}, at most ${max}× allowed${physical}` };
}

export function evaluateTargets(rows: readonly CaseRow[], cache: CacheCheck | undefined): Target[] {
  const targets: Target[] = [];
  const example = rows.find((r) => r.kind === 'example');
  const command = (name: string) => rows.find((r) => r.kind === 'command' && r.name === name);
  const floorN = (c: CaseRow | undefined) => rows.find((r) => r.kind === 'floor-n' && c !== undefined && r.of === c.name);
  const nxStart = command(NX_START_CASE);
  targets.push(
    ratioTarget(`README synth command, uncached, ≤ ${README_MAX_TO_NX_AND_APP}× (Nx start-up + the app on the example)`, README_MAX_TO_NX_AND_APP, command(README_SYNTH_CASE), [nxStart, example], 'wallMs'),
    ratioTarget(`README synth command, cache hit, ≤ ${CACHED_MAX_TO_NX_START}× Nx start-up`, CACHED_MAX_TO_NX_START, command(README_CACHED_CASE), [nxStart], 'wallMs'),
    ratioTarget(`example ≤ ${MAX_TO_FLOOR_N}× floor-N wall`, MAX_TO_FLOOR_N, example, [floorN(example)], 'wallMs'),
    ratioTarget(`example ≤ ${MAX_TO_FLOOR_N}× floor-N peak RSS`, MAX_TO_FLOOR_N, example, [floorN(example)], 'peakRssMiB'),
  );

  const big = rows.find((r) => sizeOf(r, BIG_CASE.brokers, BIG_CASE.consumers));
  const bigName = `${BIG_CASE.brokers}×${BIG_CASE.consumers}`;
  targets.push(ratioTarget(`${bigName} ≤ ${MAX_TO_FLOOR_N}× floor-N wall`, MAX_TO_FLOOR_N, big, [floorN(big)], 'wallMs'));
  targets.push(ratioTarget(`${bigName} ≤ ${MAX_TO_FLOOR_N}× floor-N peak RSS`, MAX_TO_FLOOR_N, big, [floorN(big)], 'peakRssMiB'));
  const bytesName = `${bigName} output is the reference bytes`;
  targets.push(
    big?.output
      ? { name: bytesName, pass: big.output.sha256 === BIG_CASE_SHA256, detail: `sha256 ${big.output.sha256}${big.output.sha256 === BIG_CASE_SHA256 ? '' : `, expected ${BIG_CASE_SHA256}`}` }
      : { name: bytesName, pass: false, detail: notMeasured(bigName, big) },
  );

  const consumerCounts = [...new Set(rows.filter((r) => r.kind === 'generated').map((r) => r.consumers!))].sort((a, b) => a - b);
  for (const consumers of consumerCounts) {
    const [low, mid, high] = GROWTH_POINTS.map((brokers) => rows.find((r) => sizeOf(r, brokers, consumers)));
    const name = `ms/broker constant ${GROWTH_POINTS[0]}→${GROWTH_POINTS[2]} brokers (${consumers} consumer${consumers === 1 ? '' : 's'})`;
    if (!low?.wallMs || !mid?.wallMs || !high?.wallMs || !low.peakRssMiB || !mid.peakRssMiB || !high.peakRssMiB) {
      targets.push({ name, pass: false, detail: notMeasured('a growth point', [low, mid, high].find((c) => c?.error)) });
      continue;
    }
    const point = (c: CaseResult, y: Summary) => ({ x: c.brokers!, y: y.median });
    const lower = slope(point(low, low.wallMs), point(mid, mid.wallMs));
    const upper = slope(point(mid, mid.wallMs), point(high, high.wallMs));
    const kibLower = slope(point(low, low.peakRssMiB), point(mid, mid.peakRssMiB)) * 1024;
    const kibUpper = slope(point(mid, mid.peakRssMiB), point(high, high.peakRssMiB)) * 1024;
    targets.push({
      name,
      pass: upper <= GROWTH_MAX_RATIO * lower,
      detail:
        `marginal ${lower.toFixed(2)} ms/broker (${low.brokers}→${mid.brokers}), ${upper.toFixed(2)} ms/broker (${mid.brokers}→${high.brokers}), ` +
        `at most ${GROWTH_MAX_RATIO}× allowed; memory ${kibLower.toFixed(0)} → ${kibUpper.toFixed(0)} KiB/broker`,
    });
  }

  const cacheName = 'unchanged re-synth through Nx is a cache hit that restores the output and keeps the lockfiles';
  if (cache) {
    const { step, servedFromCache, outputDifferences, lockfileDifferences } = cache;
    const tasks = step.summary.tasks.map((t) => `${t.task} [${t.note ?? 'ran'}]`).join(', ') || 'no task listed';
    const fromCache = step.summary.readFromCache;
    const wrong = [...outputDifferences, ...lockfileDifferences];
    targets.push({
      name: cacheName,
      pass: servedFromCache && wrong.length === 0,
      detail:
        `${tasks}; ` +
        (fromCache ? `Nx read the output from the cache for ${fromCache.hits} out of ${fromCache.tasks} tasks` : 'Nx reported no cache read') +
        ` (noop tasks count as misses); ` +
        (wrong.length === 0 ? 'restored output and lockfiles are the right bytes' : `wrong bytes: ${wrong.join(', ')}`) +
        `; ${seconds(step.wallMs)} s`,
    });
  } else targets.push({ name: cacheName, pass: false, detail: 'not measured' });
  return targets;
}

const spread = (s: Summary, format: (v: number) => string): string =>
  s.samples.length === 1 ? format(s.median) : `${format(s.median)} (${format(s.min)}–${format(s.max)})`;

export function casesTable(rows: readonly CaseRow[]): string {
  const header = [
    'case',
    'brokers',
    'consumers',
    'stacks',
    'resources',
    'runs',
    'wall s, median (min–max)',
    'wall × floor-N',
    'ms/broker above floor-N',
    'peak RSS MiB, median (min–max)',
    'RSS × floor-N',
    'CPU s, median',
    'physical floor s / MiB',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const cells = [
      r.name,
      r.brokers ?? '–',
      r.consumers ?? '–',
      r.output?.stacks ?? '–',
      r.output?.resources ?? '–',
      r.runs,
      ...(r.wallMs && r.peakRssMiB
        ? [
            spread(r.wallMs, seconds),
            times(r.wallToFloor),
            r.msPerBrokerAboveFloor === undefined ? '–' : r.msPerBrokerAboveFloor.toFixed(2),
            spread(r.peakRssMiB, mib),
            times(r.peakRssToFloor),
            r.cpuMs ? seconds(r.cpuMs.median) : '–',
            r.physical ? `${seconds(r.physical.wallMs)} / ${mib(r.physical.peakRssMiB)}` : '–',
          ]
        : [`failed: ${(r.error ?? '').replaceAll('|', '\\|')}`, '', '', '', '', '', '']),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function nxTable(steps: readonly NxStep[]): string {
  const lines = ['| command | wall s | result |', '|---|---:|---|'];
  for (const step of steps) {
    const s = step.summary;
    const result = [
      step.exitCode === 0 ? 'ok' : `exit ${step.exitCode}`,
      s.projects !== undefined ? `${s.projects} projects` : undefined,
      s.failedTasks.length > 0 ? `failed: ${s.failedTasks.join(', ')}` : undefined,
      s.cacheLine ? `Cache: ${s.cacheLine}` : undefined,
      s.runDuration ? `Nx run duration ${s.runDuration}` : undefined,
    ].filter((part) => part !== undefined);
    lines.push(`| \`${step.command}\` (${step.label}) | ${seconds(step.wallMs)} | ${result.join('; ')} |`);
  }
  return lines.join('\n');
}

export const targetLine = (t: Target): string => `${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}`;
