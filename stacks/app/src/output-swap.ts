import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { entries, isSynthFile, linkTarget, OUTPUT_MARKER, OUTPUT_MARKER_TEXT, WORK_DIR } from './output-folder';

/**
 * A test names a step of the swap here (1, 2, …); the app then dies by SIGKILL right there, as by
 * a kill from outside, so that a test can prove every step recoverable.
 */
export const KILL_AT_STEP = 'KAFKA_PRIVATELINK_TEST_KILL_AT_STEP';

let stepsTaken = 0;

/** A point of the swap at which a kill must leave nothing that the next synth cannot recover. */
function step(): void {
  stepsTaken += 1;
  if (process.env[KILL_AT_STEP] === String(stepsTaken)) process.kill(process.pid, 'SIGKILL');
}

/**
 * The swap a synth has started, written before its first move: the files of the new output (in
 * the staging folder until moved), the files of the previous output that it no longer has, and the
 * stack folders of stacks it no longer has. Applying it again after a kill finishes it.
 */
interface Journal {
  readonly files: readonly string[];
  readonly remove: readonly string[];
  readonly removeStacks: readonly string[];
}

const JOURNAL = 'journal.json';
const STAGING = 'staging';
const TRASH = 'trash';

/** The staging folder of an output folder's work folder: where cdktf and the emitters write. */
export const stagingOf = (outdir: string): string => join(outdir, WORK_DIR, STAGING);

/** Every file below `folder`, relative with `/`. */
function filesBelow(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix))
    .sort()
    .flatMap((name) => {
      const path = prefix === '' ? name : `${prefix}/${name}`;
      return lstatSync(join(folder, path)).isDirectory() ? filesBelow(folder, path) : [path];
    });
}

/** Writes by renaming a finished file from the work folder over `path`. */
function writeThroughWork(work: string, path: string, content: string): void {
  const tmp = join(work, basename(path));
  writeFileSync(tmp, content);
  step();
  renameSync(tmp, path);
}

function applyJournal(outdir: string, journal: Journal): void {
  const work = join(outdir, WORK_DIR);
  for (const file of journal.files) {
    const from = join(work, STAGING, file);
    if (!existsSync(from)) continue;
    const to = join(outdir, file);
    if (!existsSync(dirname(to))) {
      step();
      mkdirSync(dirname(to), { recursive: true });
    }
    step();
    renameSync(from, to);
  }
  for (const file of journal.remove) {
    step();
    rmSync(join(outdir, file), { force: true, recursive: true });
  }
  for (const stack of journal.removeStacks) {
    const folder = join(outdir, 'stacks', stack);
    if (!existsSync(folder)) continue;
    mkdirSync(join(work, TRASH), { recursive: true });
    // One rename, so that a kill never leaves half of a stack's .terraform/ for a stack that returns.
    step();
    renameSync(folder, join(work, TRASH, stack));
  }
  step();
  rmSync(join(work, JOURNAL));
  step();
  rmSync(work, { recursive: true, force: true });
}

const insideOutput = (path: string): boolean => path !== '' && !path.startsWith('..') && !path.startsWith('/') && !path.split('/').includes('..');

/**
 * Finishes the swap of a synth that was killed (its journal is there) and clears what any earlier
 * synth left in the work folder.
 */
export function recoverOutput(outdir: string): void {
  const work = join(outdir, WORK_DIR);
  if (!existsSync(work)) return;
  let journal: Journal | undefined;
  try {
    journal = JSON.parse(readFileSync(join(work, JOURNAL), 'utf8')) as Journal;
  } catch {
    journal = undefined;
  }
  if (journal !== undefined && [...journal.files, ...journal.remove, ...journal.removeStacks.map((s) => `stacks/${s}`)].every(insideOutput)) {
    applyJournal(outdir, journal);
  }
  rmSync(work, { recursive: true, force: true });
}

const OWNER = 'pid';

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The process of a synth that is writing the output folder now, if any but this one. */
export function runningSynth(outdir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(join(outdir, WORK_DIR, OWNER), 'utf8'));
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid !== process.pid && isRunning(pid) ? pid : undefined;
}

/**
 * Claims the output folder by creating its work folder, hidden from git even in an output folder
 * that git does not ignore; false if another synth claimed it first.
 */
export function openWork(outdir: string): boolean {
  const work = join(outdir, WORK_DIR);
  try {
    mkdirSync(work);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  writeFileSync(join(work, OWNER), `${process.pid}\n`);
  writeFileSync(join(work, '.gitignore'), '*\n');
  mkdirSync(join(work, STAGING));
  return true;
}

/** The swap was journaled: what is left of it is the next synth's to finish, not to throw away. */
export const swapStarted = (outdir: string): boolean => existsSync(join(outdir, WORK_DIR, JOURNAL));

/** Removes `<lockfile>.tmp-<pid>` files of synths that died before renaming them (earlier versions, or another file system). */
function removeStaleTemporariesOf(path: string): void {
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    if (/^[0-9]+$/.test(pid) && !isRunning(Number(pid))) rmSync(join(dirname(path), name), { force: true });
  }
}

/** Removes what killed synths left beside the lockfile, and beside the file a link there names. */
export function removeLockfileTemporaries(path: string): void {
  for (const stale of new Set([path, linkTarget(path)])) removeStaleTemporariesOf(stale);
}

/**
 * Writes the lockfile by renaming a finished file over it, so that readers never see half of it;
 * through a link, into the file it names, so that the link stays a link. The finished file waits
 * in the output's work folder, where a kill leaves it out of git's sight, unless the lockfile is on
 * another file system (then beside it, removed by the next synth).
 */
export function writeLockfile(outdir: string, path: string, content: string): void {
  const target = linkTarget(path);
  mkdirSync(dirname(target), { recursive: true });
  const mode = existsSync(target) ? statSync(target).mode & 0o7777 : undefined;
  const work = join(outdir, WORK_DIR);
  const tmp = join(work, 'lockfile');
  writeFileSync(tmp, content);
  if (mode !== undefined) chmodSync(tmp, mode);
  step();
  try {
    renameSync(tmp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    rmSync(tmp);
    const beside = `${target}.tmp-${process.pid}`;
    try {
      writeFileSync(beside, content);
      if (mode !== undefined) chmodSync(beside, mode);
      renameSync(beside, target);
    } finally {
      rmSync(beside, { force: true });
    }
  }
}

export interface SwapOptions {
  /** Whether an earlier synth of this version marked the folder. */
  readonly marked: boolean;
  /**
   * Leave the folders of stacks the spec no longer has: cdktf's CLI removes them itself once the
   * app has exited, and fails if they are gone. @default false
   */
  readonly keepRemovedStacks?: boolean;
}

/**
 * Moves the staged output into the output folder, file by file: each file synth wrote before is
 * replaced or removed, every other file stays where it is (each stack's `.terraform/` and
 * `.terraform.lock.hcl` never move). The journal written first lets the next synth finish a swap
 * that a kill interrupted.
 */
export function swapOutput(outdir: string, options: SwapOptions): void {
  const work = join(outdir, WORK_DIR);
  const staging = join(work, STAGING);
  const files = filesBelow(staging);
  const written = new Set(files);
  const stacks = new Set(existsSync(join(staging, 'stacks')) ? readdirSync(join(staging, 'stacks')) : []);
  const previous = entries(outdir).filter(({ path }) => path !== WORK_DIR && !path.startsWith(`${WORK_DIR}/`));
  const goneStack = (path: string) => path.startsWith('stacks/') && !stacks.has(path.split('/')[1]);
  const removeStacks = options.keepRemovedStacks
    ? []
    : previous.filter(({ path, stats }) => stats.isDirectory() && path.split('/').length === 2 && goneStack(path)).map(({ path }) => path.split('/')[1]);
  const remove = previous
    .filter(({ path, stats }) => isSynthFile(path) && !stats.isDirectory() && !written.has(path) && !goneStack(path))
    .map(({ path }) => path);
  // The manifest last: it lists the stacks, so it is the last to say that the new output is there.
  const ordered = [...files.filter((f) => f !== 'manifest.json'), ...files.filter((f) => f === 'manifest.json')];
  if (!options.marked) writeThroughWork(work, join(outdir, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
  const journal: Journal = { files: ordered, remove, removeStacks };
  const tmp = join(work, `${JOURNAL}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(journal, null, 2)}\n`);
  step();
  renameSync(tmp, join(work, JOURNAL));
  applyJournal(outdir, journal);
}

