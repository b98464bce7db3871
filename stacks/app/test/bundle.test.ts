import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EXAMPLE_SPEC_PATH, REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { runApp, tree } from './run-app';

const QUOTA_WARNING = 'kafka-privatelink: warning: consumer-kios: consumer kios, shard 0: 61 inbound rules (1 port ranges × 61 client sources) exceed the default quota of 60';

describe('the bundled app that the Nx synth targets run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-bundle-'));
  // outside the repository, as a bundle Nx restores into another checkout is elsewhere too
  const bundle = join(dir, 'bundle', 'main.cjs');
  const spec = join(dir, 'coban.yaml');
  const runBundle = (out: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [bundle], { cwd: REPO_ROOT, env: { ...process.env, KAFKA_PRIVATELINK_SPEC: spec, CDKTF_OUTDIR: out, ...env }, encoding: 'utf8' });

  beforeAll(() => {
    copyFileSync(EXAMPLE_SPEC_PATH, spec);
    copyFileSync(EXAMPLE_SPEC_PATH.replace('.yaml', '.ports-lock.json'), join(dir, 'coban.ports-lock.json'));
    const built = spawnSync(process.execPath, ['stacks/app/bundle.mjs', 'stacks/app/src/main.ts', bundle], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
  }, 60_000);

  it('writes the same bytes as the app run from its sources, state paths relative to the repository included', () => {
    const fromSources = runApp(spec, join(dir, 'sources'));
    const bundled = runBundle(join(dir, 'bundled'));

    expect(fromSources.status).toBe(0);
    expect(bundled.status).toBe(0);
    expect(tree(join(dir, 'bundled'))).toEqual(tree(join(dir, 'sources')));
    // the local state sits in the checkout, wherever the bundle and the checkout are
    const state = relative(join(dir, 'bundled', 'stacks', 'provider'), join(REPO_ROOT, 'terraform-state', 'coban', 'provider.tfstate'));
    expect(readFileSync(join(dir, 'bundled', 'stacks', 'provider', 'cdk.tf.json'), 'utf8')).toContain(`"path": "${state}"`);
  }, 60_000);

  it('prints the warnings the stacks recorded, which cdktf\'s CLI would have printed, and only once under the CLI', () => {
    const original = readFileSync(spec, 'utf8');
    try {
      const cidrs = Array.from({ length: 61 }, (_, i) => `      - 10.${100 + i}.0.0/16\n`).join('');
      writeFileSync(
        spec,
        original
          .replace('enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: true', 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false')
          .replace('    allowedCidrs:\n      - 10.20.0.0/16\n', `    allowedCidrs:\n${cidrs}`),
      );

      const direct = runBundle(join(dir, 'quota'));
      const underCli = runBundle(join(dir, 'quota-cli'), { CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' });

      expect(direct.status).toBe(0);
      expect(direct.stdout).toContain(QUOTA_WARNING);
      expect(underCli.status).toBe(0);
      expect(underCli.stdout).not.toContain('61 inbound rules');
    } finally {
      writeFileSync(spec, original);
    }
  }, 60_000);
});
