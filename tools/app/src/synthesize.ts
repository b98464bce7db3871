import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { App } from 'cdktf';
import { addConsumerStacks } from '@kafka-privatelink/consumer';
import { synthArtifacts } from '@kafka-privatelink/emitters';
import { describeChange } from '@kafka-privatelink/port-allocation';
import { preparePlan, PreparedPlan } from '@kafka-privatelink/plan';
import { ProviderStack } from '@kafka-privatelink/provider';
import { fileProblem, SettingError } from '@kafka-privatelink/spec';
import { checkStackReferences } from './stack-references';

/** How the user chooses the output folder: cdktf passes `--output` to the app as CDKTF_OUTDIR. */
export const OUTDIR_SETTING = 'CDKTF_OUTDIR (cdktf synth --output)';

export interface SynthesizeOptions {
  readonly specPath: string;
  /** The synth output folder. */
  readonly outdir: string;
  /** Fail instead of updating the lockfile. @default false */
  readonly frozenLockfile?: boolean;
  /** Where progress lines go. @default - nowhere */
  readonly log?: (line: string) => void;
}

/** Writes a file by renaming a finished temporary file over it, so readers never see half of it. */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * spec + lockfile → Terraform JSON for every stack, the plain files, and the updated lockfile.
 * Everything is written to a temporary folder first and moved into place only when all of it
 * succeeded: a failed synth leaves the previous output and lockfile untouched.
 */
export function synthesize(options: SynthesizeOptions): PreparedPlan {
  const log = options.log ?? (() => undefined);
  const outdir = resolve(options.outdir);
  const prepared = preparePlan(resolve(options.specPath), { frozenLockfile: options.frozenLockfile });

  // Moving a file aside as if it were the previous output would delete it.
  if (existsSync(outdir) && !statSync(outdir).isDirectory()) throw new SettingError(OUTDIR_SETTING, `${outdir} is a file, not a folder`);
  const staging = `${outdir}.staging-${process.pid}`;
  const onDisk = <T>(setting: string, path: string, step: () => T): T => {
    try {
      return step();
    } catch (error) {
      throw (error as NodeJS.ErrnoException).code ? fileProblem(setting, path, error, { creating: true }) : error;
    }
  };
  try {
    onDisk(OUTDIR_SETTING, outdir, () => {
      rmSync(staging, { recursive: true, force: true });
      const app = new App({ outdir: staging });
      const provider = new ProviderStack(app, { plan: prepared.plan, outdir });
      addConsumerStacks(app, { plan: prepared.plan, provider, outdir });
      app.synth();
      checkStackReferences(staging);
      for (const artifact of synthArtifacts(prepared)) {
        const target = join(staging, artifact.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, artifact.content);
      }
    });
    if (prepared.lockfileChanged) {
      onDisk('ports.lockfile', prepared.lockfilePath, () => writeFileAtomic(prepared.lockfilePath, prepared.lockfileText));
    }
    onDisk(OUTDIR_SETTING, outdir, () => {
      const previous = `${outdir}.previous-${process.pid}`;
      if (existsSync(outdir)) renameSync(outdir, previous);
      renameSync(staging, outdir);
      rmSync(previous, { recursive: true, force: true });
    });
  } finally {
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // ENOTDIR: a file on the way, so no staging folder was ever made; the error above says so
    }
  }

  const spec = relative(process.cwd(), prepared.specPath);
  for (const w of prepared.warnings) log(`warning: ${spec}${w.location ? `:${w.location}` : ''} ${w.field}: ${w.message}`);
  for (const change of prepared.changes) log(`ports: ${describeChange(change)}`);
  if (prepared.lockfileChanged) log(`ports: wrote ${relative(process.cwd(), prepared.lockfilePath)}`);
  return prepared;
}
