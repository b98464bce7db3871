import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostsEntries, hostsFileText } from './hosts-file';
import { clientKey, Network } from './network';
import { run, RunResult } from './shell';
import { Client, Topology } from './topology';

/** `kcat -L -J`. */
export interface KcatMetadata {
  readonly brokers: readonly { readonly id: number; readonly name: string }[];
  readonly topics: readonly {
    readonly topic: string;
    readonly partitions: readonly { readonly partition: number; readonly leader: number }[];
  }[];
}

export interface ConsumedMessage {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

/** What one kcat run sets differently from every client: another bootstrap, other properties. */
export interface KcatOverrides {
  readonly bootstrap?: string;
  readonly config?: ReadonlyMap<string, string>;
}

/**
 * Runs kcat (librdkafka) on a client host of a consumer VPC. Each run sees the consumer's private
 * hosted zone through its own /etc/hosts: a fresh file bind-mounted in a private mount namespace,
 * so the machine's /etc/hosts is never touched and the shared name's answer order is drawn anew.
 */
export class KafkaClients {
  private runs = 0;
  /** ENI addresses the regional (shared) name leaves out of its answers, as for unhealthy interfaces. */
  private unanswered: ReadonlySet<string> = new Set();

  constructor(
    private readonly topology: Topology,
    private readonly network: Network,
    private readonly runDir: string,
    /** `host:port` list clients bootstrap from. */
    readonly bootstrapServers: string,
    /** librdkafka properties every client sets, e.g. `connections.max.idle.ms`. */
    private readonly clientConfig: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** From now on the shared name answers without these ENI addresses (none: every ENI again). */
  leaveOut(addresses: readonly string[]): void {
    this.unanswered = new Set(addresses);
  }

  /** `ip` arguments that run `argv` on a client host, with the consumer's hosted zone as its /etc/hosts. */
  onClientHost(client: Client, argv: readonly string[]): string[] {
    const hosts = join(this.runDir, `hosts-${this.runs++}`);
    const records = this.topology.records.map((r) => (r.regional ? { ...r, addresses: r.addresses.filter((a) => !this.unanswered.has(a)) } : r));
    writeFileSync(hosts, hostsFileText(hostsEntries(records, client.consumer)));
    const ns = this.network.clients.get(clientKey(client.consumer, client.azId))!;
    const mountHosts = 'mount --bind "$0" /etc/hosts && exec "$@"';
    return ['netns', 'exec', ns, 'unshare', '--mount', '--', 'sh', '-c', mountHosts, hosts, ...argv];
  }

  /** kcat's arguments before the command's own: bootstrap and every client property (`overrides` win). */
  kcatArgv(overrides: KcatOverrides = {}): string[] {
    const config = new Map([...this.clientConfig, ...(overrides.config ?? [])]);
    return ['kcat', '-b', overrides.bootstrap ?? this.bootstrapServers, '-X', 'broker.address.family=v4', ...[...config].flatMap(([k, v]) => ['-X', `${k}=${v}`])];
  }

  kcat(client: Client, args: readonly string[], input?: string, timeoutMs = 60_000, overrides: KcatOverrides = {}): Promise<RunResult> {
    return run('ip', this.onClientHost(client, [...this.kcatArgv(overrides), ...args]), { ...(input !== undefined ? { input } : {}), timeoutMs });
  }

  async metadata(client: Client, topic?: string): Promise<KcatMetadata> {
    const result = await this.kcat(client, ['-L', '-J', '-m', '10', ...(topic ? ['-t', topic] : [])]);
    if (result.code !== 0) throw new Error(`kcat -L from ${client.consumer}/${client.azId} failed: ${result.stderr.trim()}`);
    return JSON.parse(result.stdout) as KcatMetadata;
  }

  /** Produces `values` to one partition, one message per value, acknowledged by all in-sync replicas. */
  async produce(client: Client, topic: string, partition: number, values: readonly string[]): Promise<void> {
    const result = await this.kcat(client, ['-P', '-t', topic, '-p', String(partition), '-X', 'acks=all', '-X', 'enable.idempotence=true'], `${values.join('\n')}\n`);
    if (result.code !== 0 || /Delivery failed|% ERROR/.test(result.stderr)) {
      throw new Error(`kcat -P to ${topic}[${partition}] from ${client.consumer}/${client.azId} failed: ${result.stderr.trim()}`);
    }
  }

  /** Reads every partition of a topic from `offset` to its end. */
  async consume(client: Client, topic: string, offset: 'beginning' | number = 'beginning'): Promise<ConsumedMessage[]> {
    const result = await this.kcat(client, ['-C', '-t', topic, '-o', String(offset), '-e', '-q', '-f', '%p\\t%o\\t%s\\n']);
    if (result.code !== 0) throw new Error(`kcat -C ${topic} from ${client.consumer}/${client.azId} failed: ${result.stderr.trim()}`);
    return result.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [partition, offsetText, ...value] = line.split('\t');
        return { partition: Number(partition), offset: Number(offsetText), value: value.join('\t') };
      });
  }
}
