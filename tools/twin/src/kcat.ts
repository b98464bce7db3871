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

/**
 * Runs kcat (librdkafka) on a client host of a consumer VPC. Each run sees the consumer's private
 * hosted zone through its own /etc/hosts: a fresh file bind-mounted in a private mount namespace,
 * so the machine's /etc/hosts is never touched and the shared name's answer order is drawn anew.
 */
export class KafkaClients {
  private runs = 0;

  constructor(
    private readonly topology: Topology,
    private readonly network: Network,
    private readonly runDir: string,
    /** `host:port` list clients bootstrap from. */
    readonly bootstrapServers: string,
    /** librdkafka properties every client sets, e.g. `connections.max.idle.ms`. */
    private readonly clientConfig: ReadonlyMap<string, string> = new Map(),
  ) {}

  kcat(client: Client, args: readonly string[], input?: string, timeoutMs = 60_000): Promise<RunResult> {
    const hosts = join(this.runDir, `hosts-${this.runs++}`);
    writeFileSync(hosts, hostsFileText(hostsEntries(this.topology.records, client.consumer)));
    const ns = this.network.clients.get(clientKey(client.consumer, client.azId))!;
    const mountHosts = 'mount --bind "$0" /etc/hosts && exec "$@"';
    return run(
      'ip',
      ['netns', 'exec', ns, 'unshare', '--mount', '--', 'sh', '-c', mountHosts, hosts, 'kcat', '-b', this.bootstrapServers, '-X', 'broker.address.family=v4', ...[...this.clientConfig].flatMap(([k, v]) => ['-X', `${k}=${v}`]), ...args],
      { ...(input !== undefined ? { input } : {}), timeoutMs },
    );
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
