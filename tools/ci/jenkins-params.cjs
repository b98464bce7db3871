#!/usr/bin/env node
// @ts-check
// The Jenkinsfile's first step: checks every build parameter before anything is installed or run,
// and prints the deploy lanes as JSON for the Jenkinsfile's `parallel`. Plain node, no packages.
//
//   node tools/ci/jenkins-params.cjs      (reads the parameters from the environment, as Jenkins sets them)
//
// KAFKA_PRIVATELINK_SPEC: empty for the example (examples/coban.yaml, the `provider` and `consumer`
//   projects), or cluster specs separated by commas and/or whitespace, each a spec the Nx plugin
//   makes a project of (stacks/app/nx-plugin.js: clusters/<name>/cluster.yaml, <name> in
//   [a-z0-9-]), a regular file inside the workspace that git does not ignore, each named once.
// MAX_PARALLEL_CLUSTERS: how many clusters deploy at once, 1 to 16 (digits only).
// AWS_CREDENTIALS, BROKERS_SSH_CREDENTIALS, BROKERS_KNOWN_HOSTS: Jenkins credential ids, 1 to 64
//   letters, digits, `.`, `_` and `-`, the first a letter or digit.
// KAFKA_LAYOUT: apache or cp-ansible (the role's kafka_listeners_layout choices).
//
// Output: {"synthProjects": "<project>,…", "lanes": [[cluster, …], …]}, at most
// MAX_PARALLEL_CLUSTERS lanes; each cluster with the Nx project that synthesizes it and the
// targets of each side (see clusterLane). Exit status: 0 all good, 2 a parameter is bad
// (one line on stderr naming it, its value and what is allowed; nothing on stdout).
const { spawnSync } = require('node:child_process');
const { lstatSync, realpathSync, statSync } = require('node:fs');
const { join, resolve, sep } = require('node:path');
const { CLUSTER_FOLDER, CLUSTER_SPECS, clusterOf } = require('../../stacks/app/nx-plugin.js');

const WORKSPACE = resolve(__dirname, '..', '..');
const EXAMPLE_SPEC = 'examples/coban.yaml';
const MAX_LANES = 16;
const CREDENTIAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CREDENTIAL_ID_ALLOWED = '1 to 64 letters, digits, ".", "_" and "-", the first a letter or digit';
const LAYOUTS = ['apache', 'cp-ansible'];
// Where synth writes the Ansible inventory in its output folder (packages/emitters, ARTIFACT_PATHS).
const INVENTORY = 'ansible/inventory.yml';

class ParameterError extends Error {
  /** @param {string} name @param {string} value @param {string} allowed */
  constructor(name, value, allowed) {
    super(`jenkins-params: ${name}=${JSON.stringify(value)}: ${allowed}`);
  }
}

// Nothing that a shell would read differently passes: only these characters, commas and whitespace.
const SPEC_ALLOWED = `allowed: empty for the example (${EXAMPLE_SPEC}), or specs ${CLUSTER_SPECS} (the cluster's folder name in [a-z0-9-]) that the workspace holds, separated by commas or whitespace`;

/**
 * One entry of KAFKA_PRIVATELINK_SPEC → the spec file, as the Nx plugin names its project.
 * @param {string} entry @param {string} workspace
 */
function clusterSpec(entry, workspace) {
  const refuse = (/** @type {string} */ why) => {
    throw new ParameterError('KAFKA_PRIVATELINK_SPEC', entry, `${why}; ${SPEC_ALLOWED}`);
  };
  if (entry.startsWith('/')) refuse('an absolute path');
  if (entry.split('/').includes('..')) refuse('a path with ".."');
  if (entry === EXAMPLE_SPEC) refuse('the example is the empty value');
  const parts = entry.split('/');
  if (parts.length !== 3 || parts[0] !== 'clusters' || parts[2] !== 'cluster.yaml') refuse(`not a spec ${CLUSTER_SPECS}`);
  if (!CLUSTER_FOLDER.test(parts[1])) refuse('the cluster folder name is not in [a-z0-9-], so no Nx project is made of it');
  const file = join(workspace, entry);
  try {
    lstatSync(file);
  } catch {
    return refuse('no such file in the workspace');
  }
  // A link that stays in the workspace is as good as its target; one out of it is not a spec of this repository.
  const root = realpathSync(workspace);
  const real = realpathSync(file);
  if (!real.startsWith(root + sep)) refuse(`a link out of the workspace (to ${real})`);
  if (!statSync(real).isFile()) refuse('not a file');
  // Nx makes no project of a file git ignores (status 0); 1 is "not ignored", 128 "not a git checkout".
  if (spawnSync('git', ['check-ignore', '--quiet', '--', entry], { cwd: workspace }).status === 0) refuse('ignored by git, so Nx makes no project of it');
  return entry;
}

/**
 * One cluster in a lane: the projects and targets the Jenkinsfile runs for it, in order.
 * `plans` names the summary files of tools/ci/plan-summary.sh; `stacks` its stack folders (a glob).
 * @param {string | undefined} spec undefined: the example
 */
function clusterLane(spec) {
  if (spec === undefined) {
    const side = (/** @type {string} */ name, /** @type {string} */ project, /** @type {string} */ configuration, /** @type {string} */ stacks) => ({
      side: name,
      plan: `${project}:diff${configuration}`,
      apply: `${project}:apply${configuration}`,
      summary: name,
      stacks: `cdktf.out/stacks/${stacks}`,
    });
    return {
      cluster: 'example',
      spec: EXAMPLE_SPEC,
      project: 'app',
      sides: [side('provider', 'provider', '', 'provider'), side('consumers', 'consumer', '', 'consumer-*'), side('acceptance', 'consumer', ':acceptance', 'acceptance')],
      inventory: `cdktf.out/${INVENTORY}`,
    };
  }
  const { folder, name, outdir } = clusterOf(spec);
  const side = (/** @type {string} */ configuration, /** @type {string} */ stacks) => ({
    side: configuration,
    plan: `${name}:diff:${configuration}`,
    apply: `${name}:apply:${configuration}`,
    summary: `${name}.${configuration}`,
    stacks: `${outdir}/stacks/${stacks}`,
  });
  return {
    cluster: folder,
    spec,
    project: name,
    sides: [side('provider', 'provider'), side('consumers', 'consumer-*'), side('acceptance', 'acceptance')],
    inventory: `${outdir}/${INVENTORY}`,
  };
}

/**
 * The clusters split into at most `bound` lanes that run side by side: contiguous runs of the
 * given order, their lengths differing by at most one, each cluster in exactly one lane.
 * @template T
 * @param {readonly T[]} clusters @param {number} bound
 * @returns {T[][]}
 */
function lanes(clusters, bound) {
  if (!Number.isInteger(bound) || bound < 1) throw new RangeError(`lanes: the bound must be a whole number of at least 1, got ${bound}`);
  const count = Math.min(bound, clusters.length);
  const result = [];
  let start = 0;
  for (let lane = 0; lane < count; lane++) {
    const length = Math.floor(clusters.length / count) + (lane < clusters.length % count ? 1 : 0);
    result.push(clusters.slice(start, start + length));
    start += length;
  }
  return result;
}

/**
 * Every parameter checked, in the order the Jenkinsfile declares them, and the lanes.
 * @param {NodeJS.ProcessEnv} env @param {string} [workspace]
 */
function checkParameters(env, workspace = WORKSPACE) {
  const value = (/** @type {string} */ name) => env[name] ?? '';
  const bad = /[^A-Za-z0-9._/,\s-]/.exec(value('KAFKA_PRIVATELINK_SPEC'));
  if (bad) {
    throw new ParameterError('KAFKA_PRIVATELINK_SPEC', value('KAFKA_PRIVATELINK_SPEC'), `${JSON.stringify(bad[0])} is not in a spec path (letters, digits, ".", "_", "-", "/"); ${SPEC_ALLOWED}`);
  }
  const entries = value('KAFKA_PRIVATELINK_SPEC')
    .split(/[\s,]+/)
    .filter((entry) => entry !== '');
  const specs = entries.map((entry) => clusterSpec(entry, workspace));
  const twice = specs.find((spec, i) => specs.indexOf(spec) !== i);
  if (twice !== undefined) throw new ParameterError('KAFKA_PRIVATELINK_SPEC', value('KAFKA_PRIVATELINK_SPEC'), `names ${twice} twice; each cluster deploys once per build`);

  const bound = value('MAX_PARALLEL_CLUSTERS');
  if (!/^[1-9][0-9]*$/.test(bound) || Number(bound) > MAX_LANES) {
    throw new ParameterError('MAX_PARALLEL_CLUSTERS', bound, `a whole number from 1 to ${MAX_LANES}, digits only`);
  }
  for (const name of ['AWS_CREDENTIALS', 'BROKERS_SSH_CREDENTIALS', 'BROKERS_KNOWN_HOSTS']) {
    if (!CREDENTIAL_ID.test(value(name))) throw new ParameterError(name, value(name), `a Jenkins credential id: ${CREDENTIAL_ID_ALLOWED}`);
  }
  if (!LAYOUTS.includes(value('KAFKA_LAYOUT'))) throw new ParameterError('KAFKA_LAYOUT', value('KAFKA_LAYOUT'), `one of ${LAYOUTS.join(', ')}`);

  const clusters = specs.length === 0 ? [clusterLane(undefined)] : specs.map(clusterLane);
  return { synthProjects: clusters.map((cluster) => cluster.project).join(','), lanes: lanes(clusters, Number(bound)) };
}

if (require.main === module) {
  try {
    process.stdout.write(`${JSON.stringify(checkParameters(process.env))}\n`);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  }
}

module.exports = { checkParameters, lanes, clusterLane, LAYOUTS, MAX_LANES, CREDENTIAL_ID };
