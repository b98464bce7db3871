// @ts-check
'use strict';
// One plan job of a pull request: synthesizes its group of clusters with the frozen lockfile,
// then (with the plan role's credentials, set up between the two steps) runs each one's
// `cdktf diff`, and leaves for the comment job, per cluster, what it found:
//   <results>/<project>/meta.json     {"project","artifact","synthOutcome","diffOutcome"}
//   <results>/<project>/topology.md   the synth's topology report
//   <results>/<project>/lockfile.diff the pull request's change to the cluster's lockfile
//   <results>/<project>/diff.txt      the diff tasks' output
//   <results>/<project>/synth.txt     the synth task's output
//
//   node tools/ci/plan-clusters.cjs synth|diff|verdict <results dir> <artifact name> <project>...
//
// `synth` and `diff` record failures and go on with the next cluster (exit 0), so that every
// cluster gets its comment; `verdict` then fails the job (exit 1) when any cluster failed.
// Exit status 2: wrong arguments.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { clusterOf, taskOutput } = require('./pr-comment.cjs');

const ROOT = path.join(__dirname, '..', '..');

/** Runs one Nx task; its output, and whether it passed. */
function nxTask(task) {
  const run = spawnSync('npx', ['nx', 'run', task, '--output-style=static'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, NX_TUI: 'false', FORCE_COLOR: '0' },
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? `\n${run.error.message}` : ''}`;
  return { ok: run.status === 0, output };
}

const metaOf = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
const writeMeta = (dir, meta) => fs.writeFileSync(path.join(dir, 'meta.json'), `${JSON.stringify(meta)}\n`);

function synth(resultsDir, artifact, project) {
  const cluster = clusterOf(project);
  const dir = path.join(resultsDir, project);
  fs.mkdirSync(dir, { recursive: true });
  const run = nxTask(cluster.synthTask);
  fs.writeFileSync(path.join(dir, 'synth.txt'), run.output);
  const report = path.join(ROOT, cluster.report);
  if (run.ok && fs.existsSync(report)) fs.copyFileSync(report, path.join(dir, 'topology.md'));
  const base = process.env.NX_BASE;
  if (base) {
    const diff = spawnSync('git', ['diff', '--no-color', base, 'HEAD', '--', cluster.lockfiles], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
    fs.writeFileSync(path.join(dir, 'lockfile.diff'), diff.status === 0 ? diff.stdout : '');
  }
  writeMeta(dir, { project, artifact, synthOutcome: run.ok ? 'success' : 'failure', diffOutcome: 'skipped' });
  return run.ok;
}

function diff(resultsDir, project) {
  const cluster = clusterOf(project);
  const dir = path.join(resultsDir, project);
  const meta = metaOf(dir);
  if (meta.synthOutcome !== 'success') return true;
  let ok = true;
  const parts = [];
  for (const task of cluster.diffTasks) {
    const run = nxTask(task);
    ok &&= run.ok;
    parts.push(taskOutput(run.output, [task]) || run.output.trim());
  }
  fs.writeFileSync(path.join(dir, 'diff.txt'), `${parts.join('\n\n')}\n`);
  writeMeta(dir, { ...meta, diffOutcome: ok ? 'success' : 'failure' });
  return ok;
}

function main(argv) {
  const [phase, resultsDir, artifact, ...projects] = argv;
  if (!['synth', 'diff', 'verdict'].includes(phase ?? '') || !resultsDir || !/^plan-results-\d{3}$/.test(artifact ?? '') || projects.length === 0) {
    process.stderr.write('usage: plan-clusters.cjs synth|diff|verdict <results dir> plan-results-<NNN> <project>...\n');
    return 2;
  }
  try {
    projects.forEach(clusterOf);
  } catch (error) {
    process.stderr.write(`plan-clusters: ${error instanceof Error ? error.message : error}\n`);
    return 2;
  }
  if (phase === 'verdict') {
    const failed = projects.filter((project) => {
      const dir = path.join(resultsDir, project);
      if (!fs.existsSync(path.join(dir, 'meta.json'))) return true;
      const meta = metaOf(dir);
      return meta.synthOutcome !== 'success' || meta.diffOutcome !== 'success';
    });
    for (const project of failed) process.stderr.write(`plan-clusters: ${project} did not synthesize and diff cleanly: see its part of this job's log\n`);
    return failed.length > 0 ? 1 : 0;
  }
  for (const project of projects) {
    process.stdout.write(`== ${phase} ${project}\n`);
    const ok = phase === 'synth' ? synth(resultsDir, artifact, project) : diff(resultsDir, project);
    const log = path.join(resultsDir, project, phase === 'synth' ? 'synth.txt' : 'diff.txt');
    if (fs.existsSync(log)) process.stdout.write(fs.readFileSync(log, 'utf8'));
    process.stdout.write(`== ${phase} ${project}: ${ok ? 'success' : 'failure'}\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { main };
