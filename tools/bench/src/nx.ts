import { spawn } from 'node:child_process';

export interface NxRun {
  readonly command: string;
  /** From spawning `npx nx …` to its exit: what a developer waits for. */
  readonly wallMs: number;
  readonly exitCode: number | null;
  /** stdout and stderr, interleaved, without terminal colours. */
  readonly output: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function runNx(args: readonly string[], cwd: string): Promise<NxRun> {
  const command = `npx nx ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // cdktf-cli's version check goes to the network: not part of what is measured.
    const env: NodeJS.ProcessEnv = { ...process.env, NX_TUI: 'false', CHECKPOINT_DISABLE: '1' };
    // Nx passes --skip-nx-cache on to its tasks as this variable; a test task that runs Nx itself
    // would then never see a cache hit. The Nx run here caches as its own arguments say.
    delete env.NX_SKIP_NX_CACHE;
    const child = spawn('npx', ['nx', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (output += chunk));
    }
    let wallMs = 0;
    child.on('exit', () => (wallMs = Number(process.hrtime.bigint() - started) / 1e6));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ command, wallMs, exitCode, output: output.replace(ANSI, '') }));
  });
}

export interface TaskLine {
  /** e.g. `app:synth` */
  readonly task: string;
  /** Nx's note after the task, e.g. `local cache`; undefined when the task ran. */
  readonly note?: string;
}

export interface NxSummary {
  /** Projects Nx ran the target for. */
  readonly projects?: number;
  readonly failedTasks: readonly string[];
  /** Tasks as Nx lists them, with their cache note. Tasks with nothing to run (noop) are not listed. */
  readonly tasks: readonly TaskLine[];
  /** "Nx read the output from the cache instead of running the command for X out of Y tasks." */
  readonly readFromCache?: { readonly hits: number; readonly tasks: number };
  /** The line `Cache: …` of Nx's summary, as printed. */
  readonly cacheLine?: string;
  /** `Run duration` as Nx printed it. */
  readonly runDuration?: string;
}

const CACHE_NOTE = /cache/;

export function parseNxOutput(output: string): NxSummary {
  const projects = /(?:Running|ran) target \S+ for (\d+) projects?/.exec(output);
  const fromCache = /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks?/.exec(output);
  const failedBlock = /Failed tasks:\s*\n((?:\s*- \S+\n?)+)/.exec(output);
  const tasks = new Map<string, TaskLine>();
  for (const match of output.matchAll(/^\s*[✔✖>]\s+nx run (\S+)(?:[ \t]+\[([^\]]+)\])?/gm)) {
    tasks.set(match[1], { task: match[1], ...(match[2] ? { note: match[2] } : {}) });
  }
  return {
    ...(projects ? { projects: Number(projects[1]) } : {}),
    failedTasks: failedBlock ? [...failedBlock[1].matchAll(/- (\S+)/g)].map((m) => m[1]) : [],
    tasks: [...tasks.values()],
    ...(fromCache ? { readFromCache: { hits: Number(fromCache[1]), tasks: Number(fromCache[2]) } } : {}),
    ...optionalLine('cacheLine', /^\s*Cache:\s+(.+)$/m.exec(output)),
    ...optionalLine('runDuration', /^\s*Run duration:\s+(.+)$/m.exec(output)),
  };
}

const optionalLine = <K extends string>(key: K, match: RegExpExecArray | null): Partial<Record<K, string>> =>
  match ? ({ [key]: match[1].trim() } as Record<K, string>) : {};

/** Every task that had a command to run was served from the cache, and there was at least one. */
export function servedFromCache(summary: NxSummary): boolean {
  return summary.failedTasks.length === 0 && summary.tasks.length > 0 && summary.tasks.every((t) => t.note !== undefined && CACHE_NOTE.test(t.note));
}
