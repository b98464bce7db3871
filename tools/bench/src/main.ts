// `npm run bench`: synth speed, memory and growth of the cdktf app against cdktf's own floor.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describePeakRssMethod, detectPeakRssMethod } from './measure';
import { parseNxOutput, runNx, servedFromCache } from './nx';
import { parseOptions, UsageError, USAGE } from './options';
import { againstFloor, CaseResult, NxStep, casesTable, evaluateTargets, nxTable, targetLine } from './report';
import { caseSetups, runCases } from './run-cases';

const ROOT = resolve(__dirname, '..', '..', '..');
const RESULTS_FILE = join(ROOT, 'bench-results', 'bench.json');
const EXAMPLE_SPEC = join(ROOT, 'examples', 'coban.yaml');
const FLOOR_SCRIPT = relative(ROOT, join(__dirname, 'floor-app.ts'));

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The app command of cdktf.json as an argv; the floor runs with the same node flags and loader. */
function appArgv(): string[] {
  const { app } = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')) as { app: string };
  if (/["'\\$`]/.test(app) || !/^node\s/.test(app)) {
    throw new Error(`cdktf.json "app" must be a plain \`node [flags] <script>\` command to be benchmarked, got ${JSON.stringify(app)}`);
  }
  return app.trim().split(/\s+/);
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
  let cases: CaseResult[] | undefined;
  try {
    const setups = caseSetups({ scratch, appArgv: app, floorScript: FLOOR_SCRIPT, exampleSpec: EXAMPLE_SPEC });
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
  const synthAgain = await nxStep('again, nothing changed', ['run-many', '-t', 'synth']);
  const nxSteps = [testSuite, synthFirst, synthAgain];

  const rows = againstFloor(cases, floor);
  const targets = evaluateTargets(rows, synthAgain, servedFromCache(synthAgain.summary));
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
    tsx: versionOf('tsx'),
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
      `- machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}; node ${machine.node}, cdktf ${machine.cdktf}, @cdktf/provider-aws ${machine.providerAws}, tsx ${machine.tsx}`,
      `- load average (1/5/15 min): ${round(loadStart)} at start, ${round(loadEnd)} at end` +
        (Math.max(loadStart[0], loadEnd[0]) > machine.cpus ? ` (above ${machine.cpus}: other work shared the CPUs, so CPU s is steadier than wall s)` : ''),
      `- commit ${commit.id}${commit.uncommittedChanges ? ' with uncommitted changes' : ''}; ${started.toISOString()}`,
      `- app: \`${app.join(' ')}\` (cdktf.json); floor: \`${[...app.slice(0, -1), FLOOR_SCRIPT].join(' ')}\``,
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
