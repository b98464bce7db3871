// `npx nx run emulator:verify`: every stack of each scenario through real Terraform and the real
// AWS provider, against moto's AWS API emulator with our PrivateLink extension (tools/emulator/moto).
//   --scenario NAME   only this part: example, sharded-60, cross-region, lost-lockfile, plan-role, or used-by (the nx/cdktf
//                     commands, which rewrite the repository's cdktf.out); repeatable
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { Emulator } from './emulator';
import { formatCounts } from './plan-summary';
import { runCommand } from './process';
import { provision } from './provision';
import { Check, checksTable, closingLine, StackRow, stackTable } from './report';
import { ALL_SCENARIOS, example } from './scenarios';
import { USED_BY, usedByCommands } from './used-by';
import { runScenario } from './verify';
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
  const scenarios = ALL_SCENARIOS.map((s) => s()).filter((s) => only.length === 0 || only.includes(s.name));
  const usedBy = only.length === 0 || only.includes(USED_BY);

  const tools = await provision(log);
  log(`terraform ${tools.terraformVersion}; AWS provider ${tools.awsProviderPinned} (pinned by the stacks) is served by ${tools.awsProviderReal}; moto ${tools.motoVersion}`);
  const shimPassed = await shimTests(tools.python, log);

  const workDir = join(REPO_ROOT, '.gen', 'emulator');
  mkdirSync(workDir, { recursive: true });
  const emulator = await Emulator.start(tools, {
    shiftedAzAccounts: [...new Set([...scenarios, ...(usedBy ? [example()] : [])].flatMap((s) => consumerAccountsOf(s.spec)))],
    logDir: workDir,
  });
  log(`emulator at ${emulator.url}`);
  const rows: StackRow[] = [];
  const checks: Check[] = [];
  let scaleOut: string | undefined;
  try {
    for (const scenario of scenarios) {
      try {
        const result = await runScenario(emulator, tools.terraform, workDir, scenario, log);
        rows.push(...result.rows);
        checks.push(...result.checks);
        if (result.scaleOut) scaleOut = formatCounts(result.scaleOut);
      } catch (error) {
        checks.push({ name: `${scenario.name}: ran to its end`, passed: false, detail: (error as Error).message });
        log(`${scenario.name}: FAILED: ${(error as Error).message}`);
      }
    }
    if (usedBy) {
      try {
        checks.push(...(await usedByCommands(emulator, tools.terraform, workDir, log)));
      } catch (error) {
        checks.push({ name: 'used-by commands ran to their end', passed: false, detail: (error as Error).message });
      }
    }
  } finally {
    emulator.stop();
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
