// The one home of deploying: the `diff`, `apply` and `deploy` targets of the provider project, the
// consumer project and every cluster project (stacks/app/nx-plugin.js makes them all) run this
// over the stacks of the last synth (Nx runs the synth first, except for `apply`). Which stack is
// on which side, and the order of the sides, come from packages/plan (deployOrder).
//
//   node --import tsx stacks/app/cdktf-stacks.mjs diff|apply|deploy [--provider | --acceptance] [--output <synth folder>] [--dry-run]
//
// diff:   `cdktf diff <stack>` for every consumer stack (cdktf diffs one stack per run), without
//         taking the state lock; all are diffed even when one fails. cdktf saves each plan in the
//         stack's folder as `plan`.
// apply:  `terraform apply` of exactly those saved plans, stopping at the first failure.
// deploy: every consumer stack, then the acceptance stack when the spec requires acceptance.
//         cdktf shows each plan and asks before it applies it; KAFKA_PRIVATELINK_AUTO_APPROVE=true
//         applies without asking, and is the only way to deploy without a terminal.
// --provider: the provider stack instead.
// --acceptance: diff or apply the acceptance stack instead, which reads the endpoints of the
//         consumer stacks and so can only be planned once they are applied.
//
// State: a stack whose backend is local keeps its state in a file of this machine. In CI
// (CI or JENKINS_URL set) apply and deploy refuse such a stack, and so does diff under Jenkins,
// whose diff is the plan of an apply: the next build on another agent would find no state and
// plan to create everything again. KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE=true allows it for a
// throwaway environment whose state may die with the workspace (the emulator's runs). Elsewhere
// the script prints where the state file is.
//
// Exit status: 0 done, 1 a stack failed, 2 the command, the settings or the synth output is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployOrder } from '@kafka-privatelink/plan';

// The file `cdktf diff` saves its plan to (terraform plan -out plan), in the stack's folder.
const SAVED_PLAN = 'plan';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const ACTIONS = ['diff', 'apply', 'deploy'];
const AUTO_APPROVE = 'KAFKA_PRIVATELINK_AUTO_APPROVE';
const ALLOW_LOCAL_STATE = 'KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE';
// As the app reads its yes/no settings (packages/cluster-spec, booleanSetting).
const TRUE_WORDS = ['1', 'true', 'yes'];
const FALSE_WORDS = ['', '0', 'false', 'no'];

function parseArgs(argv) {
  const [action, ...rest] = argv;
  if (!ACTIONS.includes(action)) {
    throw new Error(`usage: cdktf-stacks.mjs ${ACTIONS.join('|')} [--provider | --acceptance] [--output <dir>] [--dry-run]; got ${JSON.stringify(action ?? '')}`);
  }
  const options = { action, output: 'cdktf.out', dryRun: false, acceptance: false, provider: false };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--dry-run') options.dryRun = true;
    else if (rest[i] === '--provider' && !options.acceptance) options.provider = true;
    else if (rest[i] === '--acceptance' && action !== 'deploy' && !options.provider) options.acceptance = true;
    else if (rest[i] === '--output' && rest[i + 1] !== undefined) options.output = rest[++i];
    else throw new Error(`unknown argument ${JSON.stringify(rest[i])} for ${action}`);
  }
  return options;
}

/** The stacks of the synth by side, in deploy order (packages/plan). */
function stacksOf(output) {
  const manifest = join(resolve(root, output), 'manifest.json');
  if (!existsSync(manifest)) {
    throw new Error(`${manifest} does not exist: synthesize first (npx nx run app:synth, or cluster-<name>:synth for clusters/<name>)`);
  }
  const bySide = Object.fromEntries(deployOrder(Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).stacks)).map(({ side, stacks }) => [side, stacks]));
  return { provider: bySide.provider ?? [], consumers: bySide.consumers ?? [], acceptance: bySide.acceptance ?? [] };
}

/** The stacks an action plans or changes. */
function selectedStacks({ action, acceptance, provider }, stacks) {
  if (provider) return stacks.provider;
  if (acceptance) return stacks.acceptance;
  return action === 'deploy' ? [...stacks.consumers, ...stacks.acceptance] : stacks.consumers;
}

/** The `cdktf` or `terraform` runs of an action, each as [command, ...args]. */
function runsOf({ action, output, acceptance, provider }, stacks, approval) {
  const selected = selectedStacks({ action, acceptance, provider }, stacks);
  // The synth output is the one Nx just made and the one that was reviewed: cdktf must not redo it.
  // --skip-provider-lock: the lock file is the one `terraform init` writes, as with plain
  // Terraform; cdktf's extra `terraform providers lock` asks the public registry directly and so
  // fails where providers come from a mirror.
  const common = ['--output', output, '--skip-synth', '--skip-provider-lock'];
  if (action === 'diff') return selected.map((stack) => ['cdktf', 'diff', stack, ...common]);
  if (action === 'apply') {
    return selected.map((stack) => {
      const folder = join(resolve(root, output), 'stacks', stack);
      if (!existsSync(join(folder, SAVED_PLAN))) {
        throw new Error(`${join(folder, SAVED_PLAN)} does not exist: plan first (npx nx run ${provider ? 'provider' : 'consumer'}:diff${acceptance ? ':acceptance' : ''})`);
      }
      return ['terraform', `-chdir=${folder}`, 'apply', '-input=false', SAVED_PLAN];
    });
  }
  // Dependencies outside the selection (the provider, then the consumers for acceptance) were
  // deployed by the steps before, which cdktf cannot know, so it is told not to insist on them.
  const deploy = [...common, ...approval, '--ignore-missing-stack-dependencies'];
  if (provider) return selected.map((stack) => ['cdktf', 'deploy', stack, ...common, ...approval]);
  // cdktf deploys the stacks a command names in parallel where they do not depend on each other.
  return [stacks.consumers, stacks.acceptance].filter((side) => side.length > 0).map((side) => ['cdktf', 'deploy', ...side, ...deploy]);
}

/** A yes/no setting of the environment; a value that is neither is refused, never read as "no". */
function yesNo(env, name, yes, no) {
  const value = (env[name] ?? '').trim().toLowerCase();
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new Error(`${name}: ${JSON.stringify(env[name])} is not a yes/no value; accepted: ${TRUE_WORDS.join(', ')} (${yes}); ${FALSE_WORDS.filter(Boolean).join(', ')} or unset (${no})`);
}

/** cdktf's approval flags for a deploy: none (cdktf asks), or --auto-approve when the environment opts in. */
function approvalOf(env, terminal) {
  if (yesNo(env, AUTO_APPROVE, 'apply without asking', 'ask')) return ['--auto-approve'];
  // Without a terminal cdktf's prompt cannot read an answer and fails with a stack trace.
  if (!terminal) {
    throw new Error(
      `deploy shows each plan and asks before it applies it, and there is no terminal to ask in: run it in a terminal, set ${AUTO_APPROVE}=true to apply without asking (CI), or plan and apply a reviewed plan (diff, then apply)`,
    );
  }
  return [];
}

/** Why this run is CI, or undefined. */
function ciOf(env) {
  if ((env.JENKINS_URL ?? '') !== '') return 'JENKINS_URL is set';
  const ci = (env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0' ? `CI=${env.CI}` : undefined;
}

/**
 * Refuses a stack with local state where the state would stay behind in one workspace;
 * elsewhere prints the file that holds it.
 */
function checkState({ action, output }, stacks, env) {
  const ci = ciOf(env);
  const refuse =
    ci !== undefined && (action !== 'diff' || (env.JENKINS_URL ?? '') !== '') && !yesNo(env, ALLOW_LOCAL_STATE, 'a throwaway environment: keep local state', 'refuse local state in CI');
  for (const stack of stacks) {
    const folder = join(resolve(root, output), 'stacks', stack);
    const backend = JSON.parse(readFileSync(join(folder, 'cdk.tf.json'), 'utf8')).terraform?.backend ?? { local: {} };
    if (!('local' in backend)) continue;
    if (refuse) {
      throw new Error(
        `stack ${stack} keeps its Terraform state in a local file (the spec's backend is type local), which only this workspace sees, and ${ci}: the next ${action} elsewhere would find no state and plan to create everything again. Set the spec's backend to S3: backend: { type: s3, bucket: <bucket>, region: <region> } (or, for a throwaway environment whose state may be lost, ${ALLOW_LOCAL_STATE}=true)`,
      );
    }
    console.log(`cdktf-stacks: stack ${stack} keeps its Terraform state in ${resolve(folder, backend.local.path ?? 'terraform.tfstate')} (local backend): keep that file, every later diff and deploy of the stack needs it`);
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const { action, output, dryRun } = options;
  const stacks = stacksOf(output);
  const approval = action === 'deploy' ? approvalOf(process.env, process.stdin.isTTY === true) : [];
  checkState(options, selectedStacks(options, stacks), process.env);
  const runs = runsOf(options, stacks, approval);
  if (runs.length === 0) {
    console.log(`cdktf-stacks: no ${options.provider ? 'provider' : options.acceptance ? 'acceptance' : 'consumer'} stack in ${output}; nothing to ${action}`);
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
