import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { runNx } from '@kafka-privatelink/bench';
import { EXAMPLE_SPEC_PATH, REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { scratchWorkspace } from '../scratch-workspace';

/** The app's bundle, as every synth target runs it. */
export const BUNDLE = join('.gen', 'app', 'main.cjs');

/** The spec of the cluster the model drives, made from the example under another name. */
export const FIRST_SPEC = 'clusters/payments/cluster.yaml';

const GIT_IDENTITY = ['-c', 'user.name=lifecycle', '-c', 'user.email=lifecycle@example.com', '-c', 'commit.gpgsign=false'];

export interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A git checkout of the fixture repository, where the steps of one sequence happen. */
export class Checkout {
  constructor(readonly dir: string) {}

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  git(...args: string[]): Run {
    const result = spawnSync('git', [...GIT_IDENTITY, ...args], { cwd: this.dir, encoding: 'utf8' });
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }

  /** git that must succeed. */
  mustGit(...args: string[]): string {
    const result = this.git(...args);
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
    return result.stdout;
  }

  head(): string {
    return this.mustGit('rev-parse', 'HEAD').trim();
  }

  /** Commits everything (the spec, the lockfile; outputs are ignored); false when nothing changed. */
  commitAll(message: string): boolean {
    this.mustGit('add', '-A');
    if (this.git('diff', '--cached', '--quiet').status === 0) return false;
    this.mustGit('commit', '--quiet', '-m', message);
    return true;
  }

  /** Back to the last commit, as a user does after a refused step. */
  resetHard(): void {
    this.mustGit('reset', '--quiet', '--hard');
    this.mustGit('clean', '--quiet', '-fd');
  }

  read(file: string): string {
    return readFileSync(this.path(file), 'utf8');
  }

  write(file: string, text: string): void {
    mkdirSync(dirname(this.path(file)), { recursive: true });
    writeFileSync(this.path(file), text);
  }

  /** The app's bundle on a spec into an output folder, in its own process, as Nx's synth targets run it. */
  synth(spec: string, outdir: string, env: Record<string, string> = {}): Run {
    const result = spawnSync(process.execPath, [BUNDLE], {
      cwd: this.dir,
      env: { ...appEnv(), KAFKA_PRIVATELINK_SPEC: spec, CDKTF_OUTDIR: outdir, ...env },
      encoding: 'utf8',
    });
    return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
  }

  /** The same synth, killed with SIGKILL after `afterMs`; resolves once the process is gone. */
  killedSynth(spec: string, outdir: string, afterMs: number): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BUNDLE], {
        cwd: this.dir,
        env: { ...appEnv(), KAFKA_PRIVATELINK_SPEC: spec, CDKTF_OUTDIR: outdir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        resolve({ status, signal, stdout, stderr });
      });
    });
  }

  /** `nx run <project>:synth`, through the cache as a developer runs it. */
  async nxSynth(project: string): Promise<Run> {
    const run = await runNx(['run', `${project}:synth`, '--output-style=static'], this.dir);
    return { status: run.exitCode, signal: null, stdout: run.output, stderr: '' };
  }
}

function appEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  for (const name of Object.keys(env)) if (name.startsWith('KAFKA_PRIVATELINK_') || name === 'CDKTF_OUTDIR') delete env[name];
  return env;
}

/**
 * The fixture repository every sequence starts from: the workspace's files, the example spec as
 * cluster `payments` under clusters/payments with the lockfile its first synth wrote, the app's
 * bundle, all in one commit.
 */
export function makeBaseRepository(): string {
  const dir = scratchWorkspace();
  const base = new Checkout(dir);
  base.write(FIRST_SPEC, readFileSync(EXAMPLE_SPEC_PATH, 'utf8').replace(/^cluster: coban$/m, 'cluster: payments').replace('../packages/', '../../packages/'));
  const bundle = spawnSync(process.execPath, ['stacks/app/bundle.mjs'], { cwd: dir, encoding: 'utf8' });
  if (bundle.status !== 0) throw new Error(`bundling the app failed: ${bundle.stderr}`);
  const first = base.synth(FIRST_SPEC, 'clusters/payments/cdktf.out');
  if (first.status !== 0) throw new Error(`the first synth failed: ${first.stderr}`);
  base.mustGit('init', '--quiet', '--initial-branch=main');
  // the linked node_modules is a symlink, which the folder pattern of .gitignore does not match
  appendFileSync(base.path('.git', 'info', 'exclude'), 'node_modules\n');
  base.commitAll('payments: first synth');
  return dir;
}

/** A fresh clone of the base repository, with the installed node_modules and the bundle. */
export function cloneBase(base: string, into: string): Checkout {
  const result = spawnSync('git', ['clone', '--quiet', '--branch', 'main', base, into], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git clone failed: ${result.stderr}`);
  const checkout = new Checkout(into);
  symlinkSync(join(REPO_ROOT, 'node_modules'), checkout.path('node_modules'));
  appendFileSync(checkout.path('.git', 'info', 'exclude'), 'node_modules\n');
  mkdirSync(checkout.path('.gen', 'app'), { recursive: true });
  copyFileSync(join(base, BUNDLE), checkout.path(BUNDLE));
  return checkout;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What is not the team's: git's own files, the installed packages, Nx's and the bundle's working files. */
const NOT_THE_TEAMS = new Set(['.git', 'node_modules', '.nx', '.gen']);

/**
 * Every file of the checkout (a link as its target's path) with a hash of its bytes, keyed by
 * relative path. Two snapshots differ exactly where a step changed, made or removed a file.
 */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const rel = relative(dir, path);
      if (folder === dir && NOT_THE_TEAMS.has(name)) continue;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) files.set(rel, `link:${readlinkSync(path)}`);
      else if (stat.isDirectory()) walk(path);
      else files.set(rel, createHash('sha1').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

/** The paths whose bytes differ between two snapshots, made or removed ones included. */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}

/** Every file of an output folder that synth writes (not what `terraform init` left there), with its bytes. */
export function outputFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      if (name === '.terraform' || name === '.terraform.lock.hcl') continue;
      const path = join(folder, name);
      if (lstatSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** What `terraform init` leaves in a stack's folder, made up so that a test can see whether synth keeps it. */
export function seedTerraformFiles(outdir: string): string[] {
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return [];
  const seeded: string[] = [];
  for (const stack of readdirSync(stacks).sort()) {
    const lock = join(stacks, stack, '.terraform.lock.hcl');
    if (!existsSync(lock)) {
      writeFileSync(lock, `# providers of ${stack}\n`);
      mkdirSync(join(stacks, stack, '.terraform', 'providers'), { recursive: true });
      writeFileSync(join(stacks, stack, '.terraform', 'providers', 'plugin'), `plugin of ${stack}\n`);
    }
    seeded.push(stack);
  }
  return seeded;
}

/** The stacks of an output folder whose Terraform files are all still there. */
export function stacksWithTerraformFiles(outdir: string): string[] {
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks)
    .filter((s) => existsSync(join(stacks, s, '.terraform.lock.hcl')) && existsSync(join(stacks, s, '.terraform', 'providers', 'plugin')))
    .sort();
}
