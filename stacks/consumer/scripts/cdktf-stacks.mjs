// The consumer project's `diff`, `apply` and `deploy`, over the stacks of the last synth (Nx runs
// the synth first, except for `apply`). Stack names follow packages/plan: `consumer-<name>` and
// `acceptance`.
//
//   node scripts/cdktf-stacks.mjs diff|apply|deploy [--acceptance] [--output <synth folder>] [--dry-run]
//
// diff:   `cdktf diff <stack>` for every consumer stack (cdktf diffs one stack per run), without
//         taking the state lock; all are diffed even when one fails. cdktf saves each plan in the
//         stack's folder as `plan`.
// apply:  `terraform apply` of exactly those saved plans, stopping at the first failure.
// deploy: every consumer stack, then the acceptance stack when the spec requires acceptance.
// --acceptance: diff or apply the acceptance stack instead, which reads the endpoints of the
//         consumer stacks and so can only be planned once they are applied.
//
// Exit status: 0 done, 1 a stack failed, 2 the command or the synth output is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSUMER_PREFIX = 'consumer-';
const ACCEPTANCE_STACK = 'acceptance';
// The file `cdktf diff` saves its plan to (terraform plan -out plan), in the stack's folder.
const SAVED_PLAN = 'plan';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const ACTIONS = ['diff', 'apply', 'deploy'];

function parseArgs(argv) {
  const [action, ...rest] = argv;
  if (!ACTIONS.includes(action)) {
    throw new Error(`usage: cdktf-stacks.mjs ${ACTIONS.join('|')} [--acceptance] [--output <dir>] [--dry-run]; got ${JSON.stringify(action ?? '')}`);
  }
  const options = { action, output: 'cdktf.out', dryRun: false, acceptance: false };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--dry-run') options.dryRun = true;
    else if (rest[i] === '--acceptance' && action !== 'deploy') options.acceptance = true;
    else if (rest[i] === '--output' && rest[i + 1] !== undefined) options.output = rest[++i];
    else throw new Error(`unknown argument ${JSON.stringify(rest[i])} for ${action}`);
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

/** The `cdktf` or `terraform` runs of an action, each as [command, ...args]. */
function runsOf({ action, output, acceptance }, stacks) {
  const consumers = stacks.filter((name) => name.startsWith(CONSUMER_PREFIX));
  const selected = acceptance ? stacks.filter((name) => name === ACCEPTANCE_STACK) : consumers;
  // The synth output is the one Nx just made and the one that was reviewed: cdktf must not redo it.
  // --skip-provider-lock: the lock file is the one `terraform init` writes, as with plain
  // Terraform; cdktf's extra `terraform providers lock` asks the public registry directly and so
  // fails where providers come from a mirror.
  const common = ['--output', output, '--skip-synth', '--skip-provider-lock'];
  if (action === 'diff') return selected.map((stack) => ['cdktf', 'diff', stack, ...common]);
  if (action === 'apply') {
    return selected.map((stack) => {
      const folder = join(resolve(root, output), 'stacks', stack);
      if (!existsSync(join(folder, SAVED_PLAN))) throw new Error(`${join(folder, SAVED_PLAN)} does not exist: plan first (npx nx run consumer:diff${acceptance ? ':acceptance' : ''})`);
      return ['terraform', `-chdir=${folder}`, 'apply', '-input=false', SAVED_PLAN];
    });
  }
  // Dependencies outside the selection (the provider, then the consumers for acceptance) were
  // deployed by the steps before, which cdktf cannot know, so it is told not to insist on them.
  const deploy = [...common, '--auto-approve', '--ignore-missing-stack-dependencies'];
  return [
    ...(consumers.length > 0 ? [['cdktf', 'deploy', `${CONSUMER_PREFIX}*`, ...deploy]] : []),
    ...(stacks.includes(ACCEPTANCE_STACK) ? [['cdktf', 'deploy', ACCEPTANCE_STACK, ...deploy]] : []),
  ];
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const { action, output, dryRun } = options;
  const runs = runsOf(options, stackNames(output));
  if (runs.length === 0) {
    console.log(`cdktf-stacks: no ${options.acceptance ? 'acceptance' : 'consumer'} stack in ${output}; nothing to ${action}`);
    return 0;
  }

  // A diff only reads state: it must work for a read-only role and never wait for a deploy's lock.
  const planArgs = [process.env.TF_CLI_ARGS_plan, action === 'diff' ? '-lock=false' : undefined].filter(Boolean).join(' ');
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', ...(planArgs ? { TF_CLI_ARGS_plan: planArgs } : {}) };
  const failed = [];
  for (const [command, ...args] of runs) {
    console.log(`cdktf-stacks: ${command} ${args.join(' ')}`);
    if (dryRun) continue;
    const [file, argv] = command === 'cdktf' ? ['npx', ['--no-install', 'cdktf', ...args]] : [command, args];
    const result = spawnSync(file, argv, { cwd: root, stdio: 'inherit', env });
    if (result.error) throw new Error(`${command} could not be started: ${result.error.message}`);
    if (result.status === 0) continue;
    failed.push(command === 'terraform' ? args[0].slice('-chdir='.length).split('/').pop() : args[1]);
    // Acceptance of endpoints that failed to deploy would only fail in turn.
    if (action !== 'diff') break;
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
