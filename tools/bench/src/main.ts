// `npm run bench`: synth speed, memory and growth of the cdktf app against each case's own floors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { lockfilePathFor, specPathFromEnv } from '@kafka-privatelink/cluster-spec';
import { differences, removeSynthOutputs, synthOutputs, terraformLockFiles } from './cache-restore';
import { describePeakRssMethod, detectPeakRssMethod } from './measure';
import { parseNxOutput, runNx, servedFromCache } from './nx';
import { parseOptions, UsageError, USAGE } from './options';
import { floorAppSource, physicalFloorSource, terraformEntries } from './floors';
import { bundleModules, profileTable, readProfile, summarizeProfile, type ProfileSummary } from './profile';
import { againstFloors, BIG_CASE, CacheCheck, CaseResult, NxStep, NX_START_CASE, README_CACHED_CASE, README_SYNTH_CASE, casesTable, evaluateTargets, nxTable, targetLine } from './report';
import { CaseSetup, caseSetups, CommandCase, runCases } from './run-cases';
import { runMeasured } from './measure';

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

/** A floor bundled as app:bundle bundles the app, so that both start the same way. */
function bundleFloor(outfile: string, source = FLOOR_SOURCE): void {
  const run = spawnSync(process.execPath, [join('stacks', 'app', 'bundle.mjs'), source, outfile], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bundling the floor failed: ${run.stderr}`);
}

/**
 * The floors of an app case from its warm-up output: floor-N, bundled as the app is (its source in
 * `sources`, inside the repository so that it resolves cdktf), and the physical floor, both
 * started with the app's node flags.
 */
function floorsOf(app: readonly string[], scratch: string, sources: string) {
  return (setup: CaseSetup, outdir: string): CaseSetup[] => {
    const slug = setup.name.replace(/[^A-Za-z0-9]+/g, '-');
    const source = join(sources, `${slug}.ts`);
    writeFileSync(source, floorAppSource(outdir));
    const bundle = join(scratch, `${slug}-floor-n.cjs`);
    bundleFloor(bundle, relative(ROOT, source));
    const physical = join(scratch, `${slug}-physical.cjs`);
    writeFileSync(physical, physicalFloorSource(outdir));
    const folder = (name: string) => {
      const dir = join(scratch, `${slug}-${name}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    };
    const node = app.slice(0, -1);
    return [
      { name: `floor-N of ${setup.name}`, kind: 'floor-n', of: setup.name, argv: [...node, bundle], dir: folder('floor-n'), expectedEntries: terraformEntries(outdir) },
      { name: `physical floor of ${setup.name}`, kind: 'physical', of: setup.name, argv: [...node, physical], dir: folder('physical') },
    ];
  };
}

/** Where the biggest case's synth spends its CPU: one run under `node --cpu-prof`, by module and function. */
async function profileBiggest(app: readonly string[], setup: CaseSetup, dir: string): Promise<ProfileSummary> {
  const profDir = join(dir, 'cpu-prof');
  const [node, ...rest] = app;
  const bundle = rest[rest.length - 1];
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_PRIVATELINK_SPEC: setup.specPath, CDKTF_OUTDIR: join(dir, 'profile-out') };
  delete env.KAFKA_PRIVATELINK_FROZEN_LOCKFILE;
  const run = await runMeasured([node, '--cpu-prof', `--cpu-prof-dir=${profDir}`, ...rest], { cwd: ROOT, env, method: 'vmhwm-poll' });
  if (run.exitCode !== 0) throw new Error(`profiling ${setup.name} failed: ${run.stderrTail}`);
  const [file] = readdirSync(profDir);
  return summarizeProfile(readProfile(join(profDir, file)), bundleModules(readFileSync(join(ROOT, bundle), 'utf8')), bundle, 12);
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
    { name: README_CACHED_CASE, argv: ['npx', 'nx', 'run-many', '-t', 'synth'], outdir: join(ROOT, 'cdktf.out'), env: NX_ENV },
    { name: NX_START_CASE, argv: ['npx', 'nx', 'show', 'projects'], env: NX_ENV },
  ];
  let cases: CaseResult[] | undefined;
  let bundle: NxStep | undefined;
  let profile: ProfileSummary | undefined;
  // inside the repository, so that floor-N resolves cdktf; in .gen/, which git ignores, as the app's bundle
  mkdirSync(join(ROOT, '.gen'), { recursive: true });
  const sources = mkdtempSync(join(ROOT, '.gen', 'bench-floors-'));
  try {
    bundle = await nxStep('the bundle that app:synth runs', ['run', 'app:bundle']);
    if (bundle.exitCode !== 0) throw new Error(`npx nx run app:bundle failed (exit ${bundle.exitCode})`);
    bundleFloor(floorScript);
    const setups = caseSetups({ scratch, appArgv: app, floorScript, exampleSpec: EXAMPLE_SPEC, commands });
    cases = await runCases(setups, { root: ROOT, runs: options.runs, method, log, floorsOf: floorsOf(app, scratch, sources) });
    const biggest = setups.find((s) => s.brokers === BIG_CASE.brokers && s.consumers === BIG_CASE.consumers);
    if (biggest) {
      log(`${biggest.name} under node --cpu-prof…`);
      profile = await profileBiggest(app, biggest, biggest.dir);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(sources, { recursive: true, force: true });
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

  const rows = againstFloors(cases);
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
        ...(profile ? { profile } : {}),
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
      `- app: \`${app.join(' ')}\` (app:synth's command, its bundle made by app:bundle); start-up floor: \`${[...app.slice(0, -1), FLOOR_SOURCE].join(' ')}\` and every floor-N bundled the same way`,
      `- ${methods.process}; wall: ${methods.wall}; peak RSS: ${methods.peakRss}`,
      '',
      casesTable(rows),
      '',
      'floor (AWS provider only): cdktf\'s start-up. floor-N of a case: a plain cdktf app creating the same blocks with the same values, bundled and started as the app. Physical floor: writing the same output bytes from one process.',
      'Ratios × floor-N are against the case\'s own floor-N, in the same rounds; ms/broker above floor-N = (median wall − floor-N median wall) / brokers. Cases `N×C`: N brokers, C consumers (generated specs).',
      '',
      nxTable(nxSteps),
      '',
      ...targets.map(targetLine),
      '',
      ...(profile ? [`## Where ${BIG_CASE.brokers}×${BIG_CASE.consumers} spends its CPU (node --cpu-prof, one run, ${(profile.totalMs / 1000).toFixed(2)} s sampled, self time)`, '', profileTable(profile), ''] : []),
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
