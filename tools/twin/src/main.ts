// `npx nx run twin:verify`: the exposure of the spec (KAFKA_PRIVATELINK_SPEC, else the example),
// synthesized and played end to end with real Kafka brokers, HAProxy and kcat, with no cloud.
// `npx nx run twin:faults` (--faults): the same with TLS and SASL_SSL on the client listener, and
// its faults: a broker down, an AZ's endpoint interface down, idle connections.
//   --sessions N   client sessions per client host and variant (default 40; not with --faults)
//   --keep         keep the scratch folder (configs, logs, Kafka data) after a passing run
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, specPathFromEnv } from '@kafka-privatelink/cluster-spec';
import { faults } from './faults';
import { Supervisor } from './supervisor';
import { verify } from './verify';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('twin: needs root (network namespaces, bind mounts)\n');
    return 2;
  }
  const started = Date.now();
  const log = (line: string): void => void process.stdout.write(`[twin ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  for (const orphan of Supervisor.removeOrphans()) log(`removed namespace ${orphan} of an earlier run`);

  const supervisor = new Supervisor();
  const workDir = mkdtempSync(join(tmpdir(), 'kafka-privatelink-twin-'));
  let cleaned = false;
  const cleanup = (): void => {
    if (cleaned) return;
    cleaned = true;
    supervisor.cleanupSync();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping every process and removing the namespaces`);
      cleanup();
      process.stdout.write(`twin: logs and configs kept in ${workDir}\n`);
      process.exit(130);
    });
  }
  process.on('exit', cleanup);

  const sessions = Number(option('--sessions') ?? 40);
  if (!Number.isInteger(sessions) || sessions < 1) {
    process.stderr.write(`twin: --sessions must be a positive integer, got ${option('--sessions')}\n`);
    return 2;
  }
  const faultsOnly = process.argv.includes('--faults');
  let passed = false;
  try {
    let outcomes: readonly { readonly passed: boolean }[];
    if (faultsOnly) {
      const result = await faults({ specPath: specPathFromEnv(process.env), workDir, supervisor, log });
      process.stdout.write(`\n${result.table}\n\n`);
      outcomes = result.rows;
    } else {
      const result = await verify({ specPath: specPathFromEnv(process.env), workDir, supervisor, sessionsPerClient: sessions, log });
      process.stdout.write(`\n${result.details.join('\n\n')}\n\n${result.summary.join('\n')}\n`);
      outcomes = result.checks;
    }
    passed = outcomes.length > 0 && outcomes.every((c) => c.passed);
    const failed = outcomes.filter((c) => !c.passed).length;
    // Counted in the repository's closing test line (tools/ci/summary.mjs).
    const results = join(REPO_ROOT, '.gen', 'test-results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, faultsOnly ? 'twin-faults.json' : 'twin-verify.json'), `${JSON.stringify({ passed: outcomes.length - failed, failed, skipped: 0 })}\n`);
    process.stdout.write(`twin: ${passed ? 'all checks passed' : `${failed} checks failed`} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await supervisor.stopAll();
    cleanup();
  }
  if (passed && !process.argv.includes('--keep')) rmSync(workDir, { recursive: true, force: true });
  else process.stdout.write(`twin: logs and configs kept in ${workDir}\n`);
  return passed ? 0 : 1;
}

main().then((code) => process.exit(code));
