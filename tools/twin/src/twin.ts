import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUMER_OUTPUTS } from '@kafka-privatelink/plan';
import { BrokerFacts, parseProperties, readListenerProperties } from './ansible-output';
import { ClassifiedConnection, classify, CrossAzSummary, LoggedConnection, summarize } from './connection-log';
import { Exposure } from './exposure';
import { Haproxy } from './haproxy';
import { KafkaCluster } from './kafka-cluster';
import { KafkaClients } from './kcat';
import { createNetwork, Network } from './network';
import { Check, check } from './report';
import { PlaybookRun } from './rollout';
import { listenerSection, withoutListener } from './server-properties';
import { run } from './shell';
import { Supervisor } from './supervisor';
import { buildTopology, Client, Topology } from './topology';

/** How a twin starts beyond its listener sections. */
export interface TwinOptions {
  /** Hosts that get their service but stay stopped. */
  readonly disabled?: ReadonlySet<string>;
  /** Runs after the storage is formatted, before any broker starts (may edit server.properties). */
  readonly beforeStart?: (cluster: KafkaCluster) => Promise<void>;
  /** librdkafka properties every client of the consumer VPCs sets besides the generated ones (TLS, SASL). */
  readonly clientConfig?: ReadonlyMap<string, string>;
}

/** One running twin of one synth output. */
export class Twin {
  private constructor(
    readonly exposure: Exposure,
    readonly topology: Topology,
    readonly network: Network,
    readonly cluster: KafkaCluster,
    readonly haproxy: Haproxy,
    readonly clients: KafkaClients,
    readonly supervisor: Supervisor,
  ) {}

  /**
   * Starts the network, the brokers (each from its server.properties with `initialSections` as
   * listener section; `beforeStart` may edit the files first; `disabled` hosts stay stopped) and
   * HAProxy. The NLB's targets become healthy only once the brokers have their client listener.
   */
  static async up(
    exposure: Exposure,
    sections: ReadonlyMap<string, string>,
    initialSections: ReadonlyMap<string, string>,
    libs: string,
    runDir: string,
    supervisor: Supervisor,
    log: (l: string) => void,
    options: TwinOptions = {},
  ): Promise<Twin> {
    mkdirSync(runDir, { recursive: true });
    const topology = buildTopology(exposure.provider, exposure.consumers, exposure.brokers, exposure.world);
    writeFileSync(join(runDir, 'topology.json'), JSON.stringify(topology, null, 2));
    const network = await createNetwork(topology, supervisor);
    log(`network: ${network.brokers.size} broker hosts, NLB at ${topology.nlbAddress}, ${topology.enis.length} ENIs, ${topology.clients.length} client hosts`);
    const cluster = new KafkaCluster(libs, supervisor, network, topology.brokers, sections, runDir);
    await cluster.format(initialSections);
    await options.beforeStart?.(cluster);
    const disabled = options.disabled ?? new Set<string>();
    cluster.start({ disabled });
    await cluster.waitReady(180_000, disabled);
    log(`kafka: ${cluster.size - disabled.size} brokers registered${disabled.size ? `, ${[...disabled].join(', ')} not started` : ''}`);
    const haproxy = new Haproxy(topology, supervisor, network.nlb, runDir);
    await haproxy.start();
    const consumer = exposure.consumers[0]!;
    const bootstrap = consumer.model.outputs.get(CONSUMER_OUTPUTS.bootstrapServers);
    if (typeof bootstrap !== 'string') throw new Error(`${consumer.stack} has no ${CONSUMER_OUTPUTS.bootstrapServers} output`);
    // The consumers' recommended idle limit keeps the clients, not the NLB, closing idle connections.
    const idle = consumer.model.outputs.get(CONSUMER_OUTPUTS.connectionsMaxIdleMs);
    const config = new Map([...(idle === undefined ? [] : [['connections.max.idle.ms', String(idle)] as const]), ...(options.clientConfig ?? [])]);
    return new Twin(exposure, topology, network, cluster, haproxy, new KafkaClients(topology, network, runDir, bootstrap, config), supervisor);
  }

  async down(): Promise<void> {
    await this.haproxy.stop();
    await this.cluster.stop();
    this.supervisor.removeNamespaces();
  }

  classified(connections: readonly LoggedConnection[]): { ok: ClassifiedConnection[]; problems: string[] } {
    const ok: ClassifiedConnection[] = [];
    const problems: string[] = [];
    for (const c of connections) {
      const r = classify(c, this.topology);
      if (r.ok) ok.push(r.connection);
      else problems.push(r.reason);
    }
    return { ok, problems };
  }

  /** Metadata through the bootstrap name from every client host: every broker at `<zonal name>:<port>` (or `expectName`). */
  async metadataCheck(expectName: (b: BrokerFacts) => string): Promise<Check> {
    const expected = this.topology.brokers.map((b) => `${b.id}@${expectName(b)}:${b.nlbPort}`).join(' ');
    const wrong: string[] = [];
    for (const client of this.topology.clients) {
      const md = await this.clients.metadata(client);
      const seen = [...md.brokers]
        .sort((a, b) => a.id - b.id)
        .map((b) => `${b.id}@${b.name}`)
        .join(' ');
      if (seen !== expected) wrong.push(`${client.azId}: ${seen}`);
    }
    return check(
      `metadata via ${this.clients.bootstrapServers}`,
      wrong.length === 0,
      wrong.length === 0 ? `${expected} (from ${this.topology.clients.length} client AZs)` : `expected ${expected}; ${wrong.join('; ')}`,
    );
  }

  /**
   * Produces to one partition per broker (each led by that broker) from the first client, reads
   * everything back from the last client: all of it, in order per partition, nothing twice.
   */
  async produceConsume(topic: string, perPartition: number): Promise<{ check: Check; produced: number; consumed: number; leaders: Map<number, number>; connections: LoggedConnection[] }> {
    const leaders = await this.cluster.createTopic(topic);
    const mark = this.haproxy.logMark();
    const producer = this.topology.clients[0]!;
    const consumer = this.topology.clients[this.topology.clients.length - 1]!;
    const sent = new Map<number, string[]>();
    for (const partition of leaders.keys()) {
      const values = Array.from({ length: perPartition }, (_, i) => `${topic}-p${partition}-m${i}`);
      await this.clients.produce(producer, topic, partition, values);
      sent.set(partition, values);
    }
    const messages = await this.clients.consume(consumer, topic);
    const problems: string[] = [];
    let consumed = 0;
    for (const [partition, values] of sent) {
      const got = messages.filter((m) => m.partition === partition);
      const inOrder = got.every((m, i) => m.value === values[i] && (i === 0 || m.offset > got[i - 1]!.offset));
      if (got.length !== values.length || !inOrder) problems.push(`partition ${partition}: ${got.length}/${values.length}${inOrder ? '' : ', out of order'}`);
      consumed += Math.min(got.length, values.length);
    }
    const produced = perPartition * leaders.size;
    const stray = messages.filter((m) => !sent.has(m.partition)).length;
    if (stray > 0) problems.push(`${stray} messages from unknown partitions`);
    return {
      check: check(
        `produce ${producer.azId} → consume ${consumer.azId} (${topic})`,
        problems.length === 0 && consumed === produced,
        problems.length === 0 ? `${consumed}/${produced} messages, ${leaders.size} partitions led by ${[...leaders.values()].join(', ')}, in order` : problems.join('; '),
      ),
      produced,
      consumed,
      leaders,
      connections: this.haproxy.connectionsSince(mark),
    };
  }

  /** Brokers whose own NLB listener carried a client connection to them, and whose target is healthy. */
  async reachable(connections: readonly LoggedConnection[]): Promise<{ reached: BrokerFacts[]; missing: string[] }> {
    const status = await this.haproxy.serverStatus();
    const { ok } = this.classified(connections);
    const reached: BrokerFacts[] = [];
    const missing: string[] = [];
    for (const b of this.topology.brokers) {
      const through = ok.some((c) => c.kind === 'broker' && c.listenerBrokerId === b.id && c.brokerId === b.id);
      const healthy = status.filter((s) => s.server === b.host).every((s) => s.status === 'UP');
      if (through && healthy) reached.push(b);
      else missing.push(`${b.id}${through ? '' : ' (no connection through its port)'}${healthy ? '' : ' (unhealthy)'}`);
    }
    return { reached, missing };
  }

  /** Every broker listener forwarded only to its own broker; every connection placed on the AZ map. */
  routingCheck(connections: readonly LoggedConnection[]): Check {
    const { ok, problems } = this.classified(connections);
    const misrouted = ok.filter((c) => c.kind === 'broker' && c.listenerBrokerId !== c.brokerId);
    const all = [...problems, ...misrouted.map((c) => `port of ${c.listenerBrokerId} went to ${c.brokerId}`)];
    return check(
      'each broker port reaches only its broker',
      all.length === 0 && ok.length > 0,
      all.length === 0 ? `${ok.filter((c) => c.kind === 'broker').length} broker and ${ok.filter((c) => c.kind === 'bootstrap').length} bootstrap connections` : all.slice(0, 3).join('; '),
    );
  }

  /** Client sessions from every client host in parallel; each reads the last message of every partition. */
  async sessions(topic: string, perClient: number): Promise<{ summary: CrossAzSummary; problems: string[]; failed: number }> {
    const mark = this.haproxy.logMark();
    let failed = 0;
    await Promise.all(
      this.topology.clients.map(async (client: Client) => {
        for (let i = 0; i < perClient; i++) {
          const r = await this.clients.kcat(client, ['-C', '-t', topic, '-o', '-1', '-e', '-q']);
          if (r.code !== 0) failed++;
        }
      }),
    );
    const { ok, problems } = this.classified(this.haproxy.connectionsSince(mark));
    return { summary: summarize(ok), problems, failed };
  }

  /** A client host reaches the brokers' own addresses only through the endpoint, never directly. */
  async isolationCheck(): Promise<Check> {
    const client = this.topology.clients[0]!;
    const broker = this.topology.brokers[0]!;
    const ns = this.network.clients.get(`${client.consumer}/${client.azId}`)!;
    const target = this.topology.backends.flatMap((b) => b.servers).find((s) => s.name === broker.host)!;
    const r = await run('ip', ['netns', 'exec', ns, 'kcat', '-L', '-m', '3', '-b', `${target.address}:${target.port}`], { timeoutMs: 20_000 });
    return check('consumer VPC reaches brokers only via the endpoint', r.code !== 0, `${client.azId} → ${target.address}:${target.port} directly: ${r.code === 0 ? 'reachable' : 'unreachable'}`);
  }
}

/** Every broker's listener section from its host vars: what the Ansible role is to set. */
export function targetSections(exposure: Exposure, ansibleDir: string): Map<string, string> {
  return new Map(exposure.brokers.map((b) => [b.host, listenerSection(readListenerProperties(ansibleDir, b.host))] as const));
}

/** The same sections before PrivateLink: without the listener advertised under the zonal name. */
export function prePrivateLinkSections(exposure: Exposure, sections: ReadonlyMap<string, string>): Map<string, string> {
  return new Map(
    exposure.brokers.map((b) => {
      const section = sections.get(b.host)!;
      const client = (parseProperties(section).get('advertised.listeners') ?? '').split(',').find((e) => e.includes(`://${b.advertisedName}:`));
      if (client === undefined) throw new Error(`${b.host}: no listener advertises ${b.advertisedName}`);
      return [b.host, withoutListener(section, client.split('://')[0]!)] as const;
    }),
  );
}

/** One line that says why a playbook run failed: its exit code and its last fatal task. */
export const playbookFailure = (run: PlaybookRun): string => {
  const fatal = run.stdout.split('\n').filter((l) => l.startsWith('fatal:')).slice(-1)[0];
  return `ansible-playbook exited with ${run.code}${fatal ? `: ${fatal.slice(0, 400)}` : ''}`;
};
