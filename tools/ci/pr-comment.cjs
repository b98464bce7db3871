// @ts-check
'use strict';
const fs = require('node:fs');
const path = require('node:path');
// The pull request comment of one cluster, built from its synth's topology report, the lockfile
// diff of the pull request and the `cdktf diff` output, as the plan jobs leave them in their
// artifacts (plan-clusters.cjs). The workflow's comment job posts it through postComments
// (.github/workflows/pull-request.yml); tests build it for the example and a 1000-broker cluster.
//
// GitHub refuses a comment over 65,536 characters, and its Mermaid refuses a diagram over 50,000
// characters or 500 edges. The port table and the allocation changes always appear (compacted
// when the full form does not fit); the diagram only when it can be drawn; the diff gets what room
// is left and otherwise points to the job log.

/** GitHub's limit for a comment body, in characters. */
const COMMENT_LIMIT = 65536;
/** What this comment fills up to: some room below the limit for what GitHub adds to a body. */
const COMMENT_BUDGET = 65000;
/** Mermaid's maxTextSize and maxEdges as GitHub renders diagrams. */
const MERMAID_MAX_TEXT = 50000;
const MERMAID_MAX_EDGES = 500;

/**
 * Hidden first line that finds this cluster's earlier comment to update. It names the Nx project,
 * unique in the repository, never the spec's `cluster:` name, which two clusters may share.
 */
const marker = (project) => `<!-- kafka-privatelink:pull-request:${project} -->`;

/** The text of a `## heading` section of the topology report, without the heading. */
function section(report, heading) {
  const start = report.indexOf(`\n## ${heading}\n`);
  if (start < 0) return '';
  const body = report.slice(start + heading.length + 5);
  const end = body.indexOf('\n## ');
  return (end < 0 ? body : body.slice(0, end)).trim();
}

const fence = (lang, text) => '```' + lang + '\n' + text.replaceAll('```', '` ` `') + '\n```';

/**
 * Port changes of the pull request from the unified diff of its lockfiles, one per broker, in
 * broker order: new, moved (never done by synth: a hand edit or a bad merge), retired, back, and
 * listener renamed.
 */
function lockfileChanges(diff) {
  const active = { '-': new Map(), '+': new Map() };
  const retired = { '-': new Map(), '+': new Map() };
  for (const line of diff.split('\n')) {
    const a = /^([+-])\s*"(\d+)": \{ "port": (\d+), "shard": (\d+), "listener": "([^"]*)" \}/.exec(line);
    if (a) active[a[1]].set(Number(a[2]), { port: Number(a[3]), shard: Number(a[4]), listener: a[5] });
    const r = /^([+-])\s*\{ "broker": (\d+), "port": (\d+), "shard": (\d+)/.exec(line);
    if (r) retired[r[1]].set(Number(r[2]), { port: Number(r[3]), shard: Number(r[4]) });
  }
  const brokers = [...new Set([...active['-'].keys(), ...active['+'].keys(), ...retired['+'].keys()])].sort((x, y) => x - y);
  const changes = [];
  for (const broker of brokers) {
    const before = active['-'].get(broker);
    const after = active['+'].get(broker);
    if (after && !before) changes.push({ broker, kind: retired['-'].has(broker) ? 'back' : 'new', port: after.port, shard: after.shard });
    else if (before && !after && retired['+'].has(broker)) changes.push({ broker, kind: 'retired', port: before.port, shard: before.shard });
    else if (before && !after) changes.push({ broker, kind: 'dropped', port: before.port, shard: before.shard });
    else if (before && after && before.port !== after.port) changes.push({ broker, kind: 'moved', port: after.port, shard: after.shard, was: before.port });
    else if (before && after && before.listener !== after.listener) changes.push({ broker, kind: 'listener', port: after.port, shard: after.shard, was: before.listener, listener: after.listener });
  }
  return changes;
}

const CHANGE_LINES = {
  new: (c) => `broker ${c.broker}: port ${c.port} on shard ${c.shard} (new)`,
  back: (c) => `broker ${c.broker}: back, gets its retired port ${c.port} again (shard ${c.shard})`,
  retired: (c) => `broker ${c.broker}: removed, port ${c.port} retired (never reused)`,
  dropped: (c) => `broker ${c.broker}: port ${c.port} removed without being retired: synth never does this`,
  moved: (c) => `broker ${c.broker}: port moved from ${c.was} to ${c.port}: synth never does this`,
  listener: (c) => `broker ${c.broker}: port ${c.port} now fronts listener ${c.listener} (was ${c.was})`,
};

function changesMarkdown(changes, compact) {
  if (changes.length === 0) return 'None: every broker keeps its port.';
  if (!compact) return changes.map((c) => `- ${CHANGE_LINES[c.kind](c)}`).join('\n');
  const kinds = [...new Set(changes.map((c) => c.kind))];
  return kinds
    .map((kind) => {
      const of = changes.filter((c) => c.kind === kind);
      return `- ${kind} (${of.length}, broker:port): ${of.map((c) => `${c.broker}:${c.port}`).join(', ')}`;
    })
    .join('\n');
}

/** The report's port table with only broker, AZ ID, shard and port: the advertised name follows from them. */
function compactPorts(ports) {
  const rows = ports
    .split('\n')
    .filter((line) => /^\| \d+ \|/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => cells.length >= 6)
    .map((cells) => `| ${cells[1]} | ${cells[2]} | ${cells[3]} | ${cells[4]} |`);
  return ['| Broker | AZ ID | Shard | NLB port |', '| ---: | --- | ---: | ---: |', ...rows].join('\n');
}

/**
 * @param {{ project: string, cluster: string, topology: string, lockfileDiff: string, diff: string,
 *   synthOutcome: string, diffOutcome: string, logUrl: string, artifactName: string }} input
 * @returns {string} the comment body, at most COMMENT_BUDGET characters
 */
function commentBody(input) {
  const { project, cluster, topology, lockfileDiff, synthOutcome, diffOutcome, logUrl, artifactName } = input;
  const head = [marker(project), `## Cluster \`${cluster}\``, `Synth (frozen lockfile): **${synthOutcome}** · cdktf diff: **${diffOutcome || 'not run'}** · [job log](${logUrl})`];
  const changes = lockfileChanges(lockfileDiff);
  // eslint-disable-next-line no-control-regex
  const diff = input.diff.replace(/\x1b\[[0-9;]*m/g, '').trim();
  if (!topology) {
    return [...head, '### Port allocation changes', changesMarkdown(changes, false), '_No topology report: synth failed. See the job log._', diffBlock(diff, COMMENT_BUDGET - 2000, logUrl)].join('\n\n');
  }

  const ports = section(topology, 'Ports');
  const consumers = section(topology, 'Consumers');
  const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(section(topology, 'Diagram'))?.[1] ?? '';
  const size = (parts) => parts.join('\n\n').length;
  // The smallest form of what must appear, and the room left for the rest.
  let portsPart = ['### Ports', ports];
  let changesPart = ['### Port allocation changes in this pull request', changesMarkdown(changes, false)];
  const reserve = 600;
  if (size([...head, ...portsPart, ...changesPart]) + reserve > COMMENT_BUDGET) {
    changesPart = ['### Port allocation changes in this pull request', changesMarkdown(changes, true)];
  }
  if (size([...head, ...portsPart, ...changesPart]) + reserve > COMMENT_BUDGET) {
    portsPart = ['### Ports', `${compactPorts(ports)}\n\nAdvertised names, targets and the shards' NLBs: \`topology.md\` in the job's artifact \`${artifactName}\`.`];
  }
  const parts = [...head, ...portsPart, ...changesPart];
  const optional = [['### Consumers', consumers]];
  const edges = (mermaid.match(/-->|-\.->|==>/g) ?? []).length;
  const diagram = ['### Diagram', fence('mermaid', mermaid)];
  const drawable = mermaid.length <= MERMAID_MAX_TEXT && edges <= MERMAID_MAX_EDGES;
  for (const part of optional) if (size([...parts, ...part]) + reserve <= COMMENT_BUDGET) parts.push(...part);
  if (drawable && size([...parts, ...diagram]) + reserve <= COMMENT_BUDGET) parts.push(...diagram);
  else parts.push('### Diagram', `${mermaid.length} characters and ${edges} edges: too large to draw here. It is in \`topology.md\` in the job's artifact \`${artifactName}\`.`);
  parts.push(diffBlock(diff, COMMENT_BUDGET - size(parts) - 2, logUrl));
  return parts.join('\n\n');
}

/** The `cdktf diff` output, cut to `room` characters with a pointer to the job log. */
function diffBlock(diff, room, logUrl) {
  const open = '### cdktf diff of the affected stacks\n\n<details><summary>Terraform plan output</summary>\n\n```text\n';
  const close = '\n```\n\n</details>';
  const text = (diff || 'No stack is affected.').replaceAll('```', '` ` `');
  if (open.length + text.length + close.length <= room) return open + text + close;
  const note = `\n\n… truncated: the whole diff is in the [job log](${logUrl}).`;
  return open + text.slice(0, Math.max(room - open.length - close.length - note.length, 0)) + close + note;
}

/**
 * What `nx affected -t diff --output-style=static` printed for some tasks: the lines from each
 * task's `> nx run <task>` header to the next task or Nx's closing summary.
 */
function taskOutput(log, tasks) {
  const parts = [];
  const lines = log.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^> nx run (\S+)/.exec(lines[i].trim());
    if (!header || !tasks.includes(header[1])) continue;
    let end = i + 1;
    while (end < lines.length && !/^> nx run \S+/.test(lines[end].trim()) && !/^\s*(NX|—)\s/.test(lines[end])) end++;
    parts.push(lines.slice(i, end).join('\n').trim());
  }
  return parts.join('\n\n');
}

/** The Nx projects a comment can be about: the example's `provider`, or a cluster folder's project. */
const CLUSTER_PROJECT = /^(?:provider|cluster-[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)$/;

/**
 * One cluster of the repository as the pull request checks it: the example (`provider`, whose
 * stacks are the `provider` and `consumer` projects, synthesized by `app:synth`), or a
 * `cluster-<name>` project (clusters/<name>/).
 * @param {string} project
 * @returns {{ project: string, report: string, lockfiles: string, synthTask: string, diffTasks: string[] }}
 */
function clusterOf(project) {
  if (!CLUSTER_PROJECT.test(project)) {
    throw new Error(`not a cluster project: ${JSON.stringify(project)} (provider, or cluster-<folder> with the folder in [a-z0-9-])`);
  }
  if (project === 'provider') {
    return { project, report: 'cdktf.out/topology.md', lockfiles: 'examples/*.ports-lock.json', synthTask: 'app:synth', diffTasks: ['provider:diff', 'consumer:diff'] };
  }
  const root = `clusters/${project.slice('cluster-'.length)}`;
  return { project, report: `${root}/cdktf.out/topology.md`, lockfiles: `${root}/*.ports-lock.json`, synthTask: `${project}:synth`, diffTasks: [`${project}:diff`] };
}

/**
 * The clusters a pull request's comments are about: each affected `cluster-<name>` project, and
 * the example when its `provider` or `consumer` project is affected (both of its stacks' diffs:
 * the consumers read the provider's outputs).
 * @param {string[]} affected projects, as `nx show projects --affected --json` lists them
 */
function commentedClusters(affected) {
  const clusters = affected.filter((project) => project.startsWith('cluster-')).sort().map(clusterOf);
  if (affected.includes('provider') || affected.includes('consumer')) clusters.unshift(clusterOf('provider'));
  return clusters;
}

/** What a plan job may write as an outcome; anything else in its results reads as `unknown`. */
const OUTCOMES = ['success', 'failure', 'skipped', 'cancelled'];
const ARTIFACT_NAME = /^plan-results-\d{3}$/;

/**
 * What one cluster's plan job left in the downloaded artifacts (tools/ci/plan-clusters.cjs), read
 * as data: it was written by the pull request's code.
 * @param {string} resultsDir the merged artifacts
 * @param {string} project
 */
function readResults(resultsDir, project) {
  const dir = path.join(resultsDir, clusterOf(project).project);
  const read = (file) => {
    const at = path.join(dir, file);
    return fs.existsSync(at) && fs.lstatSync(at).isFile() ? fs.readFileSync(at, 'utf8') : '';
  };
  let meta = {};
  try {
    meta = JSON.parse(read('meta.json') || '{}');
  } catch {
    meta = {};
  }
  const outcome = (value, none) => (value === undefined ? none : OUTCOMES.includes(value) ? value : 'unknown');
  const found = read('meta.json') !== '';
  return {
    found,
    synthOutcome: found ? outcome(meta.synthOutcome, 'unknown') : 'not run: the plan job left no results',
    diffOutcome: found ? outcome(meta.diffOutcome, 'skipped') : '',
    artifactName: typeof meta.artifact === 'string' && ARTIFACT_NAME.test(meta.artifact) ? meta.artifact : '',
    topology: read('topology.md'),
    lockfileDiff: read('lockfile.diff'),
    diff: read('diff.txt'),
  };
}

/** The identity GITHUB_TOKEN comments as: only its comments are ever updated. */
const BOT_LOGIN = 'github-actions[bot]';

/**
 * Posts or updates one comment per cluster: the comment job of the workflow, which runs none of
 * the pull request's code (this file comes from the base branch) and only reads the plan jobs'
 * artifacts. A cluster whose synth failed, or whose plan job ended early, gets the same comment
 * updated, so that an earlier success never stays in place.
 * @param {{ github: any, context: any, projects: string[], resultsDir: string, logUrl: string }} input
 * @returns {Promise<{ created: string[], updated: string[] }>}
 */
async function postComments({ github, context, projects, resultsDir, logUrl }) {
  projects.forEach(clusterOf);
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const done = { created: [], updated: [] };
  for (const project of projects) {
    const results = readResults(resultsDir, project);
    const synthOutcome = results.synthOutcome;
    const topology = synthOutcome === 'success' ? results.topology : '';
    const cluster = /^# Kafka PrivateLink topology: (\S+)/.exec(topology)?.[1] ?? project;
    const body = commentBody({ project, cluster, topology, lockfileDiff: results.lockfileDiff, diff: results.diff, synthOutcome, diffOutcome: results.diffOutcome, logUrl, artifactName: results.artifactName || 'plan-results' });
    const previous = comments.find((c) => c.user?.login === BOT_LOGIN && typeof c.body === 'string' && c.body.startsWith(`${marker(project)}\n`));
    if (previous) {
      await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
      done.updated.push(project);
    } else {
      await github.rest.issues.createComment({ owner, repo, issue_number, body });
      done.created.push(project);
    }
  }
  return done;
}

module.exports = { BOT_LOGIN, clusterOf, commentBody, commentedClusters, lockfileChanges, marker, postComments, readResults, taskOutput, COMMENT_LIMIT };
