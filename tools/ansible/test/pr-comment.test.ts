import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { synthesize } from '@kafka-privatelink/app';
import { generateSpec, runNx } from '@kafka-privatelink/bench';
import { ARTIFACT_PATHS } from '@kafka-privatelink/emitters';
import { lockfilePathFor } from '@kafka-privatelink/cluster-spec';
import { synthExample } from './synth';
import { WORKSPACE_ROOT } from './workspace';

interface CommentInput {
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

    expect(body.startsWith('<!-- kafka-privatelink:pull-request:coban -->\n')).toBe(true);
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
      { project: 'cluster-payments', report: `clusters/payments/cdktf.out/${ARTIFACT_PATHS.topologyReport}`, lockfiles: 'clusters/payments/*.ports-lock.json', diffTasks: ['cluster-payments:diff'] },
      { project: 'cluster-search', report: `clusters/search/cdktf.out/${ARTIFACT_PATHS.topologyReport}`, lockfiles: 'clusters/search/*.ports-lock.json', diffTasks: ['cluster-search:diff'] },
    ]);
    expect(outputs).toContain(`{workspaceRoot}/clusters/payments/cdktf.out/${ARTIFACT_PATHS.topologyReport}`);
  });

  it('include the example when its stacks are affected, with both of their diffs', () => {
    expect(commentedClusters(['consumer', 'provider'])).toEqual([
      { project: 'provider', report: `cdktf.out/${ARTIFACT_PATHS.topologyReport}`, lockfiles: 'examples/*.ports-lock.json', diffTasks: ['provider:diff', 'consumer:diff'] },
    ]);
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
