import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

/** Runs the cdktf app as cdktf does, in its own process, on a spec into an output folder. */
export function runApp(spec: string, out: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'stacks/app/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, KAFKA_PRIVATELINK_SPEC: spec, CDKTF_OUTDIR: out, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Every file of a folder with its bytes, keyed by relative path. */
export function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}
