import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { floorAppSource, physicalFloorSource, terraformEntries } from '../src/floors';
import { outputDigest } from '../src/synth-output';

/** The example's synth output as shipped: a real output with every kind of block the app writes. */
const EXAMPLE_OUTPUT = join(REPO_ROOT, 'stacks', 'app', 'test', 'golden', 'coban');

describe('the floors made from a case\'s synth output', () => {
  let dir: string;
  beforeEach(() => {
    // inside the repository, so that the generated app resolves cdktf and the bindings
    mkdirSync(join(REPO_ROOT, '.gen'), { recursive: true });
    dir = mkdtempSync(join(REPO_ROOT, '.gen', 'bench-floors-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (script: string, out: string) => {
    const result = spawnSync(process.execPath, [script], { cwd: REPO_ROOT, env: { ...process.env, CDKTF_OUTDIR: out }, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  };

  it('floor-N, bundled as the app is, creates the same Terraform blocks with the same values', () => {
    // GIVEN floor-N's source made from the example's output, bundled by the app's bundler
    writeFileSync(join(dir, 'floor.ts'), floorAppSource(EXAMPLE_OUTPUT));
    const bundle = spawnSync(process.execPath, ['stacks/app/bundle.mjs', join(dir, 'floor.ts'), join(dir, 'floor.cjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(bundle.status).toBe(0);

    // WHEN it runs
    run(join(dir, 'floor.cjs'), join(dir, 'out'));

    // THEN every stack has the same providers, backend, resources, data sources and outputs
    expect(terraformEntries(join(dir, 'out'))).toEqual(terraformEntries(EXAMPLE_OUTPUT));
  }, 120_000);

  it('the physical floor writes the same bytes', () => {
    // GIVEN the physical floor made from the example's output
    writeFileSync(join(dir, 'physical.cjs'), physicalFloorSource(EXAMPLE_OUTPUT));

    // WHEN it runs
    run(join(dir, 'physical.cjs'), join(dir, 'out'));

    // THEN its output hashes as the example's
    expect(outputDigest(join(dir, 'out'))).toBe(outputDigest(EXAMPLE_OUTPUT));
  });
});
