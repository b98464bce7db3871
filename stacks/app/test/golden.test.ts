import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_SPEC_PATH, REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { runApp, tree } from './run-app';

/**
 * The example's synth output as it was shipped: every Terraform address, output name, port and
 * Ansible line that a deployed cluster depends on. A change to the stacks or the plan that moves
 * one byte of it fails here, so a redesign has to prove that it renders the same infrastructure.
 * A change that is meant rewrites it with UPDATE_GOLDEN=1, and its diff is reviewed like code.
 */
const GOLDEN = join(__dirname, 'golden');

describe('the example synthesizes to the shipped bytes', () => {
  it('writes exactly the golden files, byte for byte, and the same progress lines', () => {
    // GIVEN an output folder beside cdktf.out, at the same depth below the repository root: local
    // state paths are written relative to each stack's folder, so only this depth gives cdktf.out's bytes
    const out = mkdtempSync(join(REPO_ROOT, '.golden-out-'));
    try {
      // WHEN the app synthesizes the example, as cdktf runs it, without touching its lockfile
      const result = runApp(EXAMPLE_SPEC_PATH, out, { KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true' });

      // THEN every file is there with the same bytes, and nothing else is
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      if (process.env['UPDATE_GOLDEN'] === '1') {
        rmSync(join(GOLDEN, 'coban'), { recursive: true, force: true });
        cpSync(out, join(GOLDEN, 'coban'), { recursive: true });
        writeFileSync(join(GOLDEN, 'coban.stdout'), result.stdout);
      }
      expect(result.stdout).toBe(readFileSync(join(GOLDEN, 'coban.stdout'), 'utf8'));
      expect(tree(out)).toEqual(tree(join(GOLDEN, 'coban')));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
