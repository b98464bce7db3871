import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BrokerFacts, parseProperties } from './ansible-output';
import { KcatMetadata } from './kcat';
import { Network } from './network';
import { controllerVoter, serverProperties } from './server-properties';
import { mustRun, run, waitFor } from './shell';
import { Supervisor } from './supervisor';

const FETCH_SCRIPT = resolve(__dirname, '..', 'kafka', 'fetch-kafka.sh');

/** The Kafka jars (fetched once into a cache outside the work tree); returns the folder. */
export async function kafkaLibs(): Promise<string> {
  return (await mustRun('bash', [FETCH_SCRIPT], { timeoutMs: 600_000 })).trim();
}

const JVM = ['-Xms256m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Djava.awt.headless=true'];

const LOG4J2 = [
  'rootLogger.level=INFO',
  'rootLogger.appenderRef.file.ref=file',
  'appender.file.type=File',
  'appender.file.name=file',
  'appender.file.fileName=${sys:twin.log}',
  'appender.file.layout.type=PatternLayout',
  'appender.file.layout.pattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

interface Node {
  readonly facts: BrokerFacts;
  readonly namespace: string;
  readonly dir: string;
  /** host:port of the inter-broker listener, for admin work inside the provider VPC. */
  readonly adminAddress: string;
  pid?: number;
}

/** Where a broker's inter-broker listener binds, from its rendered listener section. */
function interBrokerAddress(facts: BrokerFacts, listenerSection: string): string {
  const props = parseProperties(listenerSection);
  const name = props.get('inter.broker.listener.name');
  const entry = (props.get('listeners') ?? '').split(',').find((l) => l.startsWith(`${name}://`));
  if (entry === undefined) throw new Error(`${facts.host}: inter-broker listener ${name} is not in the rendered listeners`);
  return entry.slice(`${name}://`.length);
}

/** A KRaft cluster of combined broker+controller JVMs, one per broker, each in its own namespace. */
export class KafkaCluster {
  private readonly nodes: Node[];
  private readonly log4j: string;

  constructor(
    private readonly libs: string,
    private readonly supervisor: Supervisor,
    network: Network,
    brokers: readonly BrokerFacts[],
    /** Broker host → its listener section as the Ansible role rendered it. */
    private readonly listenerSections: ReadonlyMap<string, string>,
    runDir: string,
  ) {
    this.log4j = join(runDir, 'log4j2.properties');
    writeFileSync(this.log4j, LOG4J2);
    this.nodes = brokers.map((facts) => {
      const section = listenerSections.get(facts.host);
      if (section === undefined) throw new Error(`no rendered listener section for ${facts.host}`);
      const dir = join(runDir, facts.host);
      mkdirSync(dir, { recursive: true });
      return { facts, namespace: network.brokers.get(facts.host)!, dir, adminAddress: interBrokerAddress(facts, section) };
    });
  }

  get size(): number {
    return this.nodes.length;
  }

  private java(node: Node, mainClass: string, args: readonly string[], logName: string): string[] {
    return ['netns', 'exec', node.namespace, 'java', ...JVM, `-Dtwin.log=${join(node.dir, logName)}`, `-Dlog4j2.configurationFile=${this.log4j}`, '-cp', `${this.libs}/*`, mainClass, ...args];
  }

  private writeConfig(node: Node, section: string): string {
    const voters = this.nodes.map((n) => controllerVoter(n.facts.id, this.listenerSections.get(n.facts.host)!));
    const file = join(node.dir, 'server.properties');
    writeFileSync(
      file,
      serverProperties(section, { nodeId: node.facts.id, voters, logDir: join(node.dir, 'data'), replicationFactor: Math.min(3, this.nodes.length) }),
    );
    return file;
  }

  /** Fresh storage for every node, formatted for one new cluster id. */
  async format(): Promise<void> {
    // Kafka's own Uuid.randomUuid() never starts with '-', which its command lines would take for an option.
    let clusterId: string;
    do clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-'));
    await Promise.all(
      this.nodes.map(async (node) => {
        rmSync(join(node.dir, 'data'), { recursive: true, force: true });
        const config = this.writeConfig(node, this.listenerSections.get(node.facts.host)!);
        await mustRun('ip', this.java(node, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', config], 'storage-tool.log'));
      }),
    );
  }

  /**
   * Starts every node. `sections` replaces the rendered listener sections for this start only
   * (the shared-name variant); the storage is kept.
   */
  start(sections: ReadonlyMap<string, string> = this.listenerSections): void {
    for (const node of this.nodes) {
      const config = this.writeConfig(node, sections.get(node.facts.host)!);
      node.pid = this.supervisor.start(`kafka ${node.facts.host}`, 'ip', this.java(node, 'kafka.Kafka', [config], 'server.log'), join(node.dir, 'stdout.log'));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => (n.pid === undefined ? undefined : this.supervisor.stop(n.pid))));
    for (const n of this.nodes) delete n.pid;
  }

  /** Metadata as the provider VPC sees it, through a broker's inter-broker listener. */
  async internalMetadata(topic?: string): Promise<KcatMetadata | undefined> {
    const node = this.nodes[0]!;
    const result = await run('ip', ['netns', 'exec', node.namespace, 'kcat', '-L', '-J', '-m', '3', '-b', node.adminAddress, ...(topic ? ['-t', topic] : [])], {
      timeoutMs: 10_000,
    });
    return result.code === 0 ? (JSON.parse(result.stdout) as KcatMetadata) : undefined;
  }

  /** Waits until every node has registered as a broker. */
  async waitReady(timeoutMs = 120_000): Promise<void> {
    await waitFor(
      `${this.size} Kafka brokers to register`,
      async () => {
        for (const n of this.nodes) if (n.pid !== undefined) this.supervisor.assertRunning(n.pid);
        const md = await this.internalMetadata();
        return md !== undefined && md.brokers.length === this.size ? true : undefined;
      },
      timeoutMs,
      1000,
    );
  }

  /**
   * Creates a topic with one partition per broker, led by that broker (explicit replica
   * assignment, preferred leader first), with Kafka's own admin tool, and waits for the leaders.
   * Returns partition → leader broker id.
   */
  async createTopic(topic: string): Promise<Map<number, number>> {
    const ids = this.nodes.map((n) => n.facts.id);
    const rf = Math.min(3, ids.length);
    const assignment = ids.map((_, p) => Array.from({ length: rf }, (_unused, r) => ids[(p + r) % ids.length]!));
    const node = this.nodes[0]!;
    await mustRun(
      'ip',
      this.java(node, 'org.apache.kafka.tools.TopicCommand', [
        '--bootstrap-server',
        node.adminAddress,
        '--create',
        '--topic',
        topic,
        '--replica-assignment',
        assignment.map((replicas) => replicas.join(':')).join(','),
      ], 'topic-command.log'),
      { timeoutMs: 120_000 },
    );
    const expected = new Map(assignment.map((replicas, p) => [p, replicas[0]!] as const));
    await this.waitLeaders(topic, expected);
    return expected;
  }

  /**
   * Waits until every partition is led by its preferred (first) replica again, e.g. after a
   * restart, which leaves leadership wherever the elections put it until the controller rebalances.
   */
  async waitLeaders(topic: string, expected: ReadonlyMap<number, number>): Promise<void> {
    await waitFor(
      `the preferred leaders of ${topic}`,
      async () => {
        const md = await this.internalMetadata(topic);
        const partitions = md?.topics.find((t) => t.topic === topic)?.partitions ?? [];
        return partitions.length === expected.size && partitions.every((p) => expected.get(p.partition) === p.leader) ? true : undefined;
      },
      90_000,
    );
  }
}
