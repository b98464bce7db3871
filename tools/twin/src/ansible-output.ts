import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One broker as the synth's Ansible inventory and host vars describe it. */
export interface BrokerFacts {
  /** Inventory host name, e.g. `broker-101`. */
  readonly host: string;
  readonly id: number;
  readonly azId: string;
  /** `ansible_host`: where Ansible (and the twin) reaches the broker. */
  readonly privateIp: string;
  /** What the NLB target groups register for this broker. */
  readonly targetId: string;
  readonly shard: number;
  readonly nlbPort: number;
  /** The zonal name its client listener advertises, e.g. `kafka-az1.grab`. */
  readonly advertisedName: string;
  /** `kafka.grab:10000`. */
  readonly bootstrapServers: string;
  /** DNS names its client listener's certificate must hold; empty without TLS. */
  readonly clientTlsSans: readonly string[];
}

type Vars = Record<string, unknown>;

function hostsOf(group: unknown, into: Map<string, Vars>): void {
  if (group === null || typeof group !== 'object') return;
  const g = group as { hosts?: Record<string, Vars | null>; children?: Record<string, unknown> };
  for (const [host, vars] of Object.entries(g.hosts ?? {})) into.set(host, { ...(into.get(host) ?? {}), ...(vars ?? {}) });
  for (const child of Object.values(g.children ?? {})) hostsOf(child, into);
}

function required<T>(vars: Vars, key: string, host: string, type: 'string' | 'number'): T {
  const value = vars[key];
  if (typeof value !== type) throw new Error(`host_vars of ${host}: ${key} should be a ${type}, got ${JSON.stringify(value)}`);
  return value as T;
}

function names(vars: Vars, key: string, host: string): string[] {
  const value = vars[key];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`host_vars of ${host}: ${key} should be a list of names, got ${JSON.stringify(value)}`);
  return value;
}

/** Reads `<ansibleDir>/inventory.yml` and `<ansibleDir>/host_vars/<host>.yml`. Sorted by broker id. */
export function readBrokerFacts(ansibleDir: string): BrokerFacts[] {
  const hosts = new Map<string, Vars>();
  const inventory = parse(readFileSync(join(ansibleDir, 'inventory.yml'), 'utf8')) as Record<string, unknown>;
  for (const group of Object.values(inventory ?? {})) hostsOf(group, hosts);
  return [...hosts.entries()]
    .map(([host, inventoryVars]): BrokerFacts => {
      const file = join(ansibleDir, 'host_vars', `${host}.yml`);
      const vars: Vars = { ...inventoryVars, ...(existsSync(file) ? (parse(readFileSync(file, 'utf8')) as Vars) : {}) };
      return {
        host,
        id: required(vars, 'kafka_privatelink_broker_id', host, 'number'),
        azId: required(vars, 'kafka_privatelink_az_id', host, 'string'),
        privateIp: required(vars, 'ansible_host', host, 'string'),
        targetId: required(vars, 'kafka_privatelink_target_id', host, 'string'),
        shard: required(vars, 'kafka_privatelink_shard', host, 'number'),
        nlbPort: required(vars, 'kafka_privatelink_nlb_port', host, 'number'),
        advertisedName: required(vars, 'kafka_privatelink_advertised_name', host, 'string'),
        bootstrapServers: required(vars, 'kafka_privatelink_bootstrap_servers', host, 'string'),
        clientTlsSans: names(vars, 'kafka_privatelink_client_tls_sans', host),
      };
    })
    .sort((a, b) => a.id - b.id);
}

/** Parses a Java properties file of `key=value` lines (the rendered listener section). */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at < 0) throw new Error(`not a key=value line: ${JSON.stringify(line)}`);
    props.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return props;
}

/** `kafka_privatelink_server_properties` of one host: the listener keys the Ansible role sets. */
export function readListenerProperties(ansibleDir: string, host: string): Record<string, string> {
  const vars = parse(readFileSync(join(ansibleDir, 'host_vars', `${host}.yml`), 'utf8')) as Vars;
  const props = vars['kafka_privatelink_server_properties'];
  if (props === null || typeof props !== 'object') throw new Error(`host_vars of ${host}: no kafka_privatelink_server_properties`);
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, String(v)]));
}
