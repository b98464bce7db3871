import { createConnection } from 'node:net';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoggedConnection, parseConnectionLine } from './connection-log';
import { haproxyConfig } from './haproxy-config';
import { mustRun, waitFor } from './shell';
import { Supervisor } from './supervisor';
import { Topology } from './topology';

/** `show stat` of HAProxy's runtime API, as rows keyed by the CSV header. */
function showStat(socket: string): Promise<Record<string, string>[]> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    let text = '';
    conn.on('data', (b) => (text += b.toString('utf8')));
    conn.on('error', reject);
    conn.on('end', () => {
      const [header, ...rows] = text.split('\n').filter((l) => l.trim() !== '');
      const keys = (header ?? '').replace(/^# /, '').split(',');
      resolve(rows.map((row) => Object.fromEntries(row.split(',').map((v, i) => [keys[i] ?? String(i), v]))));
    });
    conn.end('show stat\n');
  });
}

/** The NLB and the endpoint ENIs: one HAProxy in the NLB namespace. */
export class Haproxy {
  private readonly config: string;
  private readonly socket: string;
  readonly logFile: string;
  private pid?: number;

  constructor(
    private readonly topology: Topology,
    private readonly supervisor: Supervisor,
    private readonly namespace: string,
    runDir: string,
  ) {
    this.config = join(runDir, 'haproxy.cfg');
    this.socket = join(runDir, 'haproxy.sock');
    this.logFile = join(runDir, 'haproxy.log');
    writeFileSync(this.config, haproxyConfig(topology, { statsSocket: this.socket }));
  }

  async start(): Promise<void> {
    await mustRun('haproxy', ['-c', '-q', '-f', this.config]);
    this.pid = this.supervisor.start('haproxy', 'ip', ['netns', 'exec', this.namespace, 'haproxy', '-db', '-f', this.config], this.logFile);
    await waitFor('the HAProxy runtime socket', async () => (existsSync(this.socket) ? true : undefined), 10_000, 100);
  }

  async stop(): Promise<void> {
    if (this.pid !== undefined) await this.supervisor.stop(this.pid);
    delete this.pid;
  }

  /** Server (broker host) → health status in each backend, e.g. `UP`, `DOWN`. */
  async serverStatus(): Promise<{ backend: string; server: string; status: string }[]> {
    if (this.pid !== undefined) this.supervisor.assertRunning(this.pid);
    return (await showStat(this.socket))
      .filter((r) => r.svname !== 'FRONTEND' && r.svname !== 'BACKEND')
      .map((r) => ({ backend: r.pxname!, server: r.svname!, status: r.status! }));
  }

  /** Waits until the health checks see every target of every target group up. */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const expected = this.topology.backends.reduce((n, b) => n + b.servers.length, 0);
    await waitFor(
      'every NLB target to pass its health check',
      async () => {
        const rows = await this.serverStatus();
        return rows.length === expected && rows.every((r) => r.status === 'UP') ? true : undefined;
      },
      timeoutMs,
    );
  }

  /** Current end of the connection log, to read only what follows. */
  logMark(): number {
    return existsSync(this.logFile) ? statSync(this.logFile).size : 0;
  }

  /** Connections logged since `mark`. */
  connectionsSince(mark: number): LoggedConnection[] {
    const text = readFileSync(this.logFile).subarray(mark).toString('utf8');
    return text
      .split('\n')
      .map(parseConnectionLine)
      .filter((c): c is LoggedConnection => c !== undefined);
  }
}
