import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * How the peak memory and CPU time of a child are taken. GNU time reports the kernel's own
 * figures (wait4's rusage), exact; without it, the child's VmHWM (its RSS high-water mark) and
 * CPU times are read while it runs, which misses only the last polling interval.
 */
export type PeakRssMethod = 'gnu-time' | 'vmhwm-poll';

const GNU_TIME = '/usr/bin/time';
const POLL_INTERVAL_MS = 10;
/** Enough of a failed child's stderr to show its error. */
const STDERR_TAIL_CHARS = 4000;

export function detectPeakRssMethod(): PeakRssMethod {
  const probe = spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && /GNU/.test(`${probe.stdout}${probe.stderr}`) ? 'gnu-time' : 'vmhwm-poll';
}

export function describePeakRssMethod(method: PeakRssMethod): string {
  return method === 'gnu-time'
    ? `${GNU_TIME} -f '${GNU_TIME_FORMAT}' (GNU time: the child's ru_maxrss and CPU times from wait4)`
    : `/proc/<pid>/status VmHWM and /proc/<pid>/stat CPU times read every ${POLL_INTERVAL_MS} ms (install Debian's "time" package for exact figures)`;
}

export interface RunResult {
  /** From spawn to exit, measured by this process. */
  readonly wallMs: number;
  readonly peakRssKiB: number;
  /** User + system CPU time of the child: unlike the wall time, barely moved by other load. */
  readonly cpuMs: number;
  readonly exitCode: number | null;
  readonly stderrTail: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly method: PeakRssMethod;
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** The child's RSS high-water mark and CPU time so far; undefined once it has exited. */
function readProc(pid: number): { peakRssKiB: number; cpuMs: number } | undefined {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    if (!hwm) return undefined;
    return { peakRssKiB: Number(hwm[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ };
  } catch {
    return undefined;
  }
}

/** What GNU time writes with `-f '%M %U %S'`: peak RSS in KiB, user and system CPU seconds. */
export const GNU_TIME_FORMAT = '%M %U %S';

/**
 * Reads GNU time's figures. It writes "Command exited with non-zero status N" before them when
 * the child fails.
 */
export function parseGnuTimeOutput(text: string): { peakRssKiB: number; cpuMs: number } {
  const match = /^(\d+) (\d+\.\d+) (\d+\.\d+)$/.exec(text.trim().split('\n').pop()?.trim() ?? '');
  if (!match) throw new Error(`unexpected GNU time output: ${JSON.stringify(text)}`);
  return { peakRssKiB: Number(match[1]), cpuMs: Math.round((Number(match[2]) + Number(match[3])) * 1000) };
}

/** Runs `argv` once in a fresh process and measures its wall time and peak resident memory. */
export function runMeasured(argv: readonly string[], { cwd, env, method }: RunOptions): Promise<RunResult> {
  const scratch = method === 'gnu-time' ? mkdtempSync(join(tmpdir(), 'bench-time-')) : undefined;
  const timeFile = scratch && join(scratch, 'maxrss');
  const [command, ...args] = timeFile ? [GNU_TIME, '-f', GNU_TIME_FORMAT, '-o', timeFile, ...argv] : argv;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    let polled = { peakRssKiB: 0, cpuMs: 0 };
    const poll = () => {
      polled = readProc(child.pid!) ?? polled;
    };
    const poller = method === 'vmhwm-poll' ? setInterval(poll, POLL_INTERVAL_MS) : undefined;
    let wallMs = 0;
    child.on('exit', () => {
      wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(poller);
    });
    child.on('error', (error) => {
      clearInterval(poller);
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      reject(error);
    });
    child.on('close', (exitCode) => {
      try {
        const figures = timeFile ? parseGnuTimeOutput(readFileSync(timeFile, 'utf8')) : polled;
        resolve({ wallMs, ...figures, exitCode, stderrTail: stderr });
      } catch (error) {
        reject(error);
      } finally {
        if (scratch) rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
}
