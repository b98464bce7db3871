import { CheckRow, row } from './check';
import { Description } from './description';

/** Kafka's Java client closes idle connections after 9 minutes unless told otherwise. */
const JAVA_DEFAULT_CONNECTIONS_MAX_IDLE_MS = 540_000;

/** `key=value` / `key: value` lines of a Java properties file; comments and blanks skipped. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]?\s*(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

const servers = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .sort();

/** A client properties file against the exposure. Pure. */
export function clientSettingsRows(d: Description, file: string, props: ReadonlyMap<string, string>): CheckRow[] {
  const rows: CheckRow[] = [];
  const limitMs = d.nlbIdleTimeoutSeconds * 1000;
  const idleText = props.get('connections.max.idle.ms');
  const idle = idleText === undefined ? JAVA_DEFAULT_CONNECTIONS_MAX_IDLE_MS : Number(idleText);
  const shown = idleText === undefined ? `not set (Kafka's Java client then uses ${JAVA_DEFAULT_CONNECTIONS_MAX_IDLE_MS})` : idleText;
  if (Number.isFinite(idle) && idle > 0 && idle < limitMs) rows.push(row('client', 'connections.max.idle.ms', 'pass', 0, `${shown} < the NLB idle timeout ${limitMs} ms`));
  else
    rows.push(
      row('client', 'connections.max.idle.ms', 'fail', 0, `${file}: connections.max.idle.ms is ${shown}, not below the NLB idle timeout (${d.nlbIdleTimeoutSeconds} s = ${limitMs} ms): the NLB drops idle connections silently and the client learns it on its next request`, `set connections.max.idle.ms=${d.connectionsMaxIdleMs} (the consumer stack's connections_max_idle_ms output)`),
    );
  const bootstrap = props.get('bootstrap.servers');
  if (bootstrap !== undefined && servers(bootstrap).join(',') === servers(d.bootstrapServers).join(','))
    rows.push(row('client', 'bootstrap.servers', 'pass', 0, bootstrap));
  else rows.push(row('client', 'bootstrap.servers', 'fail', 0, `${file}: bootstrap.servers is ${bootstrap ?? 'not set'}`, `set bootstrap.servers=${d.bootstrapServers} (the consumer stack's bootstrap_servers output)`));
  const protocol = props.get('security.protocol') ?? 'PLAINTEXT';
  if (protocol.toUpperCase() === d.clientListener.securityProtocol) rows.push(row('client', 'security.protocol', 'pass', 0, protocol));
  else rows.push(row('client', 'security.protocol', 'fail', 0, `${file}: security.protocol is ${protocol}, the client listener ${d.clientListener.name} uses ${d.clientListener.securityProtocol}`, `set security.protocol=${d.clientListener.securityProtocol}`));
  if (d.clientListener.tls) {
    const verify = props.get('ssl.endpoint.identification.algorithm');
    if (verify === '') rows.push(row('client', 'ssl.endpoint.identification.algorithm', 'fail', 0, `${file}: ssl.endpoint.identification.algorithm is empty: hostname verification is off`, 'remove the line or set it to https'));
    else rows.push(row('client', 'ssl.endpoint.identification.algorithm', 'pass', 0, verify ?? 'not set (https, the default)'));
  }
  return rows;
}
