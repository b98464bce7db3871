// @ts-check
// Local Nx plugin of this repository.
//
// Projects: every cluster spec `clusters/<name>/cluster.yaml` (its lockfile
// `cluster.ports-lock.json` beside it) is its own Nx project, `cluster-<name>`, with `synth`,
// `diff`, `deploy` and `scan` and its own output folder `clusters/<name>/cdktf.out`. Nx then sees
// a change to one spec or lockfile as a change to that cluster only, and a change to the shared
// code (the app and what it builds on) as a change to every cluster.
//
// After a run: the port allocations of every synth that ran, read from its topology report. Nx
// shows the output of a successful task only when asked, so without this the lines that say which
// broker got which port would never reach the terminal of `npx nx run-many -t synth`.
const { readFileSync } = require('node:fs');
const { basename, dirname, isAbsolute, join } = require('node:path');

const SPEC_GLOB = 'clusters/*/cluster.yaml';

/** @param {string} specFile e.g. clusters/payments/cluster.yaml */
function clusterProject(specFile) {
  const root = dirname(specFile);
  const outdir = `${root}/cdktf.out`;
  const env = { KAFKA_PRIVATELINK_SPEC: specFile, CHECKPOINT_DISABLE: '1' };
  const consumers = (action) => `node stacks/consumer/scripts/cdktf-stacks.mjs ${action} --output ${outdir}`;
  return {
    root,
    name: `cluster-${basename(root)}`,
    // The shared code: a change to the app or anything it builds on affects every cluster.
    implicitDependencies: ['app'],
    targets: {
      synth: {
        executor: 'nx:run-commands',
        // The app's bundle, run directly as app:synth runs it: cdktf's CLI would only add its own start-up.
        options: { command: 'node .gen/app/main.cjs', env: { ...env, CDKTF_OUTDIR: outdir } },
        cache: true,
        // The synth of this cluster only, not the example's that app:synth makes.
        dependsOn: [{ projects: ['app'], target: 'bundle' }],
        inputs: [
          '{projectRoot}/*.yaml',
          '{projectRoot}/*.json',
          '^production',
          { env: 'KAFKA_PRIVATELINK_FROZEN_LOCKFILE' },
          { env: 'KAFKA_PRIVATELINK_BASE_REF' },
          // As for app:synth: a synth that writes the lockfile is never replayed from the cache.
          { runtime: `KAFKA_PRIVATELINK_SPEC=${specFile} node --import tsx stacks/app/src/spec-fingerprint.ts` },
        ],
        outputs: ['manifest.json', 'stacks/*/cdk.tf.json', 'ansible', 'topology.md'].map((path) => `{workspaceRoot}/${outdir}/${path}`),
      },
      diff: {
        executor: 'nx:run-commands',
        options: {
          commands: [`cdktf diff provider --skip-synth --skip-provider-lock --output ${outdir}`, consumers('diff')],
          parallel: false,
          env: { ...env, TF_CLI_ARGS_plan: '-lock=false' },
        },
        cache: false,
        dependsOn: ['synth'],
      },
      deploy: {
        executor: 'nx:run-commands',
        options: { commands: [`cdktf deploy provider --auto-approve --skip-synth --skip-provider-lock --output ${outdir}`, consumers('deploy')], parallel: false, env },
        cache: false,
        dependsOn: ['synth'],
      },
      scan: {
        executor: 'nx:run-commands',
        options: { command: 'bash tools/ci/checkov.sh', env: { CDKTF_OUTDIR: outdir } },
        cache: false,
        dependsOn: ['synth'],
      },
    },
  };
}

/** @type {import('nx/src/project-graph/plugins').CreateNodesV2} */
const createNodesV2 = [
  SPEC_GLOB,
  (specFiles) => specFiles.map((file) => {
    const project = clusterProject(file);
    return [file, { projects: { [project.root]: project } }];
  }),
];

const ALLOCATIONS = '\n## Allocation changes in this synth\n\n';

/** @type {import('nx/src/project-graph/plugins').PostTasksExecution} */
async function postTasksExecution(_options, context) {
  const summaries = [];
  for (const { task, status } of Object.values(context.taskResults)) {
    // A synth served from the cache never wrote the lockfile, so it allocated nothing.
    if (task.target.target !== 'synth' || status !== 'success') continue;
    const report = (task.outputs ?? []).find((path) => path.endsWith('topology.md'));
    if (!report) continue;
    let text;
    try {
      text = readFileSync(isAbsolute(report) ? report : join(context.workspaceRoot, report), 'utf8');
    } catch {
      continue;
    }
    const start = text.indexOf(ALLOCATIONS);
    if (start < 0) continue;
    const section = text.slice(start + ALLOCATIONS.length).split('\n\n')[0];
    if (section.startsWith('- ')) summaries.push(`${task.id}:\n${section.replaceAll('- ', '  - ')}`);
  }
  if (summaries.length > 0) console.log(`\nkafka-privatelink: port allocations of this run (commit the lockfiles):\n${summaries.join('\n')}\n`);
}

module.exports = { name: 'kafka-privatelink', createNodesV2, postTasksExecution };
