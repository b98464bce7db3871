import { parseProperties } from './ansible-output';

/** The listener keys the Ansible role sets; the twin writes them only as a broker's starting point. */
export const LISTENER_KEYS = [
  'listeners',
  'advertised.listeners',
  'listener.security.protocol.map',
  'inter.broker.listener.name',
  'controller.listener.names',
] as const;

interface ListenerAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

function listenerAddresses(value: string): ListenerAddress[] {
  return value
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((entry) => {
      const m = /^\s*([A-Za-z0-9_]+):\/\/\[?([^\]]*)\]?:(\d+)\s*$/.exec(entry);
      if (m === null) throw new Error(`not a listener address: ${JSON.stringify(entry)}`);
      return { name: m[1]!, host: m[2]!, port: Number(m[3]) };
    });
}

/** `101@10.0.1.11:9093`: the broker's controller listener address, from its rendered `listeners`. */
export function controllerVoter(nodeId: number, listenerSection: string): string {
  const props = parseProperties(listenerSection);
  const controller = (props.get('controller.listener.names') ?? '').split(',')[0];
  if (!controller) throw new Error(`broker ${nodeId}: the rendered listener section has no controller.listener.names; KRaft needs one`);
  const address = listenerAddresses(props.get('listeners') ?? '').find((l) => l.name === controller);
  if (address === undefined) throw new Error(`broker ${nodeId}: controller listener ${controller} is not in the rendered listeners`);
  return `${nodeId}@${address.host}:${address.port}`;
}

export interface NodeSettings {
  readonly nodeId: number;
  /** `controller.quorum.voters`, from every broker's controller listener. */
  readonly voters: readonly string[];
  readonly logDir: string;
  /** Replication factor of internal topics: min(3, brokers). */
  readonly replicationFactor: number;
}

/**
 * A broker's whole server.properties: a listener section (before PrivateLink, or from the host
 * vars), then only what the twin owns (node id, combined roles, quorum, storage and test sizes).
 */
export function serverProperties(listenerSection: string, node: NodeSettings): string {
  const twin: [string, string | number][] = [
    ['node.id', node.nodeId],
    ['process.roles', 'broker,controller'],
    ['controller.quorum.voters', node.voters.join(',')],
    ['log.dirs', node.logDir],
    ['auto.create.topics.enable', 'false'],
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['num.partitions', 1],
    ['default.replication.factor', node.replicationFactor],
    ['offsets.topic.replication.factor', node.replicationFactor],
    ['offsets.topic.num.partitions', 3],
    ['transaction.state.log.replication.factor', node.replicationFactor],
    ['transaction.state.log.min.isr', 1],
    ['share.coordinator.state.topic.replication.factor', node.replicationFactor],
    ['share.coordinator.state.topic.min.isr', 1],
    ['group.initial.rebalance.delay.ms', 0],
    ['leader.imbalance.check.interval.seconds', 5],
    ['log.segment.bytes', 16 * 1024 * 1024],
    ['log.index.size.max.bytes', 1024 * 1024],
  ];
  const rendered = parseProperties(listenerSection);
  const clash = twin.find(([key]) => rendered.has(key));
  if (clash) throw new Error(`broker ${node.nodeId}: the rendered listener section sets ${clash[0]}, which the twin owns`);
  const missing = LISTENER_KEYS.filter((key) => !rendered.has(key));
  if (missing.length > 0) throw new Error(`broker ${node.nodeId}: the rendered listener section lacks ${missing.join(', ')}`);
  return [
    '# Listener section (ansible, the kafka_listeners role, sets these keys):',
    listenerSection.trimEnd(),
    '',
    '# Node, quorum and test-sized settings of the twin:',
    ...twin.map(([key, value]) => `${key}=${value}`),
    '',
  ].join('\n');
}

/**
 * The same listener section with every listener advertised under `zonalName` advertised under
 * `sharedName` instead, ports unchanged: the design the zonal names replace.
 */
export function advertiseSharedName(listenerSection: string, zonalName: string, sharedName: string): string {
  let replaced = 0;
  const text = listenerSection
    .split('\n')
    .map((line) => {
      const m = /^(\s*advertised\.listeners\s*[=:]\s*)(.*)$/.exec(line);
      if (m === null) return line;
      const value = listenerAddresses(m[2]!)
        .map((l) => {
          if (l.host !== zonalName) return `${l.name}://${l.host}:${l.port}`;
          replaced++;
          return `${l.name}://${sharedName}:${l.port}`;
        })
        .join(',');
      return `${m[1]}${value}`;
    })
    .join('\n');
  if (replaced === 0) throw new Error(`no advertised listener uses ${zonalName}`);
  return text;
}

/** A listener section as `key=value` lines, from the host vars' `kafka_privatelink_server_properties`. */
export const listenerSection = (properties: Readonly<Record<string, string>>): string =>
  Object.entries(properties)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');

/**
 * The same listener section without listener `name` (its binding, advertisement and protocol):
 * a broker's configuration before PrivateLink, when only the internal listener existed.
 */
export function withoutListener(section: string, name: string): string {
  const drop = (value: string, separator: string): string =>
    value
      .split(',')
      .filter((entry) => !entry.trim().startsWith(`${name}${separator}`))
      .join(',');
  let dropped = false;
  const text = section
    .split('\n')
    .map((line) => {
      const m = /^(\s*(advertised\.listeners|listeners|listener\.security\.protocol\.map)\s*=\s*)(.*)$/.exec(line);
      if (m === null) return line;
      const value = drop(m[3]!, m[2] === 'listener.security.protocol.map' ? ':' : '://');
      dropped ||= value !== m[3];
      return `${m[1]}${value}`;
    })
    .join('\n');
  if (!dropped) throw new Error(`no listener ${name} in the listener section`);
  return text;
}

/**
 * Lines of `before` and `after` that differ, ignoring the lines that set one of `owned` (the
 * keys the Ansible role sets) and the owned lines it appends: empty when every other line kept
 * its bytes and its place.
 */
export function unownedDifferences(before: string, after: string, owned: readonly string[]): string[] {
  const isOwned = (line: string): boolean => owned.some((key) => new RegExp(`^\\s*${key.replaceAll('.', '\\.')}(\\s*[=:]|\\s)`).test(line));
  const a = before.split('\n').filter((l) => !isOwned(l));
  const b = after.split('\n').filter((l) => !isOwned(l));
  const differences: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) differences.push(`line ${i + 1}: ${JSON.stringify(a[i] ?? '')} → ${JSON.stringify(b[i] ?? '')}`);
  }
  return differences;
}
