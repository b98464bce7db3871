import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { synthesize } from '@kafka-privatelink/app';
import { generateSpec, runNx } from '@kafka-privatelink/bench';
import { ARTIFACT_PATHS } from '@kafka-privatelink/emitters';
import { lockfilePathFor } from '@kafka-privatelink/cluster-spec';
import { synthExample } from '../../../ansible/test/synth';
import { WORKSPACE_ROOT } from './workspace';
import { scratchWorkspace } from '../../../stacks/app/test/scratch-workspace';

interface CommentInput {
  readonly project: string;
  readonly cluster: string;
  readonly topology: string;
  readonly lockfileDiff: string;
  readonly diff: string;
  readonly synthOutcome: string;
  readonly diffOutcome: string;
  readonly logUrl: string;
  readonly artifactName: string;
}
// The module the workflow's github-script step requires, as it requires it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { commentBody, commentedClusters, taskOutput, COMMENT_LIMIT } = require(join(WORKSPACE_ROOT, 'tools', 'ci', 'pr-comment.cjs')) as {
  commentBody: (input: CommentInput) => string;
  commentedClusters: (affected: string[]) => { project: string; report: string; lockfiles: string; diffTasks: string[] }[];
  taskOutput: (log: string, tasks: string[]) => string;
  COMMENT_LIMIT: number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require(join(WORKSPACE_ROOT, 'stacks', 'app', 'nx-plugin.js')) as {
  createNodesV2: [string, (files: string[]) => [string, { projects: Record<string, { targets: { synth: { outputs: string[] } } }> }][]];
};

const LOG_URL = 'https://github.example/acme/kafka/actions/runs/1';
const BROKER_401 = 'brokers:\n  - id: 401\n    azId: apse1-az1\n    instanceId: i-0a1b2c3d4e5f60401\n    privateIp: 10.0.1.12\n';

/** The lockfile diff as the workflow takes it: real `git diff` output of the old and new file. */
function gitDiff(before: string, after: string): string {
  const result = spawnSync('git', ['diff', '--no-index', '--no-color', before, after], { encoding: 'utf8' });
  expect(result.status).toBe(1);
  return result.stdout;
}

/** A `cdktf diff` output of the given length, shaped like Terraform's plan. */
const planOutput = (chars: number) => '  # aws_lb_listener.broker_1 will be created\n  + resource "aws_lb_listener" "broker_1" {}\n'.repeat(Math.ceil(chars / 90)).slice(0, chars);

const input = (topology: string, lockfileDiff: string, diff: string, cluster: string): CommentInput => ({
  project: `cluster-${cluster}`,
  cluster,
  topology,
  lockfileDiff,
  diff,
  synthOutcome: 'success',
  diffOutcome: 'success',
  logUrl: LOG_URL,
  artifactName: `topology-${cluster}`,
});

describe('the pull request comment', () => {
  it('shows the example whole: port table, the added broker\'s port, the diagram and the diff', () => {
    const before = synthExample();
    const lockBefore = join(before.dir, 'coban.ports-lock.json');
    const after = synthExample();
    const spec = join(after.dir, 'coban.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));
    synthesize({ specPath: spec, outdir: after.outdir });
    const topology = readFileSync(join(after.outdir, ARTIFACT_PATHS.topologyReport), 'utf8');
    const diff = planOutput(3000);

    const body = commentBody(input(topology, gitDiff(lockBefore, lockfilePathFor(spec)), diff, 'coban'));

    expect(body.startsWith('<!-- kafka-privatelink:pull-request:cluster-coban -->\n')).toBe(true);
    expect(body).toContain('## Cluster `coban`');
    expect(body).toContain('| 401 | apse1-az1 | 0 | 10004 | `kafka-az1.grab:10004` | `i-0a1b2c3d4e5f60401` |');
    expect(body).toContain('- broker 401: port 10004 on shard 0 (new)');
    expect(body).toContain('```mermaid\nflowchart LR');
    expect(body).toContain(diff.trim());
    expect(body).not.toContain('truncated');
    process.stdout.write(`pull request comment, example + broker 401: ${body.length} characters\n`);
  }, 60_000);

  it('stays under GitHub\'s limit for a new 1000-broker cluster, keeping every port and allocation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpl-comment-'));
    const spec = join(dir, 'bench.yaml');
    writeFileSync(spec, stringify(generateSpec({ brokers: 1000, consumers: 6 })));
    const outdir = join(dir, 'cdktf.out');
    synthesize({ specPath: spec, outdir });
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '');
    const lockfileDiff = gitDiff(empty, lockfilePathFor(spec));
    const topology = readFileSync(join(outdir, ARTIFACT_PATHS.topologyReport), 'utf8');

    const body = commentBody(input(topology, lockfileDiff, planOutput(400_000), 'bench'));

    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(COMMENT_LIMIT).toBe(65536);
    const table = body.slice(body.indexOf('### Ports'), body.indexOf('### Port allocation changes'));
    const lock = JSON.parse(readFileSync(lockfilePathFor(spec), 'utf8')) as { brokers: Record<string, { port: number; shard: number }> };
    for (const [broker, { port, shard }] of Object.entries(lock.brokers)) {
      expect(table).toContain(`| ${broker} | `);
      expect(table).toContain(` | ${shard} | ${port} |`);
      expect(body).toMatch(new RegExp(`[ ,]${broker}:${port}(,|\n)`));
    }
    expect(body).toMatch(/new \(1000, broker:port\): 1:10001, 2:10002, /);
    expect(body).toContain('too large to draw here');
    expect(body).not.toContain('```mermaid');
    expect(body).toContain(`… truncated: the whole diff is in the [job log](${LOG_URL}).`);
    process.stdout.write(`pull request comment, new 1000-broker cluster with 6 consumers: ${body.length} characters (topology.md: ${topology.length})\n`);
  }, 120_000);
});

describe('the comments of a pull request', () => {
  it('are one per affected cluster, each reading the report its synth writes', () => {
    const [[, nodes]] = plugin.createNodesV2[1](['clusters/payments/cluster.yaml']);
    const outputs = nodes.projects['clusters/payments'].targets.synth.outputs;
    expect(commentedClusters(['cluster-search', 'app', 'cluster-payments', 'spec'])).toEqual([
      { project: 'cluster-payments', report: `clusters/payments/cdktf.out/${ARTIFACT_PATHS.topologyReport}`, lockfiles: 'clusters/payments/*.ports-lock.json', synthTask: 'cluster-payments:synth', diffTasks: ['cluster-payments:diff'] },
      { project: 'cluster-search', report: `clusters/search/cdktf.out/${ARTIFACT_PATHS.topologyReport}`, lockfiles: 'clusters/search/*.ports-lock.json', synthTask: 'cluster-search:synth', diffTasks: ['cluster-search:diff'] },
    ]);
    expect(outputs).toContain(`{workspaceRoot}/clusters/payments/cdktf.out/${ARTIFACT_PATHS.topologyReport}`);
  });

  it('include the example when its stacks are affected, with both of their diffs', () => {
    expect(commentedClusters(['consumer', 'provider'])).toEqual([
      { project: 'provider', report: `cdktf.out/${ARTIFACT_PATHS.topologyReport}`, lockfiles: 'examples/*.ports-lock.json', synthTask: 'app:synth', diffTasks: ['provider:diff', 'consumer:diff'] },
    ]);
    expect(commentedClusters(['consumer'])).toEqual(commentedClusters(['consumer', 'provider']));
    expect(commentedClusters(['spec'])).toEqual([]);
  });

  it('each take their own tasks\' part of a real nx run\'s log', async () => {
    const run = await runNx(['run-many', '-t', 'lint', '--projects=spec,plan', '--output-style=static'], WORKSPACE_ROOT);
    expect(run.exitCode).toBe(0);
    const spec = taskOutput(run.output, ['spec:lint']);
    expect(spec.startsWith('> nx run spec:lint')).toBe(true);
    expect(spec).not.toContain('plan:lint');
    expect(spec).not.toContain('Successfully ran');
    expect(taskOutput(run.output, ['plan:lint', 'spec:lint']).split('> nx run ')).toHaveLength(3);
  }, 120_000);
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { planMatrix, planGroups, MAX_MATRIX_JOBS } = require(join(WORKSPACE_ROOT, 'tools', 'ci', 'plan-matrix.cjs')) as {
  planMatrix: (affected: string[], maxJobs?: number) => { count: number; projects: string[]; matrix: { include: { group: string; projects: string }[] } };
  planGroups: (projects: string[], maxJobs?: number) => { group: string; projects: string }[];
  MAX_MATRIX_JOBS: number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { postComments, BOT_LOGIN } = require(join(WORKSPACE_ROOT, 'tools', 'ci', 'pr-comment.cjs')) as {
  postComments: (input: { github: unknown; context: unknown; projects: string[]; resultsDir: string; logUrl: string }) => Promise<{ created: string[]; updated: string[] }>;
  BOT_LOGIN: string;
};

const clusterNames = (n: number) => Array.from({ length: n }, (_, i) => `cluster-c${String(i).padStart(3, '0')}`);

describe('the plan matrix of a pull request', () => {
  it('is empty for a pull request that affects no cluster, so that no plan job starts', () => {
    expect(planMatrix(['spec', 'plan', 'emulator'])).toEqual({ count: 0, projects: [], matrix: { include: [] } });
  });

  it('is one job for one affected cluster', () => {
    expect(planMatrix(['cluster-payments', 'spec'])).toEqual({ count: 1, projects: ['cluster-payments'], matrix: { include: [{ group: '001', projects: 'cluster-payments' }] } });
  });

  it('puts the example first, once, when either of its stacks is affected', () => {
    expect(planMatrix(['consumer', 'cluster-b', 'cluster-a']).projects).toEqual(['provider', 'cluster-a', 'cluster-b']);
  });

  it('stays within GitHub\'s 256 jobs for 600 affected clusters, planning each exactly once, in order, in groups of nearly equal size', () => {
    const affected = [...clusterNames(600)].reverse();
    const { count, matrix } = planMatrix(['app', ...affected]);
    expect(MAX_MATRIX_JOBS).toBe(256);
    expect(count).toBe(600);
    expect(matrix.include).toHaveLength(256);
    expect(matrix.include.flatMap((job) => job.projects.split(' '))).toEqual(clusterNames(600));
    expect(new Set(matrix.include.map((job) => job.projects.split(' ').length))).toEqual(new Set([2, 3]));
    expect(matrix.include.map((job) => job.group)).toEqual(Array.from({ length: 256 }, (_, i) => String(i + 1).padStart(3, '0')));
    expect(JSON.stringify(matrix).length).toBeLessThan(1_000_000);
  });

  it('gives each cluster its own job up to the limit', () => {
    expect(planGroups(clusterNames(256)).every((job) => !job.projects.includes(' '))).toBe(true);
    expect(planGroups(clusterNames(257))).toHaveLength(256);
  });

  it('refuses a project that is not a cluster\'s, naming it', () => {
    expect(() => planMatrix(['cluster-$(touch x)'])).toThrow('not a cluster project: "cluster-$(touch x)"');
  });

  it('writes the matrix for GitHub Actions from a real nx list of affected projects, and refuses a file that is not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpl-matrix-'));
    const affected = join(dir, 'affected.json');
    writeFileSync(affected, JSON.stringify(['provider', 'cluster-payments']));
    const output = join(dir, 'github-output');
    const run = spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'tools', 'ci', 'plan-matrix.cjs'), affected], { encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: output } });
    expect(run.status).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(
      'count=2\nprojects=["provider","cluster-payments"]\nmatrix={"include":[{"group":"001","projects":"provider"},{"group":"002","projects":"cluster-payments"}]}\n',
    );
    writeFileSync(affected, '{"projects": 3}');
    const bad = spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'tools', 'ci', 'plan-matrix.cjs'), affected], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`plan-matrix: ${affected} must hold a JSON list of project names, as nx show projects --affected --json writes it\n`);
  });
});

/** GitHub's comments API as github-script hands it over, holding one pull request's comments in memory. */
function fakeGitHub(comments: { id: number; user: { login: string }; body: string }[]) {
  const calls: string[] = [];
  let next = 1000;
  const issues = {
    listComments: 'listComments',
    updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
      calls.push(`update ${comment_id}`);
      comments.find((c) => c.id === comment_id)!.body = body;
    },
    createComment: async ({ body }: { body: string }) => {
      calls.push('create');
      comments.push({ id: next++, user: { login: BOT_LOGIN }, body });
    },
  };
  return {
    calls,
    comments,
    github: { rest: { issues }, paginate: async (method: unknown) => (method === 'listComments' ? [...comments] : []) },
    context: { repo: { owner: 'acme', repo: 'kafka' }, issue: { number: 7 } },
  };
}

describe('the comment job', () => {
  it('updates its own comment of a cluster whose synth now fails, and leaves a look-alike of another author alone', async () => {
    // GIVEN the bot's earlier success comment on cluster-payments, and someone's copy of its marker
    const gh = fakeGitHub([
      { id: 1, user: { login: 'mallory' }, body: '<!-- kafka-privatelink:pull-request:cluster-payments -->\nall good' },
      { id: 2, user: { login: BOT_LOGIN }, body: '<!-- kafka-privatelink:pull-request:cluster-payments -->\n## Cluster `payments`\nSynth (frozen lockfile): **success**' },
      { id: 3, user: { login: BOT_LOGIN }, body: '<!-- kafka-privatelink:pull-request:cluster-payments-eu -->\nother' },
    ]);
    const results = mkdtempSync(join(tmpdir(), 'kpl-results-'));
    const dir = join(results, 'cluster-payments');
    mkdirSync(dir);
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ project: 'cluster-payments', artifact: 'plan-results-001', synthOutcome: 'failure', diffOutcome: 'skipped' }));
    writeFileSync(join(dir, 'topology.md'), '# Kafka PrivateLink topology: payments\n');

    // WHEN the comment job runs for it and for a cluster whose plan job left nothing
    const done = await postComments({ github: gh.github, context: gh.context, projects: ['cluster-payments', 'cluster-search'], resultsDir: results, logUrl: LOG_URL });

    // THEN the bot's own comment says the synth failed; the other cluster gets a new comment that says its plan never ran
    expect(done).toEqual({ created: ['cluster-search'], updated: ['cluster-payments'] });
    expect(gh.calls).toEqual(['update 2', 'create']);
    expect(gh.comments[0]!.body).toBe('<!-- kafka-privatelink:pull-request:cluster-payments -->\nall good');
    expect(gh.comments[1]!.body).toContain('Synth (frozen lockfile): **failure** · cdktf diff: **skipped**');
    expect(gh.comments[1]!.body).toContain('_No topology report: synth failed. See the job log._');
    expect(gh.comments[2]!.body).toBe('<!-- kafka-privatelink:pull-request:cluster-payments-eu -->\nother');
    expect(gh.comments[3]!.body).toMatch(/^<!-- kafka-privatelink:pull-request:cluster-search -->\n\n## Cluster `cluster-search`\n\nSynth \(frozen lockfile\): \*\*not run: the plan job left no results\*\* · cdktf diff: \*\*not run\*\*/);
  });

  it('reads outcomes and artifact names of the pull request\'s results only from the values it knows', async () => {
    const gh = fakeGitHub([]);
    const results = mkdtempSync(join(tmpdir(), 'kpl-results-'));
    mkdirSync(join(results, 'provider'));
    writeFileSync(join(results, 'provider', 'meta.json'), JSON.stringify({ synthOutcome: '**success** [click](https://evil.example)', diffOutcome: 'success', artifact: '../../x' }));
    await postComments({ github: gh.github, context: gh.context, projects: ['provider'], resultsDir: results, logUrl: LOG_URL });
    expect(gh.comments[0]!.body).toContain('Synth (frozen lockfile): **unknown** · cdktf diff: **success**');
    expect(gh.comments[0]!.body).not.toContain('evil.example');
  });

  it('refuses a project name that is not a cluster\'s before posting anything', async () => {
    const gh = fakeGitHub([]);
    await expect(postComments({ github: gh.github, context: gh.context, projects: ['../../etc'], resultsDir: tmpdir(), logUrl: LOG_URL })).rejects.toThrow('not a cluster project: "../../etc"');
    expect(gh.calls).toEqual([]);
  });
});

describe('the pull request workflow\'s steps, run for real on a pull request that changes two clusters', () => {
  it('plans both in one matrix job, records the frozen synth that fails, and comments on each from the results alone', async () => {
    // GIVEN a repository whose main branch holds clusters payments and search, and a pull request
    // that adds a broker to payments without its lockfile entry and retags search
    const workspace = scratchWorkspace();
    const git = (...args: string[]) => {
      const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: workspace, encoding: 'utf8' });
      expect(run.status).toBe(0);
      return run.stdout.trim();
    };
    const example = readFileSync(join(WORKSPACE_ROOT, 'examples', 'coban.yaml'), 'utf8');
    const lock = readFileSync(join(WORKSPACE_ROOT, 'examples', 'coban.ports-lock.json'), 'utf8');
    for (const name of ['payments', 'search']) {
      mkdirSync(join(workspace, 'clusters', name), { recursive: true });
      writeFileSync(join(workspace, 'clusters', name, 'cluster.yaml'), example.replace('cluster: coban', `cluster: ${name}`));
      writeFileSync(join(workspace, 'clusters', name, 'cluster.ports-lock.json'), lock.replace('"cluster": "coban"', `"cluster": "${name}"`));
    }
    git('init', '--quiet');
    writeFileSync(join(workspace, '.git', 'info', 'exclude'), 'node_modules\n');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'main');
    const base = git('rev-parse', 'HEAD');
    const payments = join(workspace, 'clusters', 'payments', 'cluster.yaml');
    writeFileSync(payments, readFileSync(payments, 'utf8').replace('brokers:\n', BROKER_401));
    const search = join(workspace, 'clusters', 'search', 'cluster.yaml');
    writeFileSync(search, readFileSync(search, 'utf8').replace('team: coban-platform', 'team: search-platform'));
    git('commit', '--quiet', '-am', 'pull request');
    const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_BASE: base, NX_HEAD: 'HEAD', KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true', KAFKA_PRIVATELINK_BASE_REF: base };
    const step = (command: string, args: string[], extra: Record<string, string> = {}) => spawnSync(command, args, { cwd: workspace, encoding: 'utf8', env: { ...env, ...extra } });
    try {
      // WHEN the clusters job and the plan job run their commands as the workflow writes them
      const affected = step('npx', ['nx', 'show', 'projects', '--affected', '--json']);
      expect(affected.status).toBe(0);
      const affectedFile = join(workspace, 'affected.json');
      writeFileSync(affectedFile, affected.stdout);
      const outputFile = join(workspace, 'github-output');
      expect(step('node', ['tools/ci/plan-matrix.cjs', affectedFile], { GITHUB_OUTPUT: outputFile }).status).toBe(0);
      const outputs = Object.fromEntries(readFileSync(outputFile, 'utf8').trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      expect(outputs['count']).toBe('2');
      const matrix = JSON.parse(outputs['matrix']!) as { include: { group: string; projects: string }[] };
      expect(matrix.include).toEqual([{ group: '001', projects: 'cluster-payments' }, { group: '002', projects: 'cluster-search' }]);
      const results = join(workspace, 'results');
      for (const { group, projects } of matrix.include) {
        const synth = step('node', ['tools/ci/plan-clusters.cjs', 'synth', results, `plan-results-${group}`, ...projects.split(' ')]);
        expect(synth.status).toBe(0);
      }
      const verdict = step('node', ['tools/ci/plan-clusters.cjs', 'verdict', results, 'plan-results-001', 'cluster-payments']);

      // THEN the frozen synth of payments failed, naming the new broker, and the job fails for it
      expect(verdict.status).toBe(1);
      expect(verdict.stderr).toContain('plan-clusters: cluster-payments did not synthesize and diff cleanly');
      expect(JSON.parse(readFileSync(join(results, 'cluster-payments', 'meta.json'), 'utf8'))).toEqual({ project: 'cluster-payments', artifact: 'plan-results-001', synthOutcome: 'failure', diffOutcome: 'skipped' });
      expect(readFileSync(join(results, 'cluster-payments', 'synth.txt'), 'utf8')).toContain('401');
      expect(JSON.parse(readFileSync(join(results, 'cluster-search', 'meta.json'), 'utf8'))).toMatchObject({ synthOutcome: 'success' });
      // AND the comment job, from the results alone, comments on each cluster under its own project's marker
      const gh = fakeGitHub([]);
      const projects = JSON.parse(outputs['projects']!) as string[];
      await postComments({ github: gh.github, context: gh.context, projects, resultsDir: results, logUrl: LOG_URL });
      expect(gh.comments.map((c) => c.body.split('\n\n').slice(0, 3).join('\n'))).toEqual([
        `<!-- kafka-privatelink:pull-request:cluster-payments -->\n## Cluster \`cluster-payments\`\nSynth (frozen lockfile): **failure** · cdktf diff: **skipped** · [job log](${LOG_URL})`,
        `<!-- kafka-privatelink:pull-request:cluster-search -->\n## Cluster \`search\`\nSynth (frozen lockfile): **success** · cdktf diff: **skipped** · [job log](${LOG_URL})`,
      ]);
      expect(gh.comments[1]!.body).toContain('| 301 | apse1-az3 | 0 | 10003 |');
      expect(gh.comments[1]!.body).toContain('None: every broker keeps its port.');
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }, 300_000);
});
