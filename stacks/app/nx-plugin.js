// @ts-check
// Local Nx plugin of this repository.
//
// Deploying: the `diff`, `apply` and `deploy` targets of the provider and consumer projects (the
// example, or the spec KAFKA_PRIVATELINK_SPEC selects, in cdktf.out) and of every cluster project
// are made here, by deployTargets, and all run stacks/app/cdktf-stacks.mjs. The provider and
// consumer packages themselves keep only build, test and lint.
//
// Projects: every cluster spec `clusters/<name>/cluster.yaml` (its lockfile
// `cluster.ports-lock.json` beside it) is its own Nx project, `cluster-<name>`, with `synth`,
// `diff`, `apply`, `deploy` and `scan` and its own output folder `clusters/<name>/cdktf.out`.
// `diff` and `apply` take the configurations `provider`, `consumers` and `acceptance`, one side
// each, so that a pipeline plans, approves and applies the sides in turn. Nx then sees
// a change to one spec or lockfile as a change to that cluster only, and a change to the shared
// code (the app and what it builds on) as a change to every cluster. The app's own `synth` (the
// spec KAFKA_PRIVATELINK_SPEC selects, into cdktf.out) is made here too, by the same function, so
// that every synth target caches on the same inputs and names its outputs from one list.
//
// After a run: the port allocations not committed yet (lockfile-summary.js). Nx shows the output
// of a successful task only when asked, so without this the lines that say which broker got which
// port would never reach the terminal of `npx nx run-many -t synth`.
const { basename, dirname } = require('node:path');
const { formatAllocations, uncommittedAllocations } = require('./lockfile-summary');

// The cluster specs, the app's package.json for the app's own synth, and the stack packages' for
// their deploy targets. tools/ci/jenkins-params.cjs accepts exactly the specs that this pattern and
// clusterOf make projects of.
const CLUSTER_SPECS = 'clusters/*/cluster.yaml';
const APP_PACKAGE = 'stacks/app/package.json';
const PROVIDER_PACKAGE = 'stacks/provider/package.json';
const CONSUMER_PACKAGE = 'stacks/consumer/package.json';
const PROJECT_FILES = `{${CLUSTER_SPECS},${APP_PACKAGE},${PROVIDER_PACKAGE},${CONSUMER_PACKAGE}}`;
const DEPLOY_SCRIPT = 'node --import tsx stacks/app/cdktf-stacks.mjs';

// What synth writes into its output folder, and nothing else: a stack's `.terraform/`,
// `.terraform.lock.hcl` and saved `plan` are terraform's and stay where they are when Nx replays a
// synth from the cache.
const SYNTH_OUTPUTS = ['.kafka-privatelink-output', 'manifest.json', 'stacks/*/cdk.tf.json', 'ansible', 'topology.md', 'doctor'];

// A cluster's folder name reaches Nx project names and the command lines of its targets, which Nx
// runs through a shell: only names that need no quoting become projects.
const CLUSTER_FOLDER = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * The synth of one spec into one folder: the app's bundle, run directly (cdktf's CLI would only
 * add its own start-up), cached on everything its output depends on.
 * @param {{ outdir: string, specFile?: string, dependsOn: import('nx/src/config/workspace-json-project-json').TargetDependencyConfig[] | string[] }} where
 *   specFile: the spec, or none for the one KAFKA_PRIVATELINK_SPEC selects
 */
function synthTarget({ outdir, specFile, dependsOn }) {
  const fingerprint = 'node --import tsx stacks/app/src/spec-fingerprint.ts';
  return {
    executor: 'nx:run-commands',
    options: {
      command: 'node .gen/app/main.cjs',
      cwd: '{workspaceRoot}',
      // cdktf would write HCL (cdk.tf) instead of the JSON that the outputs, diff and deploy expect
      env: { ...(specFile ? { KAFKA_PRIVATELINK_SPEC: specFile } : {}), CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: 'false', CHECKPOINT_DISABLE: '1' },
    },
    cache: true,
    dependsOn,
    inputs: [
      // A cluster's own spec and lockfile; the app's sources and the spec the environment selects.
      ...(specFile ? ['{projectRoot}/*.yaml', '{projectRoot}/*.json'] : ['production', { env: 'KAFKA_PRIVATELINK_SPEC' }]),
      '^production',
      'sharedGlobals',
      '{workspaceRoot}/cdktf.json',
      { env: 'KAFKA_PRIVATELINK_FROZEN_LOCKFILE' },
      // the base a frozen synth compares the lockfile with
      { env: 'KAFKA_PRIVATELINK_BASE_REF' },
      // set, cdktf writes a stack despite its error annotations, where synth would otherwise fail
      { env: 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS' },
      // The spec and its lockfile wherever `ports.lockfile` puts it, and a key that never recurs
      // for a synth that writes the lockfile: such a synth is never replayed from the cache.
      { runtime: specFile ? `KAFKA_PRIVATELINK_SPEC=${specFile} ${fingerprint}` : fingerprint },
    ],
    outputs: SYNTH_OUTPUTS.map((path) => `{workspaceRoot}/${outdir}/${path}`),
  };
}

/**
 * The project a spec that CLUSTER_SPECS matches makes: its folder, Nx project name and output.
 * @param {string} specFile e.g. clusters/payments/cluster.yaml
 */
function clusterOf(specFile) {
  const root = dirname(specFile);
  const folder = basename(root);
  if (!CLUSTER_FOLDER.test(folder)) {
    throw new Error(
      `${specFile}: the folder name of a cluster must be lower-case letters, digits and hyphens, neither first nor last a hyphen ([a-z0-9-]); got ${JSON.stringify(folder)}: rename the folder`,
    );
  }
  return { root, folder, name: `cluster-${folder}`, outdir: `${root}/cdktf.out` };
}

/** @typedef {'provider' | 'consumers' | 'acceptance'} Side */

/**
 * The `diff`, `apply` and `deploy` targets over the synth in `outdir`, for the given sides in
 * deploy order (the order packages/plan gives them). One side per configuration, so that a pipeline
 * plans, approves and applies the sides in turn; without one, every side of `sides` but acceptance,
 * whose plan reads the consumers' endpoints and so waits for their apply (`deploy` includes it).
 * @param {{ outdir?: string, sides: Side[], synth: import('nx/src/config/workspace-json-project-json').TargetDependencyConfig | string }} where
 *   outdir: the synth folder, or none for cdktf.out
 */
function deployTargets({ outdir, sides, synth }) {
  const flag = { provider: ['--provider'], consumers: [], acceptance: ['--acceptance'] };
  const run = (/** @type {string} */ action, /** @type {Side} */ side) => [DEPLOY_SCRIPT, action, ...flag[side], ...(outdir ? ['--output', outdir] : [])].join(' ');
  const planned = sides.filter((side) => side !== 'acceptance');
  const target = (/** @type {'diff' | 'apply'} */ action) => ({
    executor: 'nx:run-commands',
    options: { commands: planned.map((side) => run(action, side)), parallel: false, cwd: '{workspaceRoot}' },
    configurations: sides.length > 1 ? Object.fromEntries(sides.map((side) => [side, { commands: [run(action, side)] }])) : {},
    cache: false,
  });
  return {
    diff: { ...target('diff'), dependsOn: [synth] },
    // Exactly the plans the last diff saved: no synth first, which could change what was reviewed.
    apply: target('apply'),
    // the consumers' deploy includes acceptance
    deploy: { executor: 'nx:run-commands', options: { commands: planned.map((side) => run('deploy', side)), parallel: false, cwd: '{workspaceRoot}' }, cache: false, dependsOn: [synth] },
  };
}

/** @param {string} specFile e.g. clusters/payments/cluster.yaml */
function clusterProject(specFile) {
  const { root, name, outdir } = clusterOf(specFile);
  return {
    root,
    name,
    // The shared code: a change to the app or anything it builds on affects every cluster.
    implicitDependencies: ['app'],
    targets: {
      // The synth of this cluster only, not the example's that app:synth makes.
      synth: synthTarget({ outdir, specFile, dependsOn: [{ projects: ['app'], target: 'bundle' }] }),
      ...deployTargets({ outdir, sides: ['provider', 'consumers', 'acceptance'], synth: 'synth' }),
      scan: {
        executor: 'nx:run-commands',
        options: { command: 'bash tools/ci/checkov.sh', cwd: '{workspaceRoot}', env: { CDKTF_OUTDIR: outdir } },
        cache: false,
        dependsOn: ['synth'],
      },
    },
  };
}

/** The targets each package makes, by its package.json. */
const APP_SYNTH = { projects: ['app'], target: 'synth' };
const PACKAGE_TARGETS = {
  [APP_PACKAGE]: () => ({ synth: synthTarget({ outdir: 'cdktf.out', dependsOn: ['bundle'] }) }),
  [PROVIDER_PACKAGE]: () => ({
    ...deployTargets({ sides: ['provider'], synth: APP_SYNTH }),
    scan: { executor: 'nx:run-commands', options: { command: 'bash tools/ci/checkov.sh', cwd: '{workspaceRoot}' }, cache: false, dependsOn: [APP_SYNTH] },
  }),
  [CONSUMER_PACKAGE]: () => deployTargets({ sides: ['consumers', 'acceptance'], synth: APP_SYNTH }),
};

/** @type {import('nx/src/project-graph/plugins').CreateNodesV2} */
const createNodesV2 = [
  PROJECT_FILES,
  (files) =>
    files.map((file) => {
      const targets = PACKAGE_TARGETS[file];
      if (targets) {
        const root = dirname(file);
        return [file, { projects: { [root]: { root, targets: targets() } } }];
      }
      const project = clusterProject(file);
      return [file, { projects: { [project.root]: project } }];
    }),
];

/**
 * After a run with a synth in it: the port allocations that the lockfiles hold and their last
 * commit does not, whether this run's synth made them, replayed them from the cache, or an earlier
 * run did. Read from the lockfiles and git, never from a synth's output.
 * @type {import('nx/src/project-graph/plugins').PostTasksExecution}
 */
async function postTasksExecution(_options, context) {
  const synthRan = Object.values(context.taskResults).some(({ task }) => task.target.target === 'synth');
  if (synthRan) process.stdout.write(formatAllocations(uncommittedAllocations(context.workspaceRoot)));
}

module.exports = { name: 'kafka-privatelink', createNodesV2, postTasksExecution, CLUSTER_SPECS, CLUSTER_FOLDER, clusterOf };
