import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNx } from '@kafka-privatelink/bench';
import { EXAMPLE_SPEC_PATH, REPO_ROOT } from '@kafka-privatelink/cluster-spec';

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

  it('diffs the provider with its saved synth and without the state lock, which a read-only role cannot take', async () => {
    const run = await runNx(['show', 'project', 'provider', '--json'], REPO_ROOT);
    const diff = (JSON.parse(run.output) as { targets: Record<string, { options: { command: string; env?: Record<string, string> } }> }).targets['diff'];
    expect(diff.options.command).toBe('cdktf diff provider --skip-synth --skip-provider-lock');
    expect(diff.options.env).toMatchObject({ TF_CLI_ARGS_plan: '-lock=false', CHECKPOINT_DISABLE: '1' });
  }, 60_000);

  it('applies a saved plan without synthesizing, which would replace the plan that was reviewed', async () => {
    expect(await taskGraph('provider:apply')).toEqual({ 'provider:apply': [] });
    expect(await taskGraph('consumer:apply:acceptance')).toEqual({ 'consumer:apply': [] });
  }, 60_000);
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
