import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BrokerFacts, parseProperties } from './ansible-output';
import { KcatMetadata } from './kcat';
import { Network } from './network';
import { controllerVoter, serverProperties } from './server-properties';
import { mustRun, run, waitFor } from './shell';
import { Supervisor } from './supervisor';

const FETCH_SCRIPT = resolve(__dirname, '..', 'kafka', 'fetch-kafka.sh');
/** The twin's service manager for one broker; Ansible restarts brokers through it. */
export const SERVICE_SCRIPT = resolve(__dirname, '..', 'kafka', 'broker-service.sh');

/** Kafka's command line tools as the Apache tarball's bin/ names them, and the classes they run. */
const TOOLS: Record<string, string> = {
  'kafka-topics.sh': 'org.apache.kafka.tools.TopicCommand',
  'kafka-broker-api-versions.sh': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  'kafka-configs.sh': 'kafka.admin.ConfigCommand',
  'kafka-metadata-quorum.sh': 'org.apache.kafka.tools.MetadataQuorumCommand',
};

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
  /** Of the broker's service loop (broker-service.sh run), not of the JVM it keeps running. */
  pid?: number;
}

/** One line of a broker's service.events. */
export interface ServiceEvent {
  readonly kind: 'restart' | 'started' | 'exited';
  readonly atMs: number;
}

export function parseServiceEvents(text: string): ServiceEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [kind, at] = line.split(' ');
      if ((kind !== 'restart' && kind !== 'started' && kind !== 'exited') || !/^\d+$/.test(at ?? '')) throw new Error(`not a service event: ${JSON.stringify(line)}`);
      return { kind, atMs: Number(at) };
    });
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
  /** Kafka's tools, laid out as the tarball's bin/ (what the role's health gates call). */
  readonly binDir: string;

  constructor(
    private readonly libs: string,
    private readonly supervisor: Supervisor,
    network: Network,
    brokers: readonly BrokerFacts[],
    /** Broker host → the listener section its host vars hold (what the Ansible role sets). */
    private readonly listenerSections: ReadonlyMap<string, string>,
    runDir: string,
  ) {
    this.log4j = join(runDir, 'log4j2.properties');
    writeFileSync(this.log4j, LOG4J2);
    this.binDir = join(runDir, 'kafka-bin');
    mkdirSync(this.binDir, { recursive: true });
    const toolsLog4j = join(runDir, 'tools-log4j2.properties');
    writeFileSync(toolsLog4j, 'rootLogger.level=WARN\nrootLogger.appenderRef.err.ref=err\nappender.err.type=Console\nappender.err.name=err\nappender.err.target=SYSTEM_ERR\nappender.err.layout.type=PatternLayout\nappender.err.layout.pattern=%p %m%n\n');
    for (const [tool, mainClass] of Object.entries(TOOLS)) {
      const jvm = [...JVM.filter((o) => !o.startsWith('-Xm')), '-Xmx192m', `-Dlog4j2.configurationFile=${toolsLog4j}`].join(' ');
      writeFileSync(join(this.binDir, tool), `#!/bin/sh\nexec java ${jvm} -cp '${libs}/*' ${mainClass} "$@"\n`, { mode: 0o755 });
    }
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

  private node(host: string): Node {
    const node = this.nodes.find((n) => n.facts.host === host);
    if (node === undefined) throw new Error(`no broker ${host} in the twin`);
    return node;
  }

  /** The broker's real server.properties, which its JVM reads at start and the Ansible role edits. */
  serverPropertiesPath(host: string): string {
    return join(this.node(host).dir, 'server.properties');
  }

  /** The folder of the broker's service (service.events, service.pid, service.enabled). */
  serviceDir(host: string): string {
    return this.node(host).dir;
  }

  namespaceOf(host: string): string {
    return this.node(host).namespace;
  }

  /** host:port of every broker's inter-broker listener. */
  get adminBootstrap(): string {
    return this.nodes.map((n) => n.adminAddress).join(',');
  }

  serviceEvents(host: string): ServiceEvent[] {
    const file = join(this.node(host).dir, 'service.events');
    return existsSync(file) ? parseServiceEvents(readFileSync(file, 'utf8')) : [];
  }

  /** A JVM of Kafka's (tool or client) in a namespace of the twin. */
  javaIn(namespace: string, mainClass: string, args: readonly string[], logFile: string): string[] {
    return ['netns', 'exec', namespace, ...this.javaArgv(mainClass, args, logFile)];
  }

  /** The command line of a JVM of Kafka's, for a caller that places it. */
  javaArgv(mainClass: string, args: readonly string[], logFile: string): string[] {
    return ['java', ...JVM, `-Dtwin.log=${logFile}`, `-Dlog4j2.configurationFile=${this.log4j}`, '-cp', `${this.libs}/*`, mainClass, ...args];
  }

  /** The broker dies (SIGKILL) and its service does not start it again: a failed machine. */
  async kill(host: string): Promise<void> {
    const node = this.node(host);
    rmSync(join(node.dir, 'service.enabled'), { force: true });
    const pid = readFileSync(join(node.dir, 'service.pid'), 'utf8').trim();
    await mustRun('kill', ['-KILL', pid]);
  }

  /** The broker's service starts it again (within its loop's 0.2 s). */
  revive(host: string): void {
    writeFileSync(join(this.node(host).dir, 'service.enabled'), '');
  }

  private java(node: Node, mainClass: string, args: readonly string[], logName: string): string[] {
    return this.javaIn(node.namespace, mainClass, args, join(node.dir, logName));
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

  /**
   * Fresh storage for every node, formatted for one new cluster id, and each node's first
   * server.properties with `initialSections` (host → listener section) as its listener section.
   */
  async format(initialSections: ReadonlyMap<string, string> = this.listenerSections): Promise<void> {
    // Kafka's own Uuid.randomUuid() never starts with '-', which its command lines would take for an option.
    let clusterId: string;
    do clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-'));
    await Promise.all(
      this.nodes.map(async (node) => {
        rmSync(join(node.dir, 'data'), { recursive: true, force: true });
        const config = this.writeConfig(node, initialSections.get(node.facts.host)!);
        await mustRun('ip', this.java(node, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', config], 'storage-tool.log'));
      }),
    );
  }

  /**
   * Starts every node's service, each running its server.properties as it is, except that
   * `sections` rewrites the file first (the shared-name variant). A host in `disabled` gets its
   * service but no broker: it starts when Ansible restarts it, as a new machine would.
   */
  start(options: { sections?: ReadonlyMap<string, string>; disabled?: ReadonlySet<string> } = {}): void {
    for (const node of this.nodes) {
      if (options.sections) this.writeConfig(node, options.sections.get(node.facts.host)!);
      const enabled = join(node.dir, 'service.enabled');
      if (options.disabled?.has(node.facts.host)) rmSync(enabled, { force: true });
      else writeFileSync(enabled, '');
      const java = this.java(node, 'kafka.Kafka', [this.serverPropertiesPath(node.facts.host)], 'server.log');
      node.pid = this.supervisor.start(`kafka ${node.facts.host}`, 'ip', [...java.slice(0, 3), 'sh', SERVICE_SCRIPT, 'run', node.dir, ...java.slice(3)], join(node.dir, 'stdout.log'), true);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => (n.pid === undefined ? undefined : this.supervisor.stop(n.pid))));
    for (const n of this.nodes) delete n.pid;
  }

  /** A user's SCRAM credential in the cluster's metadata, with Kafka's own kafka-configs. */
  async addScramUser(mechanism: string, user: string, password: string): Promise<void> {
    const node = this.nodes[0]!;
    const args = ['--bootstrap-server', this.adminBootstrap, '--alter', '--add-config', `${mechanism}=[password=${password}]`, '--entity-type', 'users', '--entity-name', user];
    await mustRun('ip', this.java(node, 'kafka.admin.ConfigCommand', args, 'config-command.log'), { timeoutMs: 120_000 });
  }

  /** Metadata as the provider VPC sees it, through a broker's inter-broker listener. */
  async internalMetadata(topic?: string): Promise<KcatMetadata | undefined> {
    const node = this.nodes[0]!;
    const result = await run('ip', ['netns', 'exec', node.namespace, 'kcat', '-L', '-J', '-m', '3', '-b', this.adminBootstrap, ...(topic ? ['-t', topic] : [])], {
      timeoutMs: 10_000,
    });
    return result.code === 0 ? (JSON.parse(result.stdout) as KcatMetadata) : undefined;
  }

  /** Waits until every node (but `except`) has registered as a broker. */
  async waitReady(timeoutMs = 180_000, except: ReadonlySet<string> = new Set()): Promise<void> {
    const expected = this.size - except.size;
    await waitFor(
      `${expected} Kafka brokers to register`,
      async () => {
        for (const n of this.nodes) if (n.pid !== undefined) this.supervisor.assertRunning(n.pid);
        const md = await this.internalMetadata();
        return md !== undefined && md.brokers.length === expected ? true : undefined;
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
  async createTopic(topic: string, configs: Readonly<Record<string, string>> = {}): Promise<Map<number, number>> {
    const ids = this.nodes.map((n) => n.facts.id);
    const rf = Math.min(3, ids.length);
    const assignment = ids.map((_, p) => Array.from({ length: rf }, (_unused, r) => ids[(p + r) % ids.length]!));
    const node = this.nodes[0]!;
    await mustRun(
      'ip',
      this.java(node, 'org.apache.kafka.tools.TopicCommand', [
        '--bootstrap-server',
        this.adminBootstrap,
        '--create',
        '--topic',
        topic,
        '--replica-assignment',
        assignment.map((replicas) => replicas.join(':')).join(','),
        ...Object.entries(configs).flatMap(([k, v]) => ['--config', `${k}=${v}`]),
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
