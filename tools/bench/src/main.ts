// `npm run bench`: synth speed, memory and growth of the cdktf app against cdktf's own floor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { lockfilePathFor, specPathFromEnv } from '@kafka-privatelink/cluster-spec';
import { differences, removeSynthOutputs, synthOutputs, terraformLockFiles } from './cache-restore';
import { describePeakRssMethod, detectPeakRssMethod } from './measure';
import { parseNxOutput, runNx, servedFromCache } from './nx';
import { parseOptions, UsageError, USAGE } from './options';
import { againstFloor, CacheCheck, CaseResult, NxStep, NX_START_CASE, README_SYNTH_CASE, casesTable, evaluateTargets, nxTable, targetLine } from './report';
import { caseSetups, CommandCase, runCases } from './run-cases';

const ROOT = resolve(__dirname, '..', '..', '..');
const RESULTS_FILE = join(ROOT, 'bench-results', 'bench.json');
const EXAMPLE_SPEC = join(ROOT, 'examples', 'coban.yaml');
const FLOOR_SOURCE = relative(ROOT, join(__dirname, 'floor-app.ts'));
const APP_PACKAGE = 'stacks/app/package.json';
/** Nx as CI runs it: no daemon, no terminal UI. */
const NX_ENV = { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', CHECKPOINT_DISABLE: '1' };

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The command of the app's synth target as an argv; the floor runs with the same node flags. */
function appArgv(): string[] {
  // The local Nx plugin makes every synth target, the app's too.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plugin = require(join(ROOT, 'stacks', 'app', 'nx-plugin.js')) as {
    createNodesV2: [string, (files: string[]) => [string, { projects: Record<string, { targets: { synth: { options: { command: string } } } }> }][]];
  };
  const [[, nodes]] = plugin.createNodesV2[1]([APP_PACKAGE]);
  const command = nodes.projects['stacks/app'].targets.synth.options.command;
  if (/["'\\$`]/.test(command) || !/^node\s/.test(command)) {
    throw new Error(`app:synth's command must be a plain \`node [flags] <script>\` command to be benchmarked, got ${JSON.stringify(command)}`);
  }
  return command.trim().split(/\s+/);
}

/** The floor bundled as app:bundle bundles the app, so that both start the same way. */
function bundleFloor(outfile: string): void {
  const run = spawnSync(process.execPath, [join('stacks', 'app', 'bundle.mjs'), FLOOR_SOURCE, outfile], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bundling the floor failed: ${run.stderr}`);
}

/**
 * Runs the README's synth command again with nothing changed, after removing what Nx keeps of
 * the synth, so that the cache has to put it back: the same bytes as before, the port lockfile
 * and each stack's .terraform.lock.hcl untouched.
 */
async function cacheCheck(): Promise<CacheCheck> {
  const outdir = join(ROOT, 'cdktf.out');
  const portLock = lockfilePathFor(specPathFromEnv(process.env));
  const locks = () => ({ ...(existsSync(portLock) ? { [relative(ROOT, portLock)]: readFileSync(portLock, 'utf8') } : {}), ...terraformLockFiles(outdir) });
  const outputs = synthOutputs(outdir);
  const locksBefore = locks();
  removeSynthOutputs(outdir);
  const step = await nxStep('again, nothing changed, its outputs removed', ['run-many', '-t', 'synth']);
  return {
    step,
    servedFromCache: servedFromCache(step.summary),
    outputDifferences: differences(outputs, synthOutputs(outdir)),
    lockfileDifferences: differences(locksBefore, locks()),
  };
}

async function nxStep(label: string, args: readonly string[]): Promise<NxStep> {
  log(`npx nx ${args.join(' ')} (${label})…`);
  const run = await runNx(args, ROOT);
  return { label, command: run.command, wallMs: run.wallMs, exitCode: run.exitCode, summary: parseNxOutput(run.output) };
}

const git = (...args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = new Date();
  const loadStart = loadavg();
  const method = detectPeakRssMethod();
  const app = appArgv();
  const scratch = mkdtempSync(join(tmpdir(), 'kafka-privatelink-bench-'));
  const floorScript = join(scratch, 'floor.cjs');
  const commands: CommandCase[] = [
    { name: README_SYNTH_CASE, argv: ['npx', 'nx', 'run-many', '-t', 'synth', '--skip-nx-cache'], outdir: join(ROOT, 'cdktf.out'), env: NX_ENV },
    { name: NX_START_CASE, argv: ['npx', 'nx', 'show', 'projects'], env: NX_ENV },
  ];
  let cases: CaseResult[] | undefined;
  let bundle: NxStep | undefined;
  try {
    bundle = await nxStep('the bundle that app:synth runs', ['run', 'app:bundle']);
    if (bundle.exitCode !== 0) throw new Error(`npx nx run app:bundle failed (exit ${bundle.exitCode})`);
    bundleFloor(floorScript);
    const setups = caseSetups({ scratch, appArgv: app, floorScript, exampleSpec: EXAMPLE_SPEC, commands });
    cases = await runCases(setups, { root: ROOT, runs: options.runs, method, log });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const floor = cases?.find((c) => c.kind === 'floor');
  if (!cases || !floor || floor.error) {
    log('the floor app could not run, so nothing can be set against it');
    return 1;
  }

  const testSuite = await nxStep('whole unit-test suite', ['run-many', '-t', 'test', '--skip-nx-cache']);
  const synthFirst = await nxStep('first', ['run-many', '-t', 'synth']);
  const cache = await cacheCheck();
  const nxSteps = [bundle!, testSuite, synthFirst, cache.step];

  const rows = againstFloor(cases, floor);
  const targets = evaluateTargets(rows, cache);
  const loadEnd = loadavg();
  const cpuList = cpus();
  const machine = {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${process.platform} ${release()}`,
    node: process.version,
    cdktf: versionOf('cdktf'),
    providerAws: versionOf('@cdktf/provider-aws'),
    esbuild: versionOf('esbuild'),
    loadAverage: { start: loadStart.map((l) => Number(l.toFixed(2))), end: loadEnd.map((l) => Number(l.toFixed(2))) },
  };
  const commit = { id: git('rev-parse', '--short', 'HEAD'), uncommittedChanges: git('status', '--porcelain') !== '' };
  const methods = {
    process: 'one fresh process per run; one warm-up run per case, not counted; then rounds of one run per case',
    wall: 'spawn to exit, measured by the bench (process.hrtime)',
    peakRss: describePeakRssMethod(method),
  };

  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        schemaVersion: 1,
        date: started.toISOString(),
        runsPerCase: options.runs,
        machine,
        commit,
        appCommand: app.join(' '),
        cacheCheck: { outputDifferences: cache.outputDifferences, lockfileDifferences: cache.lockfileDifferences },
        methods,
        cases: rows,
        nx: nxSteps,
        targets,
      },
      null,
      2,
    )}\n`,
  );

  const round = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  process.stdout.write(
    [
      '# kafka-privatelink synth bench',
      '',
      `- machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}; node ${machine.node}, cdktf ${machine.cdktf}, @cdktf/provider-aws ${machine.providerAws}, esbuild ${machine.esbuild}`,
      `- load average (1/5/15 min): ${round(loadStart)} at start, ${round(loadEnd)} at end` +
        (Math.max(loadStart[0], loadEnd[0]) > machine.cpus ? ` (above ${machine.cpus}: other work shared the CPUs, so CPU s is steadier than wall s)` : ''),
      `- commit ${commit.id}${commit.uncommittedChanges ? ' with uncommitted changes' : ''}; ${started.toISOString()}`,
      `- app: \`${app.join(' ')}\` (app:synth's command, its bundle made by app:bundle); floor: \`${[...app.slice(0, -1), FLOOR_SOURCE].join(' ')}\` bundled the same way`,
      `- ${methods.process}; wall: ${methods.wall}; peak RSS: ${methods.peakRss}`,
      '',
      casesTable(rows),
      '',
      'ms/broker above floor = (median wall − floor median wall) / brokers. Cases `N×C`: N brokers, C consumers (generated specs).',
      '',
      nxTable(nxSteps),
      '',
      ...targets.map(targetLine),
      '',
      `results: ${relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}`,
      '',
    ].join('\n'),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`bench: could not run: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
