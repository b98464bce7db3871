import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { SettingError } from '@kafka-privatelink/cluster-spec';

/** How the user chooses the output folder: cdktf passes `--output` to the app as CDKTF_OUTDIR. */
export const OUTDIR_SETTING = 'CDKTF_OUTDIR (cdktf synth --output)';

/**
 * The file that tells a folder synth wrote from any other folder: synth replaces the files it
 * writes only in a folder that holds it (or in an empty one, or in an output of a version that
 * wrote no marker and that holds nothing but what synth writes).
 */
export const OUTPUT_MARKER = '.kafka-privatelink-output';
export const OUTPUT_MARKER_TEXT = 'This folder is a kafka-privatelink synth output: a synth replaces the files it writes here and keeps every other file.\n';

/**
 * Where a synth builds the new output and records its swap, inside the output folder: it is then
 * on the output's file system (renames are atomic), and whatever a killed synth leaves there is
 * out of git's sight and cleared by the next synth.
 */
export const WORK_DIR = '.kafka-privatelink-synth';

/** What `terraform init`, `plan` and cdktf's `diff` leave in a stack's folder: synth keeps them. */
const TERRAFORM_FILES = new Set(['.terraform', '.terraform.lock.hcl', 'plan']);

/** What cdktf writes in a stack's folder (`cdk.tf` and `metadata.json` for `--hcl`, `assets/` for assets). */
const STACK_FILES = new Set(['cdk.tf.json', 'cdk.tf', 'metadata.json']);

/** A path that synth writes (and so replaces or removes), relative to the output folder with `/`. */
export function isSynthFile(path: string): boolean {
  const parts = path.split('/');
  if (parts.length === 1) return parts[0] === 'manifest.json' || parts[0] === 'topology.md';
  if (parts[0] === 'ansible') return path === 'ansible/inventory.yml' || (parts.length === 3 && parts[1] === 'host_vars' && parts[2].endsWith('.yml'));
  if (parts[0] === 'doctor') return parts.length === 2 && parts[1].endsWith('.json');
  if (parts[0] !== 'stacks' || parts.length < 3) return false;
  return (parts.length === 3 && STACK_FILES.has(parts[2])) || parts[2] === 'assets';
}

/** A folder synth writes into; it must be a plain folder, never a link out of the output. */
function isSynthFolder(path: string): boolean {
  const parts = path.split('/');
  return path === 'stacks' || path === 'ansible' || path === 'ansible/host_vars' || path === 'doctor' || (parts[0] === 'stacks' && parts.length === 2);
}

/** A stack folder entry that Terraform or cdktf's CLI made. */
const isTerraformFile = (path: string): boolean => {
  const parts = path.split('/');
  return parts[0] === 'stacks' && parts.length >= 3 && TERRAFORM_FILES.has(parts[2]);
};

/** The path with every link on its way resolved, also where its last parts do not exist yet. */
export function realPath(path: string): string {
  let existing = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(existing), ...rest);
    } catch {
      if (dirname(existing) === existing) return join(existing, ...rest);
      rest.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
}

/** Where a write to `path` must go so that a link there stays a link: the end of its chain of links. */
export function linkTarget(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let stats: Stats;
    try {
      stats = lstatSync(current);
    } catch {
      return realPath(current);
    }
    if (!stats.isSymbolicLink()) return realPath(current);
    current = resolve(dirname(current), readlinkSync(current));
  }
  return realPath(current);
}

const isInside = (path: string, folder: string): boolean => {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/** A file or folder that an output folder must never be, hold or lie above. */
export interface GuardedPath {
  /** What it is, for the message: `the cluster spec`. */
  readonly what: string;
  readonly path: string;
}

export interface OutputFolder {
  /** The folder as the user named it (resolved), for messages. */
  readonly given: string;
  /** The folder with every link resolved: where synth writes. */
  readonly real: string;
  /** The folder does not exist yet. */
  readonly missing: boolean;
  /** The folder holds the marker. */
  readonly marked: boolean;
}

/** Every entry below `folder` (relative, with `/`), not descending into Terraform's and synth's own folders. */
export function entries(folder: string, prefix = ''): Array<{ path: string; stats: Stats }> {
  const found: Array<{ path: string; stats: Stats }> = [];
  for (const name of readdirSync(join(folder, prefix)).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const stats = lstatSync(join(folder, path));
    found.push({ path, stats });
    if (stats.isDirectory() && path !== WORK_DIR && !isTerraformFile(path)) found.push(...entries(folder, path));
  }
  return found;
}

/** cdktf's manifest: what the previous version's output always held. */
function isCdktfManifest(path: string): boolean {
  try {
    const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof manifest === 'object' && manifest !== null && 'stacks' in manifest && 'version' in manifest;
  } catch {
    return false;
  }
}

/**
 * What an output of the version that wrote no marker holds at its first level, and the doctor
 * descriptions, so that an output of this version whose marker was lost is taken over as well.
 */
const TOP_LEVEL = new Set(['manifest.json', 'stacks', 'ansible', 'topology.md', 'doctor']);
const EMPTY_OR_OURS = 'synth writes into an empty folder or into one it wrote before: choose another folder, or empty this one';

const list = (paths: readonly string[]): string =>
  paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');

/**
 * Checks that synth may write into the output folder: that it replaces there only what an earlier
 * synth wrote. Refuses a folder that is, holds or lies above a guarded path (the spec, the
 * lockfile, the local state directory), a git repository, a folder inside node_modules or .git, a
 * folder holding anything that synth would replace but did not write (a link on its way
 * included), and a non-empty folder that is no synth output. Reads only.
 */
export function checkOutputFolder(outdir: string, guarded: readonly GuardedPath[]): OutputFolder {
  const given = resolve(outdir);
  const refuse = (detail: string) => new SettingError(OUTDIR_SETTING, `${given} ${detail}`);
  let top: Stats | undefined;
  try {
    top = lstatSync(given);
  } catch {
    top = undefined;
  }
  const real = realPath(given);
  if (top?.isSymbolicLink() && !existsSync(real)) throw refuse(`is a link to ${real}, which does not exist`);
  if (existsSync(real) && !lstatSync(real).isDirectory()) throw refuse('is a file, not a folder');
  const shown = real === given ? '' : ` (a link to ${real})`;
  for (const { what, path } of guarded) {
    const target = realPath(path);
    if (target === real) throw refuse(`is ${what}${shown}; synth replaces what its output folder holds: choose a folder of its own (the default is cdktf.out)`);
    if (isInside(target, real)) {
      throw refuse(`holds ${what} ${path}${shown}; synth replaces what its output folder holds: choose a folder that holds none of the spec, the lockfile and the state (the default is cdktf.out)`);
    }
  }
  const segments = real.split(sep);
  for (const owner of ['node_modules', '.git']) {
    if (segments.includes(owner)) throw refuse(`is inside ${owner}${shown}, which ${owner === '.git' ? 'git owns' : 'npm ci replaces as a whole'}: choose a folder outside it`);
  }
  if (!existsSync(real)) return { given, real, missing: true, marked: false };
  if (existsSync(join(real, '.git'))) throw refuse(`holds .git${shown}: it is a git repository, and synth replaces what its output folder holds; choose a folder of its own (the default is cdktf.out)`);

  const marked = lstatSync(join(real, OUTPUT_MARKER), { throwIfNoEntry: false })?.isFile() === true;
  // A folder such as a home folder is refused by its first level, before a walk through all of it.
  const strangers = marked ? [] : readdirSync(real).filter((name) => name !== WORK_DIR && !TOP_LEVEL.has(name)).sort();
  if (strangers.length > 0) {
    throw refuse(`is not empty and is not a synth output (it has no ${OUTPUT_MARKER}): it holds ${list(strangers)}${shown}; ${EMPTY_OR_OURS}`);
  }
  const found = entries(real);
  const repositories = found.filter((e) => basename(e.path) === '.git').map((e) => e.path);
  if (repositories.length > 0) throw refuse(`holds a git repository (${list(repositories)}); synth replaces what its output folder holds: choose a folder of its own`);
  if (found.length > 0 && !marked) {
    const foreign = found
      .filter(({ path }) => path !== WORK_DIR && !path.startsWith(`${WORK_DIR}/`) && !isSynthFile(path) && !isSynthFolder(path) && !isTerraformFile(path))
      .map((e) => e.path);
    const hasManifest = isCdktfManifest(join(real, 'manifest.json'));
    // Without a manifest, synth's files may be another tool's (a team's own ansible/inventory.yml).
    const inTheWay = foreign.length > 0 || hasManifest ? foreign : found.filter(({ path }) => isSynthFile(path)).map((e) => e.path);
    if (inTheWay.length > 0) {
      throw refuse(`is not empty and is not a synth output (it has no ${OUTPUT_MARKER}${hasManifest ? '' : ' and no cdktf manifest.json'}): it holds ${list(inTheWay)}${shown}; ${EMPTY_OR_OURS}`);
    }
  }
  for (const { path, stats } of found) {
    if (path === OUTPUT_MARKER || path === WORK_DIR || isSynthFolder(path)) {
      if (stats.isSymbolicLink()) throw refuse(`holds ${path} as a link${shown}; synth writes only inside its output folder and does not replace links: make it a plain ${path === OUTPUT_MARKER ? 'file' : 'folder'}`);
      if (path !== OUTPUT_MARKER && !stats.isDirectory()) throw refuse(`holds ${path} as a file where synth writes a folder${shown}: remove it`);
    } else if (isSynthFile(path) && !stats.isFile() && !(stats.isDirectory() && path.split('/')[2] === 'assets')) {
      throw refuse(`holds ${path} as ${stats.isSymbolicLink() ? 'a link' : 'a folder'} where synth writes a file${shown}; synth does not replace what it did not write: remove it`);
    }
  }
  return { given, real, missing: false, marked };
}
