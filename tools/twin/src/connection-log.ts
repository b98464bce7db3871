import { CONNECTION_LOG_TAG } from './haproxy-config';
import { Topology } from './topology';

/** One connection as HAProxy logged it. */
export interface LoggedConnection {
  readonly frontend: string;
  readonly clientAddress: string;
  readonly bindAddress: string;
  readonly bindPort: number;
  readonly backend: string;
  /** The broker's host name, or `<NOSRV>` when no broker took the connection. */
  readonly server: string;
}

const LINE = new RegExp(
  `${CONNECTION_LOG_TAG} frontend=(\\S+) client=([\\d.]+):\\d+ bind=([\\d.]+):(\\d+) server=([^/\\s]+)/(\\S+)`,
);

/** Parses one line of HAProxy's output; undefined for lines that are not connection logs. */
export function parseConnectionLine(line: string): LoggedConnection | undefined {
  const m = LINE.exec(line);
  if (m === null) return undefined;
  return { frontend: m[1]!, clientAddress: m[2]!, bindAddress: m[3]!, bindPort: Number(m[4]), backend: m[5]!, server: m[6]! };
}

/** A connection placed on the AZ map: which AZ the client, the ENI it used and the broker are in. */
export interface ClassifiedConnection {
  /** `broker` for a broker's own listener, `bootstrap` for any other (the bootstrap listener). */
  readonly kind: 'bootstrap' | 'broker';
  readonly consumer: string;
  readonly clientAz: string;
  readonly endpointAz: string;
  /** The broker HAProxy forwarded to. */
  readonly brokerId: number;
  readonly brokerAz: string;
  /** For a broker listener: the broker whose NLB port this is (should be `brokerId`). */
  readonly listenerBrokerId?: number;
  /**
   * The connection left its AZ for nothing: the ENI it used is in neither the client's AZ nor the
   * broker's (the Grab article's definition; an ENI in either AZ costs at most the one crossing
   * that the client–broker pair needs anyway).
   */
  readonly needlessCrossing: boolean;
}

export type Classification = { readonly ok: true; readonly connection: ClassifiedConnection } | { readonly ok: false; readonly reason: string };

export function classify(c: LoggedConnection, topology: Topology): Classification {
  const client = topology.clients.find((x) => x.address === c.clientAddress);
  const eni = topology.enis.find((x) => x.address === c.bindAddress);
  const broker = topology.brokers.find((b) => b.host === c.server);
  if (client === undefined) return { ok: false, reason: `connection from unknown client ${c.clientAddress}` };
  if (eni === undefined) return { ok: false, reason: `connection through unknown address ${c.bindAddress}` };
  if (broker === undefined) return { ok: false, reason: `${c.frontend} from ${c.clientAddress}: not forwarded to a broker (${c.backend}/${c.server})` };
  const owner = topology.brokers.find((b) => b.nlbPort === c.bindPort);
  return {
    ok: true,
    connection: {
      kind: owner ? 'broker' : 'bootstrap',
      consumer: client.consumer,
      clientAz: client.azId,
      endpointAz: eni.azId,
      brokerId: broker.id,
      brokerAz: broker.azId,
      ...(owner ? { listenerBrokerId: owner.id } : {}),
      needlessCrossing: eni.azId !== client.azId && eni.azId !== broker.azId,
    },
  };
}

export interface Ratio {
  readonly crossed: number;
  readonly total: number;
}

export interface CrossAzSummary {
  /** Broker connections only: bootstrap connections do not carry the data. */
  readonly all: Ratio;
  /** Client and broker in the same AZ (the article: up to 2/3 with the shared name). */
  readonly sameAz: Ratio;
  /** Client and broker in different AZs (the article: up to 1/3 with the shared name). */
  readonly otherAz: Ratio;
  /** `client AZ → ENI AZ → broker AZ` → connections, sorted by key. */
  readonly paths: readonly (readonly [path: string, count: number])[];
}

export function summarize(connections: readonly ClassifiedConnection[]): CrossAzSummary {
  const broker = connections.filter((c) => c.kind === 'broker');
  const ratio = (cs: readonly ClassifiedConnection[]): Ratio => ({ crossed: cs.filter((c) => c.needlessCrossing).length, total: cs.length });
  const paths = new Map<string, number>();
  for (const c of broker) {
    const key = `${c.clientAz} → ${c.endpointAz} → ${c.brokerAz}`;
    paths.set(key, (paths.get(key) ?? 0) + 1);
  }
  return {
    all: ratio(broker),
    sameAz: ratio(broker.filter((c) => c.clientAz === c.brokerAz)),
    otherAz: ratio(broker.filter((c) => c.clientAz !== c.brokerAz)),
    paths: [...paths.entries()].sort(([a], [b]) => a.localeCompare(b)),
  };
}

export const percent = (r: Ratio): string => (r.total === 0 ? 'n/a' : `${((100 * r.crossed) / r.total).toFixed(1).replace(/\.0$/, '')} %`);
