// @ts-check
'use strict';
// The plan jobs of a pull request: the affected clusters fanned out as a GitHub Actions matrix.
// A matrix makes at most 256 jobs per workflow run, so beyond 256 clusters each job plans several,
// in groups whose sizes differ by one at most. Order is stable: the example first, then the
// cluster projects by name, in consecutive groups.
//
//   node tools/ci/plan-matrix.cjs <affected.json>
//
// affected.json is `nx show projects --affected --json`. Writes `count`, `projects` (a JSON list of
// the clusters, for the comment job) and `matrix` (for `strategy.matrix`) to $GITHUB_OUTPUT, or to
// standard output without it. Exit status: 0 written, 2 wrong arguments or an unreadable list.
const fs = require('node:fs');
const { commentedClusters } = require('./pr-comment.cjs');

/** GitHub's limit of jobs that one matrix makes in a workflow run. */
const MAX_MATRIX_JOBS = 256;

/**
 * @param {string[]} projects the clusters' Nx projects, in the order to plan them
 * @param {number} [maxJobs]
 * @returns {{ group: string, projects: string }[]} one entry per job: its group id and its
 *   projects, separated by spaces
 */
function planGroups(projects, maxJobs = MAX_MATRIX_JOBS) {
  if (!Number.isInteger(maxJobs) || maxJobs < 1) throw new Error(`maxJobs must be a positive integer, got ${maxJobs}`);
  const jobs = Math.min(projects.length, maxJobs);
  const groups = [];
  let next = 0;
  for (let job = 0; job < jobs; job++) {
    const size = Math.floor(projects.length / jobs) + (job < projects.length % jobs ? 1 : 0);
    groups.push({ group: String(job + 1).padStart(3, '0'), projects: projects.slice(next, next + size).join(' ') });
    next += size;
  }
  return groups;
}

/**
 * @param {string[]} affected as `nx show projects --affected --json` lists them
 * @returns {{ count: number, projects: string[], matrix: { include: { group: string, projects: string }[] } }}
 */
function planMatrix(affected, maxJobs = MAX_MATRIX_JOBS) {
  const projects = commentedClusters(affected).map((c) => c.project);
  return { count: projects.length, projects, matrix: { include: planGroups(projects, maxJobs) } };
}

function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write('usage: plan-matrix.cjs <affected.json>\n');
    return 2;
  }
  let affected;
  try {
    affected = JSON.parse(fs.readFileSync(argv[0], 'utf8'));
  } catch (error) {
    process.stderr.write(`plan-matrix: cannot read the affected projects from ${argv[0]}: ${error instanceof Error ? error.message : error}\n`);
    return 2;
  }
  if (!Array.isArray(affected) || !affected.every((p) => typeof p === 'string')) {
    process.stderr.write(`plan-matrix: ${argv[0]} must hold a JSON list of project names, as nx show projects --affected --json writes it\n`);
    return 2;
  }
  const { count, projects, matrix } = planMatrix(affected);
  const lines = `count=${count}\nprojects=${JSON.stringify(projects)}\nmatrix=${JSON.stringify(matrix)}\n`;
  if (process.env.GITHUB_OUTPUT) fs.appendFileSync(process.env.GITHUB_OUTPUT, lines);
  else process.stdout.write(lines);
  process.stderr.write(`plan-matrix: ${count} affected clusters in ${matrix.include.length} plan jobs\n`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { MAX_MATRIX_JOBS, planGroups, planMatrix };
