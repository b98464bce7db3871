import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { sleep } from './shell';

/** Every network namespace of the twin is named `<NAMESPACE_PREFIX>-<pid of its run>-…`. */
export const NAMESPACE_PREFIX = 'kpltwin';

interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  /** Signals go to the process group: the process supervises children of its own. */
  readonly group: boolean;
  exit?: number | string;
}

function signal(pid: number, p: Started, sig: NodeJS.Signals): void {
  try {
    process.kill(p.group ? -pid : pid, sig);
  } catch {
    // Already gone.
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const listNamespaces = (): string[] => {
  try {
    return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.split(' ')[0]!)
      .filter((n) => n !== '');
  } catch {
    return [];
  }
};

function deleteNamespace(name: string): void {
  try {
    execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
}

/**
 * Owns what the twin starts: long-running processes (by pid) and network namespaces. Stops and
 * removes all of it on success, failure and SIGINT/SIGTERM.
 */
export class Supervisor {
  readonly prefix = `${NAMESPACE_PREFIX}-${process.pid}`;
  private readonly processes = new Map<number, Started>();
  private readonly namespaces = new Set<string>();

  /**
   * Starts a long-running process with stdout and stderr appended to `logFile`. With `group`, it
   * leads a process group of its own and is stopped with everything it started.
   */
  start(name: string, command: string, args: readonly string[], logFile: string, group = false): number {
    const fd = openSync(logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], detached: group });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    const started: Started = { name, child, group };
    child.on('exit', (code, signal) => (started.exit = code ?? signal ?? 'unknown'));
    this.processes.set(child.pid, started);
    return child.pid;
  }

  /** Throws if a process this supervisor started has died on its own. */
  assertRunning(pid: number): void {
    const p = this.processes.get(pid);
    if (p?.exit !== undefined) throw new Error(`${p.name} (pid ${pid}) exited unexpectedly (${p.exit})`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(pid: number, graceMs = 15_000): Promise<void> {
    const p = this.processes.get(pid);
    if (p === undefined) return;
    if (p.exit === undefined) {
      signal(pid, p, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (p.exit === undefined && Date.now() < deadline) await sleep(100);
      if (p.exit === undefined) signal(pid, p, 'SIGKILL');
      while (p.exit === undefined) await sleep(50);
    }
    this.processes.delete(pid);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((pid) => this.stop(pid)));
  }

  /** Creates a namespace named `<prefix>-<suffix>` and returns its name. */
  addNamespace(suffix: string): string {
    const name = `${this.prefix}-${suffix}`;
    execFileSync('ip', ['netns', 'add', name]);
    this.namespaces.add(name);
    return name;
  }

  removeNamespaces(): void {
    for (const name of this.namespaces) deleteNamespace(name);
    this.namespaces.clear();
  }

  /** For signal and exit handlers, where nothing asynchronous runs: kill by pid, wait briefly, remove namespaces. */
  cleanupSync(): void {
    const running = [...this.processes.entries()].filter(([, p]) => p.exit === undefined);
    for (const [pid, p] of running) signal(pid, p, 'SIGTERM');
    const deadline = Date.now() + 5_000;
    while (running.some(([pid]) => alive(pid)) && Date.now() < deadline) execFileSync('sleep', ['0.1']);
    for (const [pid, p] of running) if (alive(pid) || p.group) signal(pid, p, 'SIGKILL');
    this.processes.clear();
    this.removeNamespaces();
  }

  /**
   * Removes namespaces left by twin runs that died without cleaning up (their run's pid is gone),
   * ending the processes still inside them. Returns what it removed.
   */
  static removeOrphans(): string[] {
    const orphans = listNamespaces().filter((name) => {
      const m = new RegExp(`^${NAMESPACE_PREFIX}-(\\d+)-`).exec(name);
      return m !== null && !alive(Number(m[1]));
    });
    for (const name of orphans) {
      let pids: number[] = [];
      try {
        pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      } catch {
        // A namespace whose processes cannot be listed is deleted all the same.
      }
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      deleteNamespace(name);
    }
    return orphans;
  }
}
