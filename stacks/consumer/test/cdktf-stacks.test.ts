import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleSpec, planOf, SpecDoc, synthesize } from './fixtures';

const SCRIPT = join(__dirname, '..', 'scripts', 'cdktf-stacks.mjs');

/** Synthesizes the spec into a scratch folder and runs the script over it without running cdktf. */
function dryRun(spec: SpecDoc, action: string) {
  const { app } = synthesize(planOf(spec).plan);
  app.synth();
  const result = spawnSync(process.execPath, [SCRIPT, action, '--output', app.outdir, '--dry-run'], { encoding: 'utf8' });
  const commands = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('cdktf-stacks: cdktf '))
    .map((line) => line.slice('cdktf-stacks: cdktf '.length).replace(app.outdir, '<out>'));
  return { status: result.status, commands };
}

function twoConsumers(): SpecDoc {
  const spec = exampleSpec();
  spec.consumers.push({ ...spec.consumers[0], name: 'grabpay', account: '444444444444', vpcId: 'vpc-0d1b2c3d4e5f60001' });
  return spec;
}

describe('cdktf-stacks script (Nx consumer:diff and consumer:deploy)', () => {
  it('GIVEN two consumers WHEN diff THEN each consumer stack is diffed on its own from the existing synth', () => {
    expect(dryRun(twoConsumers(), 'diff')).toEqual({
      status: 0,
      commands: ['diff consumer-grabpay --output <out> --skip-synth --skip-provider-lock', 'diff consumer-kios --output <out> --skip-synth --skip-provider-lock'],
    });
  });

  it('GIVEN acceptance required WHEN deploy THEN all consumers deploy first, then the acceptance stack', () => {
    const flags = '--output <out> --skip-synth --skip-provider-lock --auto-approve --ignore-missing-stack-dependencies';
    expect(dryRun(twoConsumers(), 'deploy')).toEqual({
      status: 0,
      commands: [`deploy consumer-* ${flags}`, `deploy acceptance ${flags}`],
    });
  });

  it('GIVEN acceptance not required WHEN deploy THEN only the consumer stacks deploy', () => {
    const spec = exampleSpec();
    spec.provider.acceptanceRequired = false;
    expect(dryRun(spec, 'deploy').commands).toEqual(['deploy consumer-* --output <out> --skip-synth --skip-provider-lock --auto-approve --ignore-missing-stack-dependencies']);
  });

  it('fails when nothing was synthesized', () => {
    const empty = mkdtempSync(join(tmpdir(), 'kpl-empty-'));
    const result = spawnSync(process.execPath, [SCRIPT, 'diff', '--output', empty], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('manifest.json does not exist: synthesize first');
  });

  it('fails when the action is unknown', () => {
    const result = spawnSync(process.execPath, [SCRIPT, 'destroy'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: cdktf-stacks.mjs diff|deploy');
  });
});
