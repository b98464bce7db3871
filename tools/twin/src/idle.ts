import { silence } from './network';
import { mustRun, sleep } from './shell';

/** One TCP socket in `ss -tniH` output: its two ends and how long since it last sent and received data. */
export interface SocketIdle {
  readonly local: string;
  readonly peer: string;
  /** The smaller of `lastsnd` and `lastrcv`, in ms (ss leaves out a figure that is 0). */
  readonly idleMs: number;
}

/**
 * Parses `ss -tniH state <one state>`: a line per socket (Recv-Q, Send-Q, local, peer, with no
 * state column) and, indented below it, the `-i` line with `lastsnd:` and `lastrcv:`.
 */
export function parseSocketIdle(text: string): SocketIdle[] {
  const sockets: SocketIdle[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || /^\s/.test(line)) continue;
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) throw new Error(`ss: cannot read the socket line "${line}"`);
    const info = /^\s/.test(lines[i + 1] ?? '') ? lines[i + 1]! : '';
    const since = (key: string): number => Number(new RegExp(`\\b${key}:(\\d+)`).exec(info)?.[1] ?? 0);
    sockets.push({ local: fields[2]!, peer: fields[3]!, idleMs: Math.min(since('lastsnd'), since('lastrcv')) });
  }
  return sockets;
}

/** What the NLB model did to one client's connections. */
export interface SilentDropReport {
  /** Connections that reached the NLB's idle timeout and were dropped without a packet to the client. */
  readonly dropped: number;
  /** The longest idle time seen on a connection of the client, at the NLB, in ms. */
  readonly longestIdleMs: number;
  /**
   * Connections that left ESTABLISHED at the NLB after reaching the idle timeout while the client's
   * packets were not silenced: HAProxy's FIN reached the client, which the NLB never sends. Not 0
   * means the model failed, not the client.
   */
  readonly closedAudibly: number;
  /** Connections HAProxy still held open long after their idle timeout, when the silence had to end. */
  readonly outlived: number;
}

/** How long past the expected timeout a silence may last before the model gives up on it. */
const OUTLIVE_MS = 10_000;

/** The sockets HAProxy holds in the NLB namespace after it has closed them, whose FIN got no answer. */
const CLOSED_STATES = ['fin-wait-1', 'fin-wait-2', 'closing', 'last-ack'].flatMap((s) => ['state', s]);

/**
 * An NLB's idle timeout for the connections of one client host, played on HAProxy. HAProxy's
 * `timeout client`/`timeout server` end an idle connection at the same time an NLB does, but with
 * a FIN, and a client that hears the FIN closes cleanly. An NLB says nothing: it forgets the flow
 * and answers the client's next packet with RST. So when a connection of the client has been idle
 * `timeoutMs - leadMs` at the NLB, the NLB host's packets to the client start to vanish (its
 * neighbour entry points to a MAC nobody has); once HAProxy has closed the connections that were
 * that old, the closed sockets are destroyed (`ss -K`) and the packets flow again. The client's
 * next packet on such a connection then meets no socket, and the kernel answers it with RST.
 */
export class SilentDrop {
  private stopped = false;
  private silenced = false;
  private nearTimeout = false;
  private readonly done: Promise<SilentDropReport>;

  constructor(
    private readonly namespace: string,
    private readonly device: string,
    private readonly client: string,
    private readonly timeoutMs: number,
    private readonly leadMs = 3000,
    private readonly pollMs = 250,
  ) {
    this.done = this.watch();
  }

  /** Stops watching (restoring the client's packets if they are silenced) and reports. */
  async stop(): Promise<SilentDropReport> {
    this.stopped = true;
    return this.done;
  }

  /** Resolves when no connection of the client is silenced or about to be: safe for it to send. */
  async quiet(): Promise<void> {
    while (!this.stopped && (this.silenced || this.nearTimeout)) await sleep(this.pollMs);
  }

  private established = async (): Promise<SocketIdle[]> =>
    parseSocketIdle(await mustRun('ss', ['-N', this.namespace, '-tniH', 'state', 'established', 'dst', this.client]));

  private neighbour = async (silent: boolean): Promise<void> => {
    await silence(this.namespace, this.device, this.client, silent);
    this.silenced = silent;
  };

  private async watch(): Promise<SilentDropReport> {
    let dropped = 0;
    let longestIdleMs = 0;
    let closedAudibly = 0;
    let outlived = 0;
    let silencedAt = 0;
    let previous = new Map<string, SocketIdle>();
    let watched = new Set<string>();
    const key = (s: SocketIdle): string => `${s.local} ${s.peer}`;
    // Idle enough to time out before the next poll but one: silenced now, or about to be.
    const nearMs = this.timeoutMs - this.leadMs - 2 * this.pollMs;
    try {
      while (!this.stopped) {
        const now = await this.established();
        const current = new Map(now.map((s) => [key(s), s] as const));
        for (const s of now) longestIdleMs = Math.max(longestIdleMs, s.idleMs);
        this.nearTimeout = now.some((s) => s.idleMs >= nearMs);
        if (!this.silenced) {
          // Gone at its timeout although nothing was silenced: its FIN reached the client.
          for (const [k, s] of previous) if (!current.has(k) && s.idleMs >= nearMs) closedAudibly++;
          if (now.some((s) => s.idleMs >= this.timeoutMs - this.leadMs)) {
            await this.neighbour(true);
            silencedAt = Date.now();
            // The connections that time out now; a younger one gets a silence of its own later.
            watched = new Set(now.filter((s) => s.idleMs >= nearMs).map(key));
          }
        } else if (![...watched].some((k) => current.has(k))) {
          await mustRun('ss', ['-N', this.namespace, '-K', '-tnH', ...CLOSED_STATES, 'dst', this.client]);
          dropped += watched.size;
          await this.neighbour(false);
          watched = new Set();
        } else if (Date.now() - silencedAt > this.leadMs + OUTLIVE_MS) {
          outlived += [...watched].filter((k) => current.has(k)).length;
          await this.neighbour(false);
          watched = new Set();
        }
        previous = current;
        await sleep(this.pollMs);
      }
    } finally {
      if (this.silenced) await this.neighbour(false);
    }
    return { dropped, longestIdleMs, closedAudibly, outlived };
  }
}
