import { spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

const SCRIPT = join(REPO_ROOT, 'tools', 'emulator', 'provision.sh');

describe('provision.sh --terraform-only', () => {
  const cache = mkdtempSync(join(tmpdir(), 'kpl-provision-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const provide = (path: string) =>
    spawnSync('bash', [SCRIPT, '--terraform-only'], { env: { ...process.env, XDG_CACHE_HOME: cache, PATH: path }, encoding: 'utf8' });

  it('links the real binary again when its own link is first on PATH, as npm test puts it', () => {
    // GIVEN Terraform provided once, and its link put first on PATH
    const first = provide(process.env.PATH!);
    expect(first.stderr).toContain('provision: terraform');
    expect(first.status).toBe(0);
    const link = first.stdout.trim();
    expect(link).toBe(join(cache, 'kafka-privatelink', 'bin', 'terraform'));

    // WHEN it is provided again with that PATH
    const again = provide(`${dirname(link)}${delimiter}${process.env.PATH!}`);

    // THEN the link still names a real binary, not itself, and runs
    expect(again.status).toBe(0);
    expect(readlinkSync(link)).not.toBe(link);
    const version = spawnSync(link, ['version', '-json'], { encoding: 'utf8' });
    expect(version.error).toBeUndefined();
    expect(JSON.parse(version.stdout).terraform_version).toMatch(/^1\.\d+\.\d+$/);
  }, 120_000);
});
