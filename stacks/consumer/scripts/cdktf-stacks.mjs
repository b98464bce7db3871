// The consumer project's `diff` and `deploy`, over the stacks of the last synth (Nx runs the synth
// first). Stack names follow packages/plan: `consumer-<name>` and `acceptance`.
//
//   node scripts/cdktf-stacks.mjs diff|deploy [--output <synth folder>] [--dry-run]
//
// diff:   `cdktf diff <stack>` for every consumer stack (cdktf diffs one stack per run); all are
//         diffed even when one fails, and the exit status says whether any failed.
// deploy: every consumer stack, then the acceptance stack when the spec requires acceptance.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSUMER_PREFIX = 'consumer-';
const ACCEPTANCE_STACK = 'acceptance';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function parseArgs(argv) {
  const [action, ...rest] = argv;
  if (action !== 'diff' && action !== 'deploy') {
    throw new Error(`usage: cdktf-stacks.mjs diff|deploy [--output <dir>] [--dry-run]; got ${JSON.stringify(action ?? '')}`);
  }
  const options = { action, output: 'cdktf.out', dryRun: false };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--dry-run') options.dryRun = true;
    else if (rest[i] === '--output' && rest[i + 1] !== undefined) options.output = rest[++i];
    else throw new Error(`unknown argument ${JSON.stringify(rest[i])}`);
  }
  return options;
}

function stackNames(output) {
  const manifest = join(resolve(root, output), 'manifest.json');
  if (!existsSync(manifest)) {
    throw new Error(`${manifest} does not exist: synthesize first (npx nx run app:synth)`);
  }
  return Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).stacks).sort();
}

function main() {
  const { action, output, dryRun } = parseArgs(process.argv.slice(2));
  const stacks = stackNames(output);
  const consumers = stacks.filter((name) => name.startsWith(CONSUMER_PREFIX));
  // The synth output is the one Nx just made and the one that was reviewed: cdktf must not redo it.
  // Dependencies outside the selection (the provider, then the consumers for acceptance) were
  // deployed by the steps before, which cdktf cannot know, so it is told not to insist on them.
  // --skip-provider-lock: the lock file is the one `terraform init` writes, as with plain
  // Terraform; cdktf's extra `terraform providers lock` asks the public registry directly and so
  // fails where providers come from a mirror.
  const common = ['--output', output, '--skip-synth', '--skip-provider-lock'];
  const deploy = [...common, '--auto-approve', '--ignore-missing-stack-dependencies'];
  const runs =
    action === 'diff'
      ? consumers.map((stack) => ['diff', stack, ...common])
      : [
          ...(consumers.length > 0 ? [['deploy', `${CONSUMER_PREFIX}*`, ...deploy]] : []),
          ...(stacks.includes(ACCEPTANCE_STACK) ? [['deploy', ACCEPTANCE_STACK, ...deploy]] : []),
        ];
  if (runs.length === 0) {
    console.log(`cdktf-stacks: no consumer stack in ${output}; nothing to ${action}`);
    return 0;
  }

  const failed = [];
  for (const args of runs) {
    console.log(`cdktf-stacks: cdktf ${args.join(' ')}`);
    if (dryRun) continue;
    const result = spawnSync('npx', ['--no-install', 'cdktf', ...args], { cwd: root, stdio: 'inherit' });
    if (result.status === 0) continue;
    failed.push(args[1]);
    // Acceptance of endpoints that failed to deploy would only fail in turn.
    if (action === 'deploy') break;
  }
  if (failed.length > 0) console.error(`cdktf-stacks: ${action} failed for ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`cdktf-stacks: ${error.message}`);
  process.exitCode = 2;
}
