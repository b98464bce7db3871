import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { KafkaPrivateLinkError, SettingError } from '@kafka-privatelink/cluster-spec';

/** The setting that names the pull request's base for the frozen-lockfile check. */
export const BASE_REF_SETTING = 'KAFKA_PRIVATELINK_BASE_REF';

/** The name synth gives a lockfile unless the spec names its own: lockfiles are found by it. */
const LOCKFILE_SUFFIX = '.ports-lock.json';
const LOCKFILE_GLOB = `:(glob)**/*${LOCKFILE_SUFFIX}`;
const SPEC_GLOBS = [':(glob)**/*.yaml', ':(glob)**/*.yml'];
/** Folders whose files are installed or synthesized copies, never a cluster's own spec or lockfile. */
const GENERATED_FOLDERS = new Set(['node_modules', 'cdktf.out', '.gen', '.nx']);
const NO_BLOB = /^0+$/;

/** A committed version of a file: where it was, in which commit, and its text. */
export interface FileVersion {
  /** Path relative to the repository root, with `/`. */
  readonly path: string;
  readonly commit: string;
  readonly text: string;
}

/** What git knows about the lockfiles and specs of the repository that holds a spec. */
export interface RepositoryView {
  readonly root: string;
  /** The spec's path relative to the root. */
  readonly specPath: string;
  /** The lockfile path relative to the root, or undefined when the lockfile lies outside the repository. */
  readonly lockfilePath?: string;
  /** Every committed version of a lockfile (by name, and the spec's lockfile path) reachable from HEAD, newest first. */
  readonly history: readonly FileVersion[];
  /** The versions of the same lockfiles on local branches, in commits HEAD does not reach, newest first. */
  readonly otherBranches: readonly FileVersion[];
  /** The spec's lockfile as HEAD has it, if HEAD has it. */
  readonly headLockfile?: string;
  /** Lockfiles and YAML files of the working tree (tracked, or untracked and not ignored), relative to the root. */
  readonly workingFiles: readonly string[];
  /** The lockfiles of the base commit, when a base was asked for. */
  readonly base?: { readonly ref: string; readonly lockfiles: readonly FileVersion[] };
}

const MAX_OUTPUT = 1 << 30;

function git(root: string, args: readonly string[], input?: string): Buffer {
  return execFileSync('git', ['-C', root, ...args], { input, maxBuffer: MAX_OUTPUT, stdio: ['pipe', 'pipe', 'pipe'] });
}

const generated = (path: string) => path.split('/').some((part) => GENERATED_FOLDERS.has(part));

/** `git log --raw -z`: the blob each change left at each path, newest commit first. */
function changedBlobs(output: string): { path: string; commit: string; blob: string }[] {
  const tokens = output.split('\0');
  const found: { path: string; commit: string; blob: string }[] = [];
  let commit = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i].trim();
    if (/^[0-9a-f]{40,64}$/.test(token)) commit = token;
    else if (token.startsWith(':')) {
      const blob = token.split(' ')[3];
      const path = tokens[++i];
      if (blob !== undefined && !NO_BLOB.test(blob) && !generated(path)) found.push({ path, commit, blob });
    }
  }
  return found;
}

/** `git cat-file --batch` output, in the order asked; a missing object gives undefined. */
function batchContents(output: Buffer, count: number): (string | undefined)[] {
  const contents: (string | undefined)[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    const end = output.indexOf(0x0a, at);
    const header = output.subarray(at, end).toString('utf8');
    at = end + 1;
    const match = / blob (\d+)$/.exec(header);
    if (match === null) {
      contents.push(undefined);
      continue;
    }
    const size = Number(match[1]);
    contents.push(output.subarray(at, at + size).toString('utf8'));
    at += size + 1;
  }
  return contents;
}

/** The path with its folder's links resolved, as git reports the root (a temporary folder may be a link). */
function realPath(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/** The root and HEAD of the repository holding `folder`; undefined outside git (or without git). */
function locate(folder: string): { root: string; head?: string } | undefined {
  let lines: string[];
  try {
    lines = execFileSync('git', ['-C', folder, 'rev-parse', '--show-toplevel', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n');
  } catch (error) {
    const { code, stdout = '', stderr = '' } = error as { code?: string; stdout?: string; stderr?: string };
    // A repository without a commit yet: rev-parse prints the root, then fails on HEAD.
    if (stdout.trim() !== '') return { root: stdout.split('\n')[0] };
    if (code === 'ENOENT' || /not a git repository \(or any/.test(stderr)) return undefined;
    // Anything else (a checkout owned by another user, a .git that points nowhere) would silently drop the
    // history that keeps ports reserved.
    throw new KafkaPrivateLinkError(
      `git cannot read the repository that holds ${folder}, and synth reads the port lockfile's history with it: ${stderr.trim().split('\n')[0]}`,
    );
  }
  return { root: lines[0], head: lines[1] };
}

/**
 * Reads, with a fixed handful of git processes whatever the history's length, what the lockfile
 * checks need: the committed versions of every lockfile, the working tree's lockfiles and specs,
 * and, for a pull request, the base's lockfiles. Undefined outside a git repository, and for a
 * spec that git ignores or that lies in a generated folder: a scratch copy (a test's, the
 * emulator's) is not one of the repository's specs, and the repository's history is not its own.
 */
export function readRepository(
  specPath: string,
  lockfilePath: string,
  { baseRef, otherBranches }: { readonly baseRef?: string; readonly otherBranches: boolean },
): RepositoryView | undefined {
  const outside = (why: string) => {
    if (baseRef !== undefined) {
      throw new SettingError(BASE_REF_SETTING, `is ${JSON.stringify(baseRef)}, but ${specPath} ${why}, so there is no base to compare with; unset it`);
    }
    return undefined;
  };
  const where = locate(dirname(specPath));
  if (where === undefined) return outside('is not in a git repository');
  const { root, head } = where;
  const inRoot = (path: string) => {
    const inRepo = relative(root, realPath(path));
    return inRepo.startsWith('..') || isAbsolute(inRepo) ? undefined : inRepo.split(sep).join('/');
  };
  const ownPath = inRoot(lockfilePath);
  const specFile = inRoot(specPath);
  const pathspecs = [LOCKFILE_GLOB, ...(ownPath === undefined ? [] : [`:(literal)${ownPath}`])];

  const workingFiles = git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...pathspecs, ...SPEC_GLOBS, ...(specFile === undefined ? [] : [`:(literal)${specFile}`])])
    .toString('utf8')
    .split('\0')
    .filter((path) => path !== '' && !generated(path));
  if (specFile === undefined || !workingFiles.includes(specFile)) return outside('is ignored by git or lies in a generated folder');

  const log = (...revisions: string[]) =>
    changedBlobs(
      git(root, ['log', '-m', '--full-history', '--no-renames', '--raw', '-z', '--no-abbrev', '--format=%x00%H', ...revisions, '--', ...pathspecs]).toString('utf8'),
    );
  const reachable = head === undefined ? [] : log('HEAD');
  const elsewhere = head === undefined || !otherBranches ? [] : log('--branches', '--not', 'HEAD');
  const changes = [...reachable, ...elsewhere];

  let baseFiles: { path: string; blob: string }[] = [];
  if (baseRef !== undefined) {
    try {
      // ls-tree takes no pathspec magic: the tree is listed whole and filtered here.
      baseFiles = git(root, ['ls-tree', '-r', '-z', '--full-tree', baseRef])
        .toString('utf8')
        .split('\0')
        .filter((line) => line !== '')
        .map((line) => ({ blob: line.split(/\s/)[2], path: line.slice(line.indexOf('\t') + 1) }))
        .filter(({ path }) => (path.endsWith(LOCKFILE_SUFFIX) || path === ownPath) && !generated(path));
    } catch {
      throw new SettingError(
        BASE_REF_SETTING,
        `${JSON.stringify(baseRef)} is not a commit of the repository at ${root}; give the base branch, tag or commit as this checkout has it (fetch it, e.g. with fetch-depth 0)`,
      );
    }
  }

  const asked = [
    ...changes.map((c) => c.blob),
    ...baseFiles.map((f) => f.blob),
    ...(head !== undefined && ownPath !== undefined ? [`HEAD:${ownPath}`] : []),
  ];
  const contents = asked.length === 0 ? [] : batchContents(git(root, ['cat-file', '--batch'], asked.map((a) => `${a}\n`).join('')), asked.length);
  const text = (index: number) => contents[index] ?? '';
  return {
    root,
    specPath: specFile,
    ...(ownPath === undefined ? {} : { lockfilePath: ownPath }),
    history: reachable.map((c, i) => ({ path: c.path, commit: c.commit, text: text(i) })),
    otherBranches: elsewhere.map((c, i) => ({ path: c.path, commit: c.commit, text: text(reachable.length + i) })),
    ...(head !== undefined && ownPath !== undefined && contents[asked.length - 1] !== undefined ? { headLockfile: contents[asked.length - 1] } : {}),
    workingFiles,
    ...(baseRef === undefined
      ? {}
      : { base: { ref: baseRef, lockfiles: baseFiles.map((f, i) => ({ path: f.path, commit: baseRef, text: text(changes.length + i) })) } }),
  };
}

/** A working-tree path of the view as an absolute path. */
export const absolutePath = (view: RepositoryView, path: string): string => join(view.root, ...path.split('/'));
