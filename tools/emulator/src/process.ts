import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Every line of output is appended here, after a header naming the command. */
  readonly logFile?: string;
  /** Each stderr line as it arrives (progress of long commands). */
  readonly onStderrLine?: (line: string) => void;
  /** Killed after this long; the result then has code null. @default 1_200_000 */
  readonly timeoutMs?: number;
}

/** Runs a command to its end; never throws for a failing command, only when it cannot start. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  const started = Date.now();
  if (options.logFile) appendFileSync(options.logFile, `\n$ ${command} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let partial = '';
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      if (options.logFile) appendFileSync(options.logFile, b);
    });
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (options.logFile) appendFileSync(options.logFile, b);
      if (!options.onStderrLine) return;
      const lines = (partial + b.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onStderrLine(line);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 1_200_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (partial && options.onStderrLine) options.onStderrLine(partial);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), seconds: (Date.now() - started) / 1000 });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** The last lines of a failed command's output, for an error message. */
export const tail = (ran: Ran, lines = 20): string => (ran.stderr.trim() || ran.stdout.trim()).split('\n').slice(-lines).join('\n');

export async function mustSucceed(what: string, ran: Promise<Ran>): Promise<Ran> {
  const result = await ran;
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code ?? 'a timeout'}:\n${tail(result)}`);
  return result;
}

/**
 * Runs `work` while holding an exclusive flock(1) on `lockFile`, waiting for it first; without a
 * lock file, at once. The lock is held by a child process and released when `work` ends.
 */
export async function exclusively<T>(lockFile: string | undefined, log: (l: string) => void, work: () => Promise<T>): Promise<T> {
  if (!lockFile) return work();
  const holder = spawn('flock', ['--exclusive', lockFile, 'sh', '-c', 'echo held; exec cat'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waited = Date.now();
  const held = new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('error', (e) => reject(new Error(`flock could not start: ${e.message}`)));
    holder.once('exit', (code) => reject(new Error(`flock on ${lockFile} exited with ${code}`)));
  });
  await held;
  if (Date.now() - waited > 1000) log(`waited ${((Date.now() - waited) / 1000).toFixed(0)} s for ${lockFile}`);
  try {
    return await work();
  } finally {
    holder.stdin.end();
    if (holder.exitCode === null) await once(holder, 'exit');
  }
}
