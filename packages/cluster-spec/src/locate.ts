import { dirname, join, resolve } from 'node:path';
import { KafkaPrivateLinkError } from './errors';

/** The repository root (this file is packages/cluster-spec/src/locate.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export const SPEC_JSON_SCHEMA_PATH = join(REPO_ROOT, 'packages', 'cluster-spec', 'cluster-spec.schema.json');

export const EXAMPLE_SPEC_PATH = join(REPO_ROOT, 'examples', 'coban.yaml');

/** The setting that chooses the spec file. */
export const SPEC_SETTING = 'KAFKA_PRIVATELINK_SPEC';

/** The spec chosen by KAFKA_PRIVATELINK_SPEC in `env` (relative to the working directory), else the example; only the apps pass the process environment. */
export function specPathFromEnv(env: NodeJS.ProcessEnv): string {
  const chosen = env[SPEC_SETTING];
  return chosen ? resolve(chosen) : EXAMPLE_SPEC_PATH;
}

/** `<spec name>.ports-lock.json` beside the spec, unless the spec names its lockfile. */
export function lockfilePathFor(specPath: string, lockfile?: string): string {
  if (lockfile) return resolve(dirname(specPath), lockfile);
  const base = specPath.replace(/\.(ya?ml)$/i, '');
  return `${base}.ports-lock.json`;
}


/**
 * A setting (an environment variable, a spec field that names a path, the output folder) whose
 * value cannot be used. The message starts with the setting, as the user wrote it.
 */
export class SettingError extends KafkaPrivateLinkError {
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`${setting}: ${detail}`);
  }
}

const FILE_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'has a part that is a file, not a folder',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be written: the disk is full',
  EEXIST: 'is in the way: a file or folder of that name exists',
  ENOTEMPTY: 'is in the way: a folder of that name is not empty',
};

/** A file-system error as one line: the path and what is wrong with it, without a stack trace. */
export function fileProblem(setting: string, path: string, error: unknown, { creating = false } = {}): SettingError {
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const problem =
    creating && code === 'ENOENT' ? 'cannot be created: a folder on its way does not exist and cannot be made' : FILE_ERRORS[code];
  return new SettingError(setting, `${path} ${problem ?? `cannot be used (${code || (error as Error).message})`}`);
}

const TRUE_WORDS = ['1', 'true', 'yes'];
const FALSE_WORDS = ['', '0', 'false', 'no'];

/** A yes/no environment setting; a value that is neither is an error, never silently "no". */
export function booleanSetting(name: string, env: NodeJS.ProcessEnv): boolean {
  const value = (env[name] ?? '').trim().toLowerCase();
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  throw new SettingError(
    name,
    `${JSON.stringify(env[name])} is not a yes/no value; accepted: ${TRUE_WORDS.join(', ')} (on); ${FALSE_WORDS.filter(Boolean).join(', ')} or unset (off)`,
  );
}
