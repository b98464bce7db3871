import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNxOutput, runNx } from '@kafka-privatelink/bench';
import { scratchWorkspace } from './scratch-workspace';

const BROKER_401 = 'brokers:\n  - id: 401\n    azId: apse1-az1\n    instanceId: i-0a1b2c3d4e5f60401\n    privateIp: 10.0.1.12\n';

async function synthWithNx(workspace: string) {
  const run = await runNx(['run', 'app:synth', '--output-style=static'], workspace);
  expect(run.exitCode).toBe(0);
  const summary = parseNxOutput(run.output);
  return { output: run.output, fromCache: summary.tasks.some((t) => t.task === 'app:synth' && /cache/.test(t.note ?? '')) };
}

const providerJson = (workspace: string) => readFileSync(join(workspace, 'cdktf.out', 'stacks', 'provider', 'cdk.tf.json'), 'utf8');

describe('synth through real nx runs, cached', () => {
  let workspace: string;
  const saved = { ...process.env };
  beforeEach(() => {
    workspace = scratchWorkspace();
    // The packages resolve to the repository through the linked node_modules; the spec must not.
    Object.assign(process.env, { NX_DAEMON: 'false', KAFKA_PRIVATELINK_SPEC: join(workspace, 'examples', 'coban.yaml') });
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(workspace, { recursive: true, force: true });
  });

  it('sees an edit of a lockfile kept outside the spec folder, instead of serving stale output', async () => {
    const spec = join(workspace, 'examples', 'coban.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('ports:\n', 'ports:\n  lockfile: ../locks/coban.json\n'));
    mkdirSync(join(workspace, 'locks'));
    const lock = join(workspace, 'locks', 'coban.json');
    renameSync(join(workspace, 'examples', 'coban.ports-lock.json'), lock);
    expect((await synthWithNx(workspace)).fromCache).toBe(false);
    expect(providerJson(workspace)).toContain('"port": 10003');

    // as a merge from a branch that moved broker 301 would leave it
    writeFileSync(lock, readFileSync(lock, 'utf8').replace('"port": 10003', '"port": 10005'));
    const second = await synthWithNx(workspace);
    expect(second.fromCache).toBe(false);
    expect(providerJson(workspace)).toContain('"port": 10005');
    expect(providerJson(workspace)).not.toContain('"port": 10003');
  }, 180_000);

  it('writes the Terraform JSON that its outputs name even when the environment asks cdktf for HCL', async () => {
    process.env.SYNTH_HCL_OUTPUT = 'true';
    const run = await runNx(['run', 'app:synth', '--output-style=static', '--skip-nx-cache'], workspace);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(providerJson(workspace)).resource.aws_lb.nlb_s0.name).toBe('coban-nlb-s0');
  }, 180_000);

  it('GIVEN a synth WHEN cdktf.out is deleted THEN the next synth restores it from the cache, byte for byte', async () => {
    expect((await synthWithNx(workspace)).fromCache).toBe(false);
    const before = providerJson(workspace);
    rmSync(join(workspace, 'cdktf.out'), { recursive: true });
    expect((await synthWithNx(workspace)).fromCache).toBe(true);
    expect(providerJson(workspace)).toBe(before);
  }, 180_000);

  it('keeps a stack\'s .terraform.lock.hcl when it replays a synth from the cache', async () => {
    const lockHcl = join(workspace, 'cdktf.out', 'stacks', 'provider', '.terraform.lock.hcl');
    const spec = join(workspace, 'examples', 'coban.yaml');
    const original = readFileSync(spec, 'utf8');
    expect((await synthWithNx(workspace)).fromCache).toBe(false);
    writeFileSync(lockHcl, 'provider "registry.terraform.io/hashicorp/aws" {}\n');

    writeFileSync(spec, original.replace('cluster: coban', 'cluster: coban\n# a comment changes the key, not the stacks'));
    expect((await synthWithNx(workspace)).fromCache).toBe(false);
    writeFileSync(spec, original);
    expect((await synthWithNx(workspace)).fromCache).toBe(true);

    expect(readFileSync(lockHcl, 'utf8')).toBe('provider "registry.terraform.io/hashicorp/aws" {}\n');
  }, 300_000);

  it('prints the allocations not committed yet after the README\'s synth command in a terminal, where Nx hides the output of tasks that succeed, replayed or not', () => {
    const git = (...args: string[]) =>
      expect(spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: workspace }).status).toBe(0);
    git('init', '--quiet');
    writeFileSync(join(workspace, '.git', 'info', 'exclude'), 'node_modules\n');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'the example');
    const spec = join(workspace, 'examples', 'coban.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));
    const synthInTerminal = () => {
      // `script` gives Nx a terminal, as a developer's shell does; the Nx TUI is off so that the
      // screen output can be read back as lines
      const run = spawnSync('script', ['-qec', 'npx nx run-many -t synth', '/dev/null'], {
        cwd: workspace,
        // a test run with --skip-nx-cache passes it on as NX_SKIP_NX_CACHE; this run caches as a developer's does
        env: { ...process.env, NX_TUI: 'false', CHECKPOINT_DISABLE: '1', NX_SKIP_NX_CACHE: '' },
        encoding: 'utf8',
      });
      expect(run.status).toBe(0);
      // eslint-disable-next-line no-control-regex
      return run.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replaceAll('\r', '');
    };
    const summary = 'kafka-privatelink: port allocations not committed yet (commit the lockfiles):\nexamples/coban.ports-lock.json:\n  - broker 401: port 10004 on shard 0 (new)\n';

    expect(synthInTerminal()).toContain(summary);
    // a synth that wrote the lockfile is never cached; the next one is, and then replayed
    expect(synthInTerminal()).toContain(summary);
    const replay = synthInTerminal();
    expect(replay).toMatch(/app:synth.*cache/);
    expect(replay).toContain(summary);
    git('commit', '--quiet', '-am', 'add broker 401');
    expect(synthInTerminal()).not.toContain('kafka-privatelink: port allocations');
  }, 300_000);

  it('never replays a synth that wrote the lockfile, so output and lockfile agree', async () => {
    const spec = join(workspace, 'examples', 'coban.yaml');
    const lock = join(workspace, 'examples', 'coban.ports-lock.json');
    const lockBefore = readFileSync(lock, 'utf8');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));
    const first = await synthWithNx(workspace);
    expect(first.output).toContain('ports: broker 401: allocated port 10004 on shard 0');
    expect(first.output).toContain('ports: wrote examples/coban.ports-lock.json');

    // the author discards the lockfile change (git checkout) and synthesizes again
    writeFileSync(lock, lockBefore);
    const second = await synthWithNx(workspace);
    expect(second.fromCache).toBe(false);
    expect(readFileSync(lock, 'utf8')).toContain('"401": { "port": 10004, "shard": 0, "listener": "CLIENT" }');
    expect(providerJson(workspace)).toContain('"port": 10004');

    // with the lockfile up to date, synth writes nothing and is served from the cache
    const third = await synthWithNx(workspace);
    expect(third.fromCache).toBe(false);
    const fourth = await synthWithNx(workspace);
    expect(fourth.fromCache).toBe(true);
    expect(fourth.output).not.toContain('ports: wrote');
  }, 300_000);
});
