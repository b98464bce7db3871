import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNx } from '@kafka-privatelink/bench';
import { EXAMPLE_SPEC_PATH, REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { scratchWorkspace } from './scratch-workspace';

interface TaskGraph {
  readonly tasks: { readonly dependencies: Record<string, string[]> };
}

/** The task graph Nx would run for `nx run <task>`, as `nx run <task> --graph=<file>` writes it, without running anything. */
async function taskGraph(task: string): Promise<Record<string, string[]>> {
  const file = join(mkdtempSync(join(tmpdir(), 'kpl-graph-')), 'graph.json');
  const run = await runNx(['run', task, `--graph=${file}`], REPO_ROOT);
  expect(run.exitCode).toBe(0);
  return (JSON.parse(readFileSync(file, 'utf8')) as TaskGraph).tasks.dependencies;
}

describe('the deploy path in the real Nx task graph', () => {
  it('deploys the consumers without deploying the provider again, after one synth', async () => {
    expect(await taskGraph('consumer:deploy')).toEqual({ 'consumer:deploy': ['app:synth'], 'app:synth': ['app:bundle'], 'app:bundle': [] });
  }, 60_000);

  it('diffs each side from the synth that Nx makes, so cdktf never synthesizes again', async () => {
    expect((await taskGraph('provider:diff'))['provider:diff']).toEqual(['app:synth']);
    expect((await taskGraph('consumer:diff'))['consumer:diff']).toEqual(['app:synth']);
  }, 60_000);

  it('diffs, applies and deploys the provider and the consumers through the one deploy script, which diffs without the state lock and asks before a deploy', async () => {
    const commandsOf = async (project: string) => {
      const run = await runNx(['show', 'project', project, '--json'], REPO_ROOT);
      const { targets } = JSON.parse(run.output) as { targets: Record<string, { options: { commands: string[] }; configurations?: Record<string, { commands: string[] }> }> };
      return Object.fromEntries(['diff', 'apply', 'deploy'].map((action) => [action, { commands: targets[action].options.commands, configurations: targets[action].configurations ?? {} }]));
    };
    const script = 'node --import tsx stacks/app/cdktf-stacks.mjs';
    expect(await commandsOf('provider')).toEqual({
      diff: { commands: [`${script} diff --provider`], configurations: {} },
      apply: { commands: [`${script} apply --provider`], configurations: {} },
      deploy: { commands: [`${script} deploy --provider`], configurations: {} },
    });
    const sides = (action: string) => ({ consumers: { commands: [`${script} ${action}`] }, acceptance: { commands: [`${script} ${action} --acceptance`] } });
    expect(await commandsOf('consumer')).toEqual({
      diff: { commands: [`${script} diff`], configurations: sides('diff') },
      apply: { commands: [`${script} apply`], configurations: sides('apply') },
      deploy: { commands: [`${script} deploy`], configurations: {} },
    });
  }, 60_000);

  it('leaves the provider and consumer packages their build, test and lint: every deploy target comes from the app', () => {
    for (const name of ['provider', 'consumer']) {
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'stacks', name, 'package.json'), 'utf8')) as { scripts: Record<string, string>; nx: { targets?: Record<string, unknown> } };
      expect(Object.keys(pkg.scripts).sort()).toEqual(['build', 'lint', 'test', 'typecheck']);
      expect(pkg.nx.targets ?? {}).toEqual({});
    }
  });

  it('applies a saved plan without synthesizing, which would replace the plan that was reviewed', async () => {
    expect(await taskGraph('provider:apply')).toEqual({ 'provider:apply': [] });
    expect(await taskGraph('consumer:apply:acceptance')).toEqual({ 'consumer:apply': [] });
  }, 60_000);
});

describe('deploys through real nx runs', () => {
  let workspace: string;
  const saved = { ...process.env };
  beforeAll(() => {
    workspace = scratchWorkspace();
    Object.assign(process.env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', KAFKA_PRIVATELINK_SPEC: join(workspace, 'examples', 'coban.yaml'), CI: '', JENKINS_URL: '', KAFKA_PRIVATELINK_AUTO_APPROVE: '' });
  });
  afterAll(() => {
    process.env = { ...saved };
    rmSync(workspace, { recursive: true, force: true });
  });

  it.each(['provider:deploy', 'consumer:deploy'])('refuses %s without a terminal and without KAFKA_PRIVATELINK_AUTO_APPROVE, before cdktf runs', async (task) => {
    const run = await runNx(['run', task, '--output-style=static'], workspace);
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('cdktf-stacks: deploy shows each plan and asks before it applies it, and there is no terminal to ask in');
    expect(run.output).not.toContain('cdktf-stacks: cdktf deploy');
  }, 180_000);

  it('refuses provider:apply in CI when the spec keeps the state in a local file, naming the spec field backend', async () => {
    process.env.CI = 'true';
    try {
      const run = await runNx(['run', 'provider:apply', '--output-style=static'], workspace);
      expect(run.exitCode).toBe(1);
      expect(run.output).toContain("cdktf-stacks: stack provider keeps its Terraform state in a local file (the spec's backend is type local), which only this workspace sees, and CI=true");
    } finally {
      process.env.CI = '';
    }
  }, 180_000);
});

describe('exit codes of the README\'s synth command', () => {
  it('fails with 1, not 130 (interrupted), when the spec is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpl-exit-'));
    const spec = join(dir, 'coban.yaml');
    writeFileSync(spec, readFileSync(EXAMPLE_SPEC_PATH, 'utf8').replace('id: 201', 'id: 101'));
    const saved = process.env.KAFKA_PRIVATELINK_SPEC;
    process.env.KAFKA_PRIVATELINK_SPEC = spec;
    try {
      const run = await runNx(['run-many', '-t', 'synth', '--output-style=static'], REPO_ROOT);
      expect(run.output).toContain('brokers[1].id: broker id 101 is already used by brokers[0]');
      expect(run.exitCode).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.KAFKA_PRIVATELINK_SPEC;
      else process.env.KAFKA_PRIVATELINK_SPEC = saved;
    }
  }, 120_000);
});
