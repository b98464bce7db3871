import { dirname, join, resolve } from 'node:path';

/** The repository root (this file is packages/spec/src/locate.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export const SPEC_JSON_SCHEMA_PATH = join(REPO_ROOT, 'packages', 'spec', 'cluster-spec.schema.json');

export const EXAMPLE_SPEC_PATH = join(REPO_ROOT, 'examples', 'coban.yaml');

/** The spec chosen by KAFKA_PRIVATELINK_SPEC (relative to the working directory), else the example. */
export function specPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.KAFKA_PRIVATELINK_SPEC;
  return chosen ? resolve(chosen) : EXAMPLE_SPEC_PATH;
}

/** `<spec name>.ports-lock.json` beside the spec, unless the spec names its lockfile. */
export function lockfilePathFor(specPath: string, lockfile?: string): string {
  if (lockfile) return resolve(dirname(specPath), lockfile);
  const base = specPath.replace(/\.(ya?ml)$/i, '');
  return `${base}.ports-lock.json`;
}

