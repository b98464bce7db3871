import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('a spec that uses every feature synthesizes to its golden bytes', () => {
  // SASL_SSL, IP targets, two shards, a cross-region consumer, the PrivateLink filtering, roles
  // to assume, an existing zone, an S3 backend: a change anywhere in the stacks shows here.
  const SPEC = join(GOLDEN, 'everything.yaml');
  const LOCK = join(GOLDEN, 'everything.ports-lock.json');

  it('writes exactly the golden files, byte for byte, with its committed lockfile frozen', () => {
    const dir = mkdtempSync(join(REPO_ROOT, '.golden-out-'));
    try {
      copyFileSync(SPEC, join(dir, 'everything.yaml'));
      const update = process.env['UPDATE_GOLDEN'] === '1';
      const out = join(dir, 'out');
      // a new feature spec gets its lockfile from a first synth; the golden is the frozen one
      if (update && !existsSync(LOCK)) expect(runApp(join(dir, 'everything.yaml'), join(dir, 'first'), {}).status).toBe(0);
      else copyFileSync(LOCK, join(dir, 'everything.ports-lock.json'));
      const result = runApp(join(dir, 'everything.yaml'), out, { KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      if (update) {
        copyFileSync(join(dir, 'everything.ports-lock.json'), LOCK);
        rmSync(join(GOLDEN, 'everything'), { recursive: true, force: true });
        cpSync(out, join(GOLDEN, 'everything'), { recursive: true });
        writeFileSync(join(GOLDEN, 'everything.stdout'), result.stdout);
      }
      expect(result.stdout).toBe(readFileSync(join(GOLDEN, 'everything.stdout'), 'utf8'));
      expect(tree(out)).toEqual(tree(join(GOLDEN, 'everything')));
      const stacks = Object.keys(tree(out)).filter((f) => f.endsWith('cdk.tf.json'));
      expect(stacks.sort()).toEqual(['stacks/acceptance/cdk.tf.json', 'stacks/consumer-analytics/cdk.tf.json', 'stacks/consumer-payments/cdk.tf.json', 'stacks/provider/cdk.tf.json']);
      const provider = JSON.parse(readFileSync(join(out, 'stacks', 'provider', 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, unknown>> };
      expect(Object.keys(provider.resource['aws_lb']!).sort()).toEqual(['nlb_s0', 'nlb_s1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
