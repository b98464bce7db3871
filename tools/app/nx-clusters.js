// @ts-check
// Local Nx plugin: every cluster spec `clusters/<name>/cluster.yaml` (its lockfile
// `cluster.ports-lock.json` beside it) is its own Nx project, `cluster-<name>`, with `synth`,
// `diff`, `deploy` and `scan` and its own output folder `clusters/<name>/cdktf.out`. Nx then sees
// a change to one spec or lockfile as a change to that cluster only, and a change to the shared
// code (the app and what it builds on) as a change to every cluster.
const { basename, dirname } = require('node:path');

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
        options: { command: `cdktf synth --output ${outdir}`, env },
        cache: true,
        // The synth of this cluster only, not the example's that app:synth makes.
        dependsOn: [],
        inputs: [
          '{projectRoot}/*.yaml',
          '{projectRoot}/*.json',
          '^production',
          { env: 'KAFKA_PRIVATELINK_FROZEN_LOCKFILE' },
          // As for app:synth: a synth that writes the lockfile is never replayed from the cache.
          { runtime: `KAFKA_PRIVATELINK_SPEC=${specFile} node --import tsx tools/app/src/spec-fingerprint.ts` },
        ],
        outputs: ['manifest.json', 'stacks/*/cdk.tf.json', 'ansible', 'topology.md'].map((path) => `{workspaceRoot}/${outdir}/${path}`),
      },
      diff: {
        executor: 'nx:run-commands',
        options: {
          commands: [`cdktf diff provider --skip-synth --output ${outdir}`, consumers('diff')],
          parallel: false,
          env: { ...env, TF_CLI_ARGS_plan: '-lock=false' },
        },
        cache: false,
        dependsOn: ['synth'],
      },
      deploy: {
        executor: 'nx:run-commands',
        options: { commands: [`cdktf deploy provider --auto-approve --skip-synth --output ${outdir}`, consumers('deploy')], parallel: false, env },
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

module.exports = { name: 'kafka-privatelink-clusters', createNodesV2 };
