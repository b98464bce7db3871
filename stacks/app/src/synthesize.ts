import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { App } from 'cdktf';
import { addConsumerStacks } from '@kafka-privatelink/consumer';
import { synthArtifacts } from '@kafka-privatelink/emitters';
import { describeChange } from '@kafka-privatelink/port-allocation';
import { preparePlan, PreparedPlan } from '@kafka-privatelink/plan';
import { ProviderStack } from '@kafka-privatelink/provider';
import { fileProblem, REPO_ROOT, SettingError } from '@kafka-privatelink/cluster-spec';
import { checkOutputFolder, GuardedPath, linkTarget, OUTDIR_SETTING, realPath, WORK_DIR } from './output-folder';
import { openWork, recoverOutput, removeLockfileTemporaries, runningSynth, stagingOf, swapOutput, swapStarted, writeLockfile } from './output-swap';
import { checkStackReferences } from './stack-references';

export { OUTDIR_SETTING } from './output-folder';

export interface SynthesizeOptions {
  readonly specPath: string;
  /** The synth output folder. */
  readonly outdir: string;
  /** Fail instead of updating the lockfile. @default false */
  readonly frozenLockfile?: boolean;
  /** In frozen mode, the git ref whose lockfile entries the lockfile must keep. @default - none */
  readonly baseRef?: string;
  /** Where progress lines go. @default - nowhere */
  readonly log?: (line: string) => void;
  /** Leave the folders of stacks the spec no longer has, for cdktf's CLI to remove. @default false */
  readonly keepRemovedStacks?: boolean;
}

/**
 * Where a relative `backend.directory` lives: the root of the spec's own repository, never that of
 * the installed product (a linked node_modules would put one repository's state in another); for a
 * spec outside git, this repository's.
 */
const stateRootOf = (prepared: PreparedPlan): string => prepared.repositoryRoot ?? REPO_ROOT;

/** What an output folder must never be, hold or lie above: the inputs and the local state. */
function guardedPaths(prepared: PreparedPlan): GuardedPath[] {
  const { backend } = prepared.plan;
  return [
    { what: 'the cluster spec', path: prepared.specPath },
    { what: 'the port lockfile (ports.lockfile)', path: prepared.lockfilePath },
    { what: 'the port lockfile (ports.lockfile)', path: linkTarget(prepared.lockfilePath) },
    ...(backend.type === 'local' ? [{ what: 'the Terraform state directory (backend.directory)', path: resolve(stateRootOf(prepared), backend.directory) }] : []),
  ];
}

/**
 * spec + lockfile → Terraform JSON for every stack, the plain files, and the updated lockfile, in
 * steps: between two steps (each `yield`) the app may stop on a signal, and the generator's
 * `return()` then removes what the synth had staged. Everything is staged in the output folder's
 * work folder first and moved into place only when all of it succeeded: a failed synth leaves the
 * previous output and lockfile untouched. The last step, the swap, is not interrupted; a kill
 * during it is finished by the next synth. Each stack's Terraform files (`.terraform/`,
 * `.terraform.lock.hcl`) and every file synth did not write stay where they are.
 */
export function* synthesisSteps(options: SynthesizeOptions): Generator<void, PreparedPlan, void> {
  const log = options.log ?? (() => undefined);
  const prepared = preparePlan(resolve(options.specPath), { frozenLockfile: options.frozenLockfile, baseRef: options.baseRef });
  yield;

  const out = checkOutputFolder(options.outdir, guardedPaths(prepared));
  const outdir = out.real;
  const onDisk = <T>(setting: string, path: string, action: () => T): T => {
    try {
      return action();
    } catch (error) {
      throw (error as NodeJS.ErrnoException).code ? fileProblem(setting, path, error, { creating: true }) : error;
    }
  };
  const busy = (pid?: number) =>
    new SettingError(OUTDIR_SETTING, `${out.given} is being written by another synth${pid ? ` (process ${pid})` : ''}: wait until it has finished, then synthesize again`);
  let created: string | undefined;
  let claimed = false;
  let done = false;
  try {
    onDisk(OUTDIR_SETTING, out.given, () => {
      if (out.missing) created = mkdirSync(outdir, { recursive: true });
      const other = runningSynth(outdir);
      if (other !== undefined) throw busy(other);
      recoverOutput(outdir);
      claimed = openWork(outdir);
      if (!claimed) throw busy();
    });
    yield;
    const staging = stagingOf(outdir);
    onDisk(OUTDIR_SETTING, out.given, () => {
      const app = new App({ outdir: staging });
      const stateRoot = realPath(stateRootOf(prepared));
      const provider = new ProviderStack(app, { plan: prepared.plan, outdir, stateRoot });
      addConsumerStacks(app, { plan: prepared.plan, provider, outdir, stateRoot });
      app.synth();
      checkStackReferences(staging);
    });
    yield;
    onDisk(OUTDIR_SETTING, out.given, () => {
      for (const artifact of synthArtifacts(prepared)) {
        const target = join(staging, artifact.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, artifact.content);
      }
    });
    yield;
    onDisk('ports.lockfile', prepared.lockfilePath, () => {
      removeLockfileTemporaries(prepared.lockfilePath);
      if (prepared.lockfileChanged) writeLockfile(outdir, prepared.lockfilePath, prepared.lockfileText);
    });
    onDisk(OUTDIR_SETTING, out.given, () => swapOutput(outdir, { marked: out.marked, keepRemovedStacks: options.keepRemovedStacks }));
    done = true;
  } finally {
    // Once journaled, a swap that failed is the next synth's to finish; before, nothing may stay.
    if (!done && claimed && !swapStarted(outdir)) {
      rmSync(join(outdir, WORK_DIR), { recursive: true, force: true });
      if (created !== undefined) rmSync(created, { recursive: true, force: true });
    }
  }

  const spec = relative(process.cwd(), prepared.specPath);
  for (const w of prepared.warnings) log(`warning: ${spec}${w.location ? `:${w.location}` : ''} ${w.field}: ${w.message}`);
  for (const change of prepared.changes) log(`ports: ${describeChange(change)}`);
  if (prepared.lockfileChanged) log(`ports: wrote ${relative(process.cwd(), prepared.lockfilePath)}`);
  return prepared;
}

/** The synth in one go, for callers that do not stop on signals. */
export function synthesize(options: SynthesizeOptions): PreparedPlan {
  const steps = synthesisSteps(options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
