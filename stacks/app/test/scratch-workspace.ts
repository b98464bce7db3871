import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

/**
 * A copy of the workspace's files (not its output, not its Nx cache) with the installed
 * node_modules linked in: real `nx` runs there cannot disturb the repository's cache or output.
 */
export function scratchWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-nx-'));
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter((f) => f !== '' && !f.startsWith('cdktf.out/'));
  for (const file of files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    try {
      writeFileSync(target, readFileSync(join(REPO_ROOT, file)));
    } catch {
      // deleted in the working tree but not yet in git
    }
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

