import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { BIG_CASE, BIG_CASE_SHA256, BIG_CASE_SHA256_FILE } from '../src/report';
import { writeGeneratedSpec } from '../src/run-cases';
import { outputDigest } from '../src/synth-output';

/**
 * The bench's largest case must synthesize to the reference bytes, so that a change made for speed
 * proves it changed nothing. `UPDATE_GOLDEN=1` writes the new reference instead, for a change that
 * means to change what synth writes.
 */
describe(`the ${BIG_CASE.brokers}×${BIG_CASE.consumers} case synthesizes to the reference bytes`, () => {
  it('hashes to the sha256 in golden/1000x10.sha256', () => {
    // GIVEN the generated spec the bench writes for the case, in a scratch folder
    const dir = mkdtempSync(join(tmpdir(), 'bench-big-case-'));
    try {
      const specPath = join(dir, 'bench.yaml');
      writeGeneratedSpec(specPath, BIG_CASE);

      // WHEN the app synthesizes it, as cdktf runs it
      const out = join(dir, 'out');
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'stacks/app/src/main.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, KAFKA_PRIVATELINK_SPEC: specPath, CDKTF_OUTDIR: out },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);

      // THEN the output hashes to the reference (which UPDATE_GOLDEN=1 rewrites)
      const digest = outputDigest(out);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(BIG_CASE_SHA256_FILE, `${digest}\n`);
      else expect(digest).toBe(BIG_CASE_SHA256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
