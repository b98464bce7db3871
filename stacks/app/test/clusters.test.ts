import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNx } from '@kafka-privatelink/bench';
import { EXAMPLE_SPEC_PATH } from '@kafka-privatelink/cluster-spec';
import { scratchWorkspace } from './scratch-workspace';

const EXAMPLE_LOCK = EXAMPLE_SPEC_PATH.replace('.yaml', '.ports-lock.json');

/** Adds `clusters/<name>/cluster.yaml` and its lockfile, made from the example under another cluster name. */
function addCluster(workspace: string, name: string): string {
  const dir = join(workspace, 'clusters', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cluster.yaml'), readFileSync(EXAMPLE_SPEC_PATH, 'utf8').replace(/^cluster: coban$/m, `cluster: ${name}`));
  writeFileSync(join(dir, 'cluster.ports-lock.json'), readFileSync(EXAMPLE_LOCK, 'utf8').replace('"cluster": "coban"', `"cluster": "${name}"`));
  return join(dir, 'cluster.yaml');
}

const git = (workspace: string, ...args: string[]) => {
  const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: workspace, encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout;
};

async function affected(workspace: string): Promise<string[]> {
  const run = await runNx(['show', 'projects', '--affected', '--base=HEAD', '--json'], workspace);
  expect(run.exitCode).toBe(0);
  return (JSON.parse(run.output.slice(run.output.indexOf('['))) as string[]).sort();
}

describe('many clusters in one repository, through real nx runs in a fixture repository', () => {
  let workspace: string;
  const saved = { ...process.env };
  beforeAll(() => {
    workspace = scratchWorkspace();
    addCluster(workspace, 'payments');
    addCluster(workspace, 'search');
    // the linked node_modules is a symlink, which the folder pattern of .gitignore does not match
    git(workspace, 'init', '--quiet');
    appendFileSync(join(workspace, '.git', 'info', 'exclude'), 'node_modules\n');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '--quiet', '-m', 'two clusters');
    Object.assign(process.env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' });
    delete process.env.KAFKA_PRIVATELINK_SPEC;
  });
  afterAll(() => {
    process.env = { ...saved };
    rmSync(workspace, { recursive: true, force: true });
  });
  afterEach(() => git(workspace, 'checkout', '--quiet', '--', '.'));

  it('infers one project per cluster spec, each with synth, diff, deploy and scan', async () => {
    const run = await runNx(['show', 'project', 'cluster-payments', '--json'], workspace);
    expect(run.exitCode).toBe(0);
    const project = JSON.parse(run.output.slice(run.output.indexOf('{'))) as { root: string; targets: Record<string, { cache?: boolean }> };
    expect(project.root).toBe('clusters/payments');
    expect(Object.keys(project.targets).sort()).toEqual(['deploy', 'diff', 'scan', 'synth']);
    expect(project.targets['synth'].cache).toBe(true);
    expect(project.targets['diff'].cache).toBe(false);
    expect(project.targets['deploy'].cache).toBe(false);
  }, 60_000);

  it('sees a change to one spec as a change to that cluster only', async () => {
    const spec = join(workspace, 'clusters', 'payments', 'cluster.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('idleTimeoutSeconds: 350', 'idleTimeoutSeconds: 340'));
    expect(readFileSync(spec, 'utf8')).toContain('idleTimeoutSeconds: 340');
    expect(await affected(workspace)).toEqual(['cluster-payments']);
  }, 60_000);

  it('sees a change to one lockfile as a change to that cluster only', async () => {
    const lock = join(workspace, 'clusters', 'search', 'cluster.ports-lock.json');
    writeFileSync(lock, readFileSync(lock, 'utf8').replace('"port": 10003', '"port": 10005'));
    expect(await affected(workspace)).toEqual(['cluster-search']);
  }, 60_000);

  it('sees a change to the shared code as a change to every cluster', async () => {
    const plan = join(workspace, 'packages', 'plan', 'src', 'plan.ts');
    writeFileSync(plan, `${readFileSync(plan, 'utf8')}\n`);
    expect(await affected(workspace)).toEqual(expect.arrayContaining(['cluster-payments', 'cluster-search', 'provider', 'consumer', 'app']));
  }, 60_000);

  it('synthesizes every cluster into its own folder with npx nx run-many -t synth', async () => {
    const run = await runNx(['run-many', '-t', 'synth', '--output-style=static'], workspace);
    expect(run.exitCode).toBe(0);
    for (const cluster of ['payments', 'search']) {
      const provider = JSON.parse(readFileSync(join(workspace, 'clusters', cluster, 'cdktf.out', 'stacks', 'provider', 'cdk.tf.json'), 'utf8'));
      expect(provider.resource.aws_lb.nlb_s0.name).toBe(`${cluster}-nlb-s0`);
    }
    expect(existsSync(join(workspace, 'cdktf.out', 'stacks', 'provider', 'cdk.tf.json'))).toBe(true);
    expect(git(workspace, 'status', '--porcelain')).toBe('');
  }, 300_000);
});
