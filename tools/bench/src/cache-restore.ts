import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Files by path relative to a folder, with their bytes. */
export type Files = Readonly<Record<string, string>>;

/** Every file below `dir`, as a path relative to `root`. */
export const listFiles = (root: string, dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
      })
    : [];

/**
 * The files Nx stores for a synth (the outputs of the synth targets) in an output folder, as
 * paths relative to it, sorted: what synth writes, never what `terraform init` left beside it
 * (`.terraform/` holds provider binaries of hundreds of MB).
 */
export function synthOutputPaths(outdir: string): string[] {
  const stacks = join(outdir, 'stacks');
  return [
    ...['.kafka-privatelink-output', 'manifest.json', 'topology.md'].filter((file) => existsSync(join(outdir, file))),
    ...(existsSync(stacks) ? readdirSync(stacks).map((stack) => join('stacks', stack, 'cdk.tf.json')).filter((file) => existsSync(join(outdir, file))) : []),
    ...listFiles(outdir, join(outdir, 'ansible')),
    ...listFiles(outdir, join(outdir, 'doctor')),
  ].sort();
}

/** synthOutputPaths with their bytes: what a cache hit must put back. */
export function synthOutputs(outdir: string): Files {
  return Object.fromEntries(synthOutputPaths(outdir).map((path) => [path, readFileSync(join(outdir, path), 'utf8')]));
}

/** Each stack's `.terraform.lock.hcl`, which no synth may lose or change. */
export function terraformLockFiles(outdir: string): Files {
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return {};
  const paths = readdirSync(stacks)
    .map((stack) => join('stacks', stack, '.terraform.lock.hcl'))
    .filter((file) => existsSync(join(outdir, file)));
  return Object.fromEntries(paths.sort().map((path) => [path, readFileSync(join(outdir, path), 'utf8')]));
}

/** Removes what synthOutputs lists, nothing else: `.terraform/` and the lock files stay. */
export function removeSynthOutputs(outdir: string): void {
  for (const path of synthOutputPaths(outdir)) rmSync(join(outdir, path));
  for (const folder of ['ansible', 'doctor']) rmSync(join(outdir, folder), { recursive: true, force: true });
}

/** Every path that is missing, extra or has other bytes in `actual`, sorted. */
export function differences(expected: Files, actual: Files): string[] {
  const paths = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return paths.flatMap((path) => {
    if (!(path in actual)) return [`${path} missing`];
    if (!(path in expected)) return [`${path} unexpected`];
    return expected[path] === actual[path] ? [] : [`${path} differs`];
  });
}
