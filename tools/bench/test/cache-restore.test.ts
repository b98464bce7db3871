import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { differences, removeSynthOutputs, synthOutputs, terraformLockFiles } from '../src/cache-restore';

describe('the synth outputs a cache hit must restore', () => {
  let outdir: string;
  const write = (path: string, content = path) => {
    mkdirSync(dirname(join(outdir, path)), { recursive: true });
    writeFileSync(join(outdir, path), content);
  };
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'bench-restore-'));
    for (const path of ['manifest.json', 'topology.md', 'stacks/provider/cdk.tf.json', 'stacks/provider/.terraform.lock.hcl', 'stacks/provider/.terraform/plugin', 'ansible/host_vars/broker-101.yml', 'ansible/inventory.yml', 'doctor/kios.json']) {
      write(path);
    }
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  it('are the synth targets\' outputs, without what terraform init left', () => {
    expect(Object.keys(synthOutputs(outdir))).toEqual(['ansible/host_vars/broker-101.yml', 'ansible/inventory.yml', 'doctor/kios.json', 'manifest.json', 'stacks/provider/cdk.tf.json', 'topology.md']);
    expect(terraformLockFiles(outdir)).toEqual({ 'stacks/provider/.terraform.lock.hcl': 'stacks/provider/.terraform.lock.hcl' });
  });

  it('are removed alone, so that Terraform\'s files stay for the restore to keep', () => {
    removeSynthOutputs(outdir);

    expect(synthOutputs(outdir)).toEqual({});
    expect(existsSync(join(outdir, 'stacks', 'provider', '.terraform', 'plugin'))).toBe(true);
    expect(Object.keys(terraformLockFiles(outdir))).toEqual(['stacks/provider/.terraform.lock.hcl']);
  });

  it('are compared file by file: missing, unexpected or other bytes', () => {
    const before = synthOutputs(outdir);
    rmSync(join(outdir, 'topology.md'));
    write('manifest.json', '{}');
    write('ansible/extra.yml');

    expect(differences(before, synthOutputs(outdir))).toEqual(['ansible/extra.yml unexpected', 'manifest.json differs', 'topology.md missing']);
    expect(differences(before, before)).toEqual([]);
  });
});
