// `npx nx run emulator:verify`: every stack of each scenario through real Terraform and the real
// AWS provider, against moto's AWS API emulator with our PrivateLink extension (tools/emulator/moto).
// Each scenario has an emulator of its own (its own moto server, port and folder), and up to
// --jobs of them run side by side; the used-by commands run after them, alone.
//   --scenario NAME   only this part: example, sharded-60, cross-region, lost-lockfile, plan-role, or used-by (the nx/cdktf
//                     commands, which rewrite the repository's cdktf.out); repeatable
//   --jobs N          scenarios side by side (default: the cores plus one); --jobs 1 runs them one after another
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { Emulator } from './emulator';
import { formatCounts } from './plan-summary';
import { exclusively, runCommand } from './process';
import { parseJobs, prefixed, runPool } from './pool';
import { provision, Tools } from './provision';
import { Check, checksTable, closingLine, StackRow, stackTable } from './report';
import { ALL_SCENARIOS, example, Scenario } from './scenarios';
import { USED_BY, usedByCommands } from './used-by';
import { runScenario, ScenarioResult } from './verify';
import { consumerAccountsOf } from './world';

const RESULTS = join(REPO_ROOT, '.gen', 'test-results');

function writeCounts(name: string, passed: number, failed: number): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify({ passed, failed, skipped: 0 })}\n`);
}

/** The extension's own tests (pytest), counted in the repository's closing line. */
async function shimTests(python: string, log: (l: string) => void): Promise<boolean> {
  const ran = await runCommand(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test_kafka_privatelink_moto.py'], { cwd: join(__dirname, '..', 'moto') });
  const last = ran.stdout.trim().split('\n').pop() ?? '';
  const count = (word: string): number => Number(new RegExp(`(\\d+) ${word}`).exec(last)?.[1] ?? 0);
  const failed = count('failed') + count('error') + (ran.code !== 0 && count('failed') === 0 ? 1 : 0);
  writeCounts('emulator-shim', count('passed'), failed);
  log(`moto extension tests: ${last}`);
  if (ran.code !== 0) process.stdout.write(ran.stdout.split('\n').slice(-40).join('\n'));
  return ran.code === 0;
}

/** One scenario against an emulator of its own, in its own folder; a failure becomes a check. */
async function isolatedScenario(tools: Tools, workDir: string, scenario: Scenario, slot: number, log: (l: string) => void): Promise<ScenarioResult> {
  let emulator: Emulator | undefined;
  try {
    emulator = await Emulator.start(tools, { shiftedAzAccounts: consumerAccountsOf(scenario.spec), logDir: join(workDir, 'emulators', scenario.name), slot });
    log(`emulator at ${emulator.url}`);
    return await runScenario(emulator, tools.terraform, workDir, scenario, log);
  } catch (error) {
    log(`FAILED: ${(error as Error).message}`);
    return { rows: [], checks: [{ name: `${scenario.name}: ran to its end`, passed: false, detail: (error as Error).message }] };
  } finally {
    emulator?.stop();
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const log = (line: string): void => void process.stdout.write(`[emulator ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--scenario' ? [a] : []));
  const known = [...ALL_SCENARIOS.map((s) => s().name), USED_BY];
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`emulator: --scenario takes ${known.join(', ')}; got ${unknown.join(', ')}\n`);
    return 2;
  }
  let jobs: number;
  try {
    jobs = parseJobs(process.argv.includes('--jobs') ? (process.argv[process.argv.indexOf('--jobs') + 1] ?? '') : undefined);
  } catch (error) {
    process.stderr.write(`emulator: ${(error as Error).message}\n`);
    return 2;
  }
  const scenarios = ALL_SCENARIOS.map((s) => s()).filter((s) => only.length === 0 || only.includes(s.name));
  const usedBy = only.length === 0 || only.includes(USED_BY);

  const tools = await provision(log);
  log(`terraform ${tools.terraformVersion}; AWS provider ${tools.awsProviderPinned} (pinned by the stacks) is served by ${tools.awsProviderReal}; moto ${tools.motoVersion}`);
  const shimPassed = await shimTests(tools.python, log);

  const workDir = join(REPO_ROOT, '.gen', 'emulator');
  mkdirSync(workDir, { recursive: true });
  log(`${scenarios.length} scenarios, ${Math.min(jobs, scenarios.length)} side by side (--jobs ${jobs})`);
  // Reported in the scenarios' order, not in the order they finished.
  const results = await runPool(scenarios, jobs, (scenario, slot) => isolatedScenario(tools, workDir, scenario, slot, prefixed(scenario.name, log)));
  const rows: StackRow[] = results.flatMap((r) => r.rows);
  const checks: Check[] = results.flatMap((r) => r.checks);
  const scaleOut = results.flatMap((r) => (r.scaleOut ? [formatCounts(r.scaleOut)] : [])).pop();
  if (usedBy) {
    // It rewrites the repository's cdktf.out and runs nx there: nothing else of this run does, and
    // npm test keeps its other users of cdktf.out out of the way through this lock.
    let emulator: Emulator | undefined;
    try {
      await exclusively(process.env.KAFKA_PRIVATELINK_CDKTF_OUT_LOCK, log, async () => {
        emulator = await Emulator.start(tools, { shiftedAzAccounts: consumerAccountsOf(example().spec), logDir: join(workDir, 'emulators', USED_BY) });
        log(`used-by: emulator at ${emulator.url}`);
        checks.push(...(await usedByCommands(emulator, tools.terraform, workDir, log)));
      });
    } catch (error) {
      checks.push({ name: 'used-by commands ran to their end', passed: false, detail: (error as Error).message });
    } finally {
      emulator?.stop();
    }
  }

  const failed = checks.filter((c) => !c.passed).length;
  writeCounts('emulator-verify', checks.length - failed, failed);
  process.stdout.write(`\nAWS provider: the stacks pin ${tools.awsProviderPinned}; Terraform ${tools.terraformVersion} ran ${tools.awsProviderReal}.\n\n`);
  process.stdout.write(`${stackTable(rows)}\n\n${checksTable(checks)}\n\n${closingLine(rows, scaleOut)}\n`);
  process.stdout.write(`emulator: ${failed === 0 ? 'all' : `${failed} of`} ${checks.length} checks ${failed === 0 ? 'passed' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(0)} s; logs in ${workDir}\n`);
  return failed === 0 && shimPassed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`emulator: ${error.message}\n`);
    process.exit(1);
  },
);
