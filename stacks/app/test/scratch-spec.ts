import { copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_SPEC_PATH } from '@kafka-privatelink/cluster-spec';

export const EXAMPLE_LOCK = EXAMPLE_SPEC_PATH.replace('.yaml', '.ports-lock.json');
export const BROKER_401 = 'brokers:\n  - id: 401\n    azId: apse1-az1\n    instanceId: i-0a1b2c3d4e5f60401\n    privateIp: 10.0.1.12\n';

/** A scratch copy of the example spec and its lockfile, so tests never touch the repository's. */
export function scratch(): { dir: string; spec: string; lock: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-app-'));
  copyFileSync(EXAMPLE_SPEC_PATH, join(dir, 'coban.yaml'));
  copyFileSync(EXAMPLE_LOCK, join(dir, 'coban.ports-lock.json'));
  return { dir, spec: join(dir, 'coban.yaml'), lock: join(dir, 'coban.ports-lock.json'), out: join(dir, 'out') };
}

/**
 * Every entry below `dir` as it is on disk, links as links (never followed) and folders too, so
 * that a comparison sees a replaced link, a removed folder or a left-over temporary file.
 */
export function everything(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (prefix: string) => {
    for (const name of readdirSync(join(dir, prefix)).sort()) {
      const path = prefix === '' ? name : `${prefix}/${name}`;
      const stats = lstatSync(join(dir, path));
      if (stats.isSymbolicLink()) found[path] = `link to ${readlinkSync(join(dir, path))}`;
      else if (stats.isDirectory()) {
        found[path] = 'folder';
        walk(path);
      } else found[path] = readFileSync(join(dir, path), 'utf8');
    }
  };
  walk('');
  return found;
}
