import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { lockfilePathFor } from '@kafka-privatelink/cluster-spec';
import { stringify } from 'yaml';
import { PeakRssMethod, RunResult, runMeasured } from './measure';
import type { CaseResult } from './report';
import { BENCH_BROKER_COUNTS, BENCH_CONSUMER_COUNTS, generateSpec, type SpecSize } from './spec-generator';
import { summarize } from './stats';
import { readSynthOutput, SynthOutput } from './synth-output';
import { terraformEntries } from './floors';

/** A case whose warm-up run takes longer than this gets fewer measured runs. */
const SLOW_RUN_MS = 10_000;
const SLOW_CASE_MAX_RUNS = 3;

export interface CaseSetup {
  readonly name: string;
  readonly kind: CaseResult['kind'];
  readonly brokers?: number;
  readonly consumers?: number;
  readonly argv: readonly string[];
  readonly specPath?: string;
  /** The case's own scratch folder: its spec, lockfile and synth output. */
  readonly dir: string;
  /**
   * Where a command that chooses its own output folder writes; left in place between runs (the
   * synth replaces it), unlike the case's own `out` folder.
   * @default - `out` in the case's folder, passed as CDKTF_OUTDIR and removed before every run
   */
  readonly outdir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The floor-N or physical floor of this case. @default - none */
  readonly of?: string;
  /** What the Terraform blocks of the output must be (terraformEntries). @default - not checked */
  readonly expectedEntries?: readonly string[];
}

/** A command run on the example spec beside the app, e.g. the README's synth command through Nx. */
export interface CommandCase {
  readonly name: string;
  readonly argv: readonly string[];
  /** Where it writes its synth output. @default - it writes none */
  readonly outdir?: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface CasePaths {
  readonly scratch: string;
  readonly appArgv: readonly string[];
  readonly floorScript: string;
  readonly exampleSpec: string;
  /** @default - none */
  readonly commands?: readonly CommandCase[];
}

/**
 * The floor first, then the example spec, the commands on the same spec, then every generated
 * size; specs written to `scratch`.
 */
export function caseSetups({ scratch, appArgv, floorScript, exampleSpec, commands = [] }: CasePaths): CaseSetup[] {
  const folder = (name: string) => {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const setups: CaseSetup[] = [
    { name: 'floor (AWS provider only)', kind: 'floor', argv: [...appArgv.slice(0, -1), floorScript], dir: folder('floor') },
  ];

  const exampleDir = folder('example');
  const exampleCopy = join(exampleDir, basename(exampleSpec));
  copyFileSync(exampleSpec, exampleCopy);
  copyFileSync(lockfilePathFor(exampleSpec), lockfilePathFor(exampleCopy));
  setups.push({ name: `example (${basename(exampleSpec)})`, kind: 'example', argv: appArgv, specPath: exampleCopy, dir: exampleDir });
  for (const command of commands) setups.push({ ...command, kind: 'command', specPath: exampleCopy, dir: exampleDir });

  for (const consumers of BENCH_CONSUMER_COUNTS) {
    for (const brokers of BENCH_BROKER_COUNTS) {
      const dir = folder(`${brokers}x${consumers}`);
      const specPath = join(dir, 'bench.yaml');
      writeGeneratedSpec(specPath, { brokers, consumers });
      setups.push({ name: `${brokers}×${consumers}`, kind: 'generated', brokers, consumers, argv: appArgv, specPath, dir });
    }
  }
  return setups;
}

/** How many entries one list has that the other has not. */
const differentEntries = (expected: readonly string[], actual: readonly string[]): number => {
  const count = new Map<string, number>();
  for (const e of expected) count.set(e, (count.get(e) ?? 0) + 1);
  for (const a of actual) count.set(a, (count.get(a) ?? 0) - 1);
  return [...count.values()].reduce((sum, n) => sum + Math.abs(n), 0);
};

/** The spec of a generated case, as the bench synthesizes it. */
export function writeGeneratedSpec(specPath: string, size: SpecSize): void {
  const header = `# ${size.brokers} brokers, ${size.consumers} consumers: written by tools/bench for one bench run.\n`;
  writeFileSync(specPath, header + stringify(generateSpec(size)));
}

/** An error as one table cell: the case's scratch folder shortened, whitespace folded. */
const oneLine = (message: string, dir: string): string =>
  message.replaceAll(`${dir}/`, '').replaceAll('kafka-privatelink: ', '').replace(/\s+/g, ' ').trim().slice(0, 240);

interface CaseState {
  readonly setup: CaseSetup;
  readonly run: () => Promise<RunResult>;
  readonly results: RunResult[];
  runs: number;
  output?: SynthOutput;
  error?: string;
}

export interface RunCasesOptions {
  /** Where the children run: the workspace root, from which Nx and the bundles' relative paths resolve. */
  readonly root: string;
  readonly runs: number;
  readonly method: PeakRssMethod;
  readonly log: (line: string) => void;
  /**
   * The floors of an app case, made from its warm-up output (still in `outdir`), measured beside it.
   * @default - none
   */
  readonly floorsOf?: (setup: CaseSetup, outdir: string) => CaseSetup[];
}

/**
 * Runs every case once to warm up (not counted: it writes the port lockfile and fills the file
 * system's caches, as any later synth finds them), then measures the cases in rounds, one run of
 * each per round, so that a change in the machine's load shifts every case alike, the floor too.
 * Stops early, returning undefined, when the floor itself cannot run.
 */
export async function runCases(setups: readonly CaseSetup[], { root, runs, method, log, floorsOf }: RunCasesOptions): Promise<CaseResult[] | undefined> {
  const outdirOf = (setup: CaseSetup) => setup.outdir ?? join(setup.dir, 'out');
  const clean = (setup: CaseSetup) => {
    if (setup.outdir === undefined) rmSync(outdirOf(setup), { recursive: true, force: true });
  };
  const stateOf = (setup: CaseSetup): CaseState => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...setup.env };
    delete env.CDKTF_OUTDIR;
    delete env.KAFKA_PRIVATELINK_FROZEN_LOCKFILE;
    delete env.KAFKA_PRIVATELINK_SPEC;
    if (setup.outdir === undefined) env.CDKTF_OUTDIR = outdirOf(setup);
    if (setup.specPath) env.KAFKA_PRIVATELINK_SPEC = setup.specPath;
    return {
      setup,
      results: [],
      runs,
      run: async () => {
        clean(setup);
        const result = await runMeasured(setup.argv, { cwd: root, env, method });
        if (result.exitCode !== 0) throw new Error(`exit ${result.exitCode}: ${result.stderrTail.trim()}`);
        return result;
      },
    };
  };
  const states: CaseState[] = setups.map(stateOf);
  const attempt = async (state: CaseState, what: string, step: (result: RunResult) => void) => {
    try {
      const result = await state.run();
      log(`${state.setup.name} ${what}: ${(result.wallMs / 1000).toFixed(2)} s, CPU ${(result.cpuMs / 1000).toFixed(2)} s, ${(result.peakRssKiB / 1024).toFixed(0)} MiB`);
      step(result);
    } catch (error) {
      log(`${state.setup.name} failed: ${(error as Error).message}`);
      state.error = oneLine((error as Error).message, state.setup.dir);
    } finally {
      clean(state.setup);
    }
  };

  for (let i = 0; i < states.length; i++) {
    const state = states[i];
    await attempt(state, 'warm-up', (result) => {
      const outdir = outdirOf(state.setup);
      if (state.setup.kind !== 'command' || state.setup.outdir) state.output = readSynthOutput(outdir);
      if (state.setup.expectedEntries) {
        const wrong = differentEntries(state.setup.expectedEntries, terraformEntries(outdir));
        if (wrong > 0) throw new Error(`${wrong} Terraform blocks differ from ${state.setup.of}'s`);
      }
      if (result.wallMs > SLOW_RUN_MS) state.runs = Math.min(runs, SLOW_CASE_MAX_RUNS);
      if (floorsOf && (state.setup.kind === 'example' || state.setup.kind === 'generated')) states.splice(i + 1, 0, ...floorsOf(state.setup, outdir).map(stateOf));
    });
    if (state.setup.kind === 'floor' && state.error) return undefined;
  }
  for (let round = 1; round <= runs; round++) {
    for (const state of states.filter((s) => !s.error && s.results.length < s.runs)) {
      await attempt(state, `run ${round}/${state.runs}`, (result) => state.results.push(result));
    }
  }

  return states.map(({ setup, results, output, error }) => {
    const base = { name: setup.name, kind: setup.kind, ...(setup.of ? { of: setup.of } : {}), ...(setup.brokers !== undefined ? { brokers: setup.brokers, consumers: setup.consumers } : {}) };
    if (error) return { ...base, runs: results.length, error };
    return {
      ...base,
      runs: results.length,
      wallMs: summarize(results.map((r) => r.wallMs)),
      peakRssMiB: summarize(results.map((r) => r.peakRssKiB / 1024)),
      cpuMs: summarize(results.map((r) => r.cpuMs)),
      ...(output ? { output } : {}),
    };
  });
}
