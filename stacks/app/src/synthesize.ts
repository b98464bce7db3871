import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { App } from 'cdktf';
import { addConsumerStacks } from '@kafka-privatelink/consumer';
import { synthArtifacts } from '@kafka-privatelink/emitters';
import { describeChange } from '@kafka-privatelink/port-allocation';
import { preparePlan, PreparedPlan } from '@kafka-privatelink/plan';
import { ProviderStack } from '@kafka-privatelink/provider';
import { fileProblem, REPO_ROOT, SettingError } from '@kafka-privatelink/cluster-spec';
import { checkStackReferences } from './stack-references';

/** How the user chooses the output folder: cdktf passes `--output` to the app as CDKTF_OUTDIR. */
export const OUTDIR_SETTING = 'CDKTF_OUTDIR (cdktf synth --output)';

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
 * What `terraform init` leaves in a stack's folder: the provider plugins and the provider lock file
 * that teams commit. Plain cdktf keeps them across synths; losing them re-downloads the provider on
 * every diff and makes a committed lock file useless.
 */
const TERRAFORM_FILES = ['.terraform', '.terraform.lock.hcl'];

/**
 * Moves the Terraform files of every stack that the new output still has from the previous output
 * into it, and returns the moves so that a failed swap can put them back. Stacks that are gone
 * lose theirs with their folder, as in plain cdktf.
 */
function carryTerraformFiles(outdir: string, staging: string): Array<[string, string]> {
  const stacks = join(staging, 'stacks');
  if (!existsSync(join(outdir, 'stacks')) || !existsSync(stacks)) return [];
  const carried: Array<[string, string]> = [];
  try {
    for (const stack of readdirSync(stacks).sort()) {
      for (const name of TERRAFORM_FILES) {
        const from = join(outdir, 'stacks', stack, name);
        if (!existsSync(from)) continue;
        const to = join(stacks, stack, name);
        renameSync(from, to);
        carried.push([from, to]);
      }
    }
  } catch (error) {
    for (const [from, to] of carried.reverse()) renameSync(to, from);
    throw error;
  }
  return carried;
}

/**
 * spec + lockfile → Terraform JSON for every stack, the plain files, and the updated lockfile.
 * Everything is written to a temporary folder first and moved into place only when all of it
 * succeeded: a failed synth leaves the previous output and lockfile untouched. Each stack's
 * Terraform files (`.terraform/`, `.terraform.lock.hcl`) move over into the new output.
 */
export function synthesize(options: SynthesizeOptions): PreparedPlan {
  const log = options.log ?? (() => undefined);
  const outdir = resolve(options.outdir);
  const prepared = preparePlan(resolve(options.specPath), { frozenLockfile: options.frozenLockfile, baseRef: options.baseRef });

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
      const provider = new ProviderStack(app, { plan: prepared.plan, outdir, stateRoot: REPO_ROOT });
      addConsumerStacks(app, { plan: prepared.plan, provider, outdir, stateRoot: REPO_ROOT });
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
      const carried = carryTerraformFiles(outdir, staging);
      try {
        if (existsSync(outdir)) renameSync(outdir, previous);
        try {
          renameSync(staging, outdir);
        } catch (error) {
          if (existsSync(previous)) renameSync(previous, outdir);
          throw error;
        }
      } catch (error) {
        for (const [from, to] of carried.reverse()) renameSync(to, from);
        throw error;
      }
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
