import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseNxOutput, runNx } from '@kafka-privatelink/bench';
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

  it('infers one project per cluster spec, each with synth, diff, apply, deploy and scan', async () => {
    const run = await runNx(['show', 'project', 'cluster-payments', '--json'], workspace);
    expect(run.exitCode).toBe(0);
    const project = JSON.parse(run.output.slice(run.output.indexOf('{'))) as {
      root: string;
      targets: Record<string, { cache?: boolean; dependsOn?: unknown[]; configurations?: Record<string, { commands: string[] }> }>;
    };
    expect(project.root).toBe('clusters/payments');
    expect(Object.keys(project.targets).sort()).toEqual(['apply', 'deploy', 'diff', 'scan', 'synth']);
    expect(project.targets['synth'].cache).toBe(true);
    expect(project.targets['diff'].cache).toBe(false);
    expect(project.targets['apply'].cache).toBe(false);
    expect(project.targets['deploy'].cache).toBe(false);
    // one side at a time, as the Jenkinsfile plans, approves and applies them; apply never re-synthesizes
    for (const action of ['diff', 'apply']) {
      expect(project.targets[action].configurations).toEqual({
        provider: { commands: [`node --import tsx stacks/app/cdktf-stacks.mjs ${action} --provider --output clusters/payments/cdktf.out`] },
        consumers: { commands: [`node --import tsx stacks/app/cdktf-stacks.mjs ${action} --output clusters/payments/cdktf.out`] },
        acceptance: { commands: [`node --import tsx stacks/app/cdktf-stacks.mjs ${action} --acceptance --output clusters/payments/cdktf.out`] },
      });
    }
    expect(project.targets['apply'].dependsOn ?? []).toEqual([]);
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

const BROKER_401 = 'brokers:\n  - id: 401\n    azId: apse1-az1\n    instanceId: i-0a1b2c3d4e5f60401\n    privateIp: 10.0.1.12\n';

/** Every file below `dir` with its bytes, by path relative to `dir`; terraform's own files left out. */
function filesOf(dir: string, root = dir): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name !== '.terraform' && name !== '.terraform.lock.hcl' && name !== 'plan')
      .flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? Object.entries(filesOf(path, root)) : [[relative(root, path), readFileSync(path, 'utf8')]];
      })
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

describe('the synth of a cluster through real nx runs, cached, in a fixture git repository', () => {
  let workspace: string;
  let main: string;
  const saved = { ...process.env };
  const outdir = () => join(workspace, 'clusters', 'payments', 'cdktf.out');
  const spec = () => join(workspace, 'clusters', 'payments', 'cluster.yaml');
  const lock = () => join(workspace, 'clusters', 'payments', 'cluster.ports-lock.json');

  async function synth(...flags: string[]) {
    const run = await runNx(['run', 'cluster-payments:synth', '--output-style=static', ...flags], workspace);
    expect(run.exitCode).toBe(0);
    const summary = parseNxOutput(run.output);
    return { output: run.output, tasks: summary.tasks.map((t) => t.task), fromCache: summary.tasks.some((t) => t.task === 'cluster-payments:synth' && /cache/.test(t.note ?? '')) };
  }

  /** What a synth of the working tree writes, without the cache. */
  async function uncached(): Promise<Record<string, string>> {
    const copy = mkdtempSync(join(tmpdir(), 'kpl-out-'));
    renameSync(outdir(), join(copy, 'cached'));
    await synth('--skip-nx-cache');
    const fresh = filesOf(outdir());
    rmSync(outdir(), { recursive: true });
    renameSync(join(copy, 'cached'), outdir());
    rmSync(copy, { recursive: true });
    return fresh;
  }

  beforeAll(() => {
    workspace = scratchWorkspace();
    addCluster(workspace, 'payments');
    git(workspace, 'init', '--quiet');
    appendFileSync(join(workspace, '.git', 'info', 'exclude'), 'node_modules\n');
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '--quiet', '-m', 'one cluster');
    main = git(workspace, 'rev-parse', '--abbrev-ref', 'HEAD').trim();
    Object.assign(process.env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' });
    delete process.env.KAFKA_PRIVATELINK_SPEC;
  });
  afterAll(() => {
    process.env = { ...saved };
    rmSync(workspace, { recursive: true, force: true });
  });
  afterEach(() => {
    git(workspace, 'checkout', '--quiet', '--force', main);
    git(workspace, 'clean', '--quiet', '-fd', '--', 'clusters', 'locks');
  });

  it('GIVEN two branches with other specs and lockfiles WHEN a synth follows each switch THEN it writes the checked-out branch\'s output, as an uncached synth does', async () => {
    // a branch that moves broker 301 to another port and keeps its lockfile outside the spec's folder
    git(workspace, 'checkout', '--quiet', '-b', 'moved');
    mkdirSync(join(workspace, 'locks'));
    writeFileSync(join(workspace, 'locks', 'payments.json'), readFileSync(lock(), 'utf8').replace('"port": 10003', '"port": 10005'));
    rmSync(lock());
    writeFileSync(spec(), readFileSync(spec(), 'utf8').replace('ports:\n', 'ports:\n  lockfile: ../../locks/payments.json\n').replace('idleTimeoutSeconds: 350', 'idleTimeoutSeconds: 340'));
    git(workspace, 'add', '-A');
    git(workspace, 'commit', '--quiet', '-m', 'move broker 301');
    git(workspace, 'checkout', '--quiet', main);

    await synth();
    const onMain = filesOf(outdir());
    expect(onMain['stacks/provider/cdk.tf.json']).toContain('"port": 10003');

    git(workspace, 'checkout', '--quiet', 'moved');
    await synth();
    expect(filesOf(outdir())).toEqual(await uncached());
    expect(filesOf(outdir())['stacks/provider/cdk.tf.json']).toContain('"port": 10005');

    git(workspace, 'checkout', '--quiet', main);
    expect((await synth()).fromCache).toBe(true);
    expect(filesOf(outdir())).toEqual(onMain);

    // an edit of the lockfile outside the cluster's folder, which no file input of the project names
    git(workspace, 'checkout', '--quiet', 'moved');
    const moved = join(workspace, 'locks', 'payments.json');
    writeFileSync(moved, readFileSync(moved, 'utf8').replace('"port": 10005', '"port": 10006'));
    await synth();
    expect(filesOf(outdir())).toEqual(await uncached());
    expect(filesOf(outdir())['stacks/provider/cdk.tf.json']).toContain('"port": 10006');
  }, 600_000);

  it('GIVEN a synth WHEN its output folder is deleted THEN the next synth restores it from the cache', async () => {
    await synth();
    const before = filesOf(outdir());
    rmSync(outdir(), { recursive: true });
    expect((await synth()).fromCache).toBe(true);
    expect(filesOf(outdir())).toEqual(before);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['manifest.json', 'topology.md', 'stacks/provider/cdk.tf.json', 'ansible/inventory.yml']));
  }, 300_000);

  it('never replays a synth that wrote the lockfile, so it never claims a write it did not make', async () => {
    const lockBefore = readFileSync(lock(), 'utf8');
    writeFileSync(spec(), readFileSync(spec(), 'utf8').replace('brokers:\n', BROKER_401));
    const first = await synth();
    expect(first.output).toContain('ports: wrote clusters/payments/cluster.ports-lock.json');

    // the author discards the lockfile change (git checkout) and synthesizes again
    writeFileSync(lock(), lockBefore);
    const second = await synth();
    expect(second.fromCache).toBe(false);
    expect(readFileSync(lock(), 'utf8')).toContain('"401": { "port": 10004, "shard": 0, "listener": "CLIENT" }');
    expect(filesOf(outdir())['stacks/provider/cdk.tf.json']).toContain('"port": 10004');
  }, 300_000);

  it('keeps each stack\'s .terraform/ and .terraform.lock.hcl when it replays a synth from the cache', async () => {
    const provider = join(outdir(), 'stacks', 'provider');
    const original = readFileSync(spec(), 'utf8');
    await synth();
    mkdirSync(join(provider, '.terraform', 'providers'), { recursive: true });
    writeFileSync(join(provider, '.terraform', 'providers', 'marker'), 'installed\n');
    writeFileSync(join(provider, '.terraform.lock.hcl'), 'provider "registry.terraform.io/hashicorp/aws" {}\n');

    writeFileSync(spec(), original.replace('cluster: payments', 'cluster: payments\n# a comment changes the key, not the stacks'));
    expect((await synth()).fromCache).toBe(false);
    writeFileSync(spec(), original);
    expect((await synth()).fromCache).toBe(true);

    expect(readFileSync(join(provider, '.terraform.lock.hcl'), 'utf8')).toBe('provider "registry.terraform.io/hashicorp/aws" {}\n');
    expect(readFileSync(join(provider, '.terraform', 'providers', 'marker'), 'utf8')).toBe('installed\n');
  }, 300_000);

  it('synthesizes its own cluster only, not the example that app:synth makes', async () => {
    const run = await synth('--skip-nx-cache');
    expect(run.tasks).not.toContain('app:synth');
    expect(run.output).not.toContain('examples/coban.yaml');
    expect(existsSync(join(workspace, 'cdktf.out'))).toBe(false);
  }, 300_000);

  it('diffs and deploys a cluster from its own synth, never the example\'s', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kpl-graph-')), 'graph.json');
    for (const target of ['diff', 'deploy']) {
      const run = await runNx(['run', `cluster-payments:${target}`, `--graph=${file}`], workspace);
      expect(run.exitCode).toBe(0);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { tasks: { dependencies: Record<string, string[]> } }).tasks.dependencies).toEqual({
        [`cluster-payments:${target}`]: ['cluster-payments:synth'],
        'cluster-payments:synth': ['app:bundle'],
        'app:bundle': [],
      });
    }
  }, 120_000);

  it('refuses a cluster folder whose name is outside [a-z0-9-], and runs nothing the name holds', async () => {
    const dir = join(workspace, 'clusters', 'x$(touch pwned)');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cluster.yaml'), readFileSync(spec(), 'utf8'));
    try {
      const run = await runNx(['run-many', '-t', 'synth', '--output-style=static'], workspace);
      expect(run.exitCode).not.toBe(0);
      // `nx run-many` says only that the project graph failed; `nx show projects` says why
      const show = await runNx(['show', 'projects'], workspace);
      expect(show.exitCode).not.toBe(0);
      expect(show.output).toContain(
        'clusters/x$(touch pwned)/cluster.yaml: the folder name of a cluster must be lower-case letters, digits and hyphens, neither first nor last a hyphen ([a-z0-9-]); got "x$(touch pwned)": rename the folder',
      );
      expect(existsSync(join(workspace, 'pwned'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
