import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { CONSUMER_OUTPUTS } from '@kafka-privatelink/plan';
import { BrokerFacts } from './ansible-output';
import { copySpec, Exposure, readExposure, synth } from './exposure';
import { classifyFailure, failureLine, FaultRow, faultsTable } from './fault-report';
import { healthCheckModel } from './health-check';
import { SilentDrop, SilentDropReport } from './idle';
import { KafkaCluster, kafkaLibs, SERVICE_SCRIPT } from './kafka-cluster';
import { KcatMetadata, KcatOverrides } from './kcat';
import { silence } from './network';
import { Ack, ContinuousTraffic, ProducerPlacement, runPlaybook, twinInventory } from './rollout';
import { mustRun, run, sleep, waitFor } from './shell';
import { Supervisor } from './supervisor';
import { BrokerKeystore, TestCa } from './tls';
import { Client } from './topology';
import { playbookFailure, prePrivateLinkSections, targetSections, Twin } from './twin';

export interface FaultsOptions {
  readonly specPath: string;
  readonly workDir: string;
  readonly supervisor: Supervisor;
  readonly log: (line: string) => void;
}

export interface FaultsResult {
  readonly rows: readonly FaultRow[];
  readonly table: string;
}

/** HAProxy's check interval in the twin (the spec's thresholds, a shorter interval). */
const CHECK_INTERVAL_MS = 1000;
/** The NLB idle timeout the twin's spec variant sets: the smallest the spec allows. */
const IDLE_TIMEOUT_SECONDS = 60;
const SCRAM_USER = 'twin-client';
const SCRAM_PASSWORD = 'twin-test-only-secret';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const millis = (n: number): string => (n < 1000 ? `${n} ms` : seconds(n));

/** A copy of the spec with the client listener on `protocol` and the NLB idle timeout shortened, synthesized by the real app. */
async function synthVariant(specPath: string, dir: string, protocol: 'SSL' | 'SASL_SSL'): Promise<{ exposure: Exposure; ansibleDir: string }> {
  const spec = copySpec(specPath, join(dir, 'spec'));
  const doc = parseDocument(readFileSync(spec.specPath, 'utf8'));
  doc.setIn(['kafka', 'clientListener', 'securityProtocol'], protocol);
  doc.setIn(['provider', 'idleTimeoutSeconds'], IDLE_TIMEOUT_SECONDS);
  writeFileSync(spec.specPath, doc.toString());
  const out = join(dir, 'synth');
  await synth(spec, out);
  return { exposure: readExposure(spec, out), ansibleDir: join(out, 'ansible') };
}

/**
 * Starts a twin whose brokers get their listeners, TLS (and SASL) keys from the real playbook
 * before they first start (restart off), with the host vars a deployment would give the role.
 */
async function tlsTwin(
  variant: { exposure: Exposure; ansibleDir: string },
  keystores: ReadonlyMap<string, BrokerKeystore>,
  roleVars: Record<string, unknown>,
  clientConfig: ReadonlyMap<string, string>,
  libs: string,
  runDir: string,
  options: FaultsOptions,
  add: (row: FaultRow) => void,
): Promise<Twin> {
  const { exposure, ansibleDir } = variant;
  const sections = targetSections(exposure, ansibleDir);
  const twin = await Twin.up(exposure, sections, prePrivateLinkSections(exposure, sections), libs, runDir, options.supervisor, options.log, {
    clientConfig,
    beforeStart: async (cluster: KafkaCluster) => {
      const overlay = join(runDir, 'twin-inventory-tls.yml');
      writeFileSync(overlay, twinInventory(cluster, exposure.brokers.map((b) => b.host), 300, (host) => ({ kafka_listeners_client_tls: keystores.get(host)!.roleVars })));
      const play = await runPlaybook([join(ansibleDir, 'inventory.yml'), overlay], { ...roleVars, kafka_listeners_restart: false }, join(runDir, 'ansible-tls.log'));
      const files = exposure.brokers.map((b) => readFileSync(cluster.serverPropertiesPath(b.host), 'utf8'));
      const protocol = String(exposure.spec.kafka.clientListener.securityProtocol);
      const keys = files.every((f) => f.includes(`listener.name.${exposure.spec.kafka.clientListener.name.toLowerCase()}.ssl.keystore.location=`));
      add({
        name: `${protocol}: the Ansible role sets the client listener`,
        passed: play.code === 0 && keys,
        detail: play.code === 0 ? `${exposure.brokers.map((b) => `${b.host} changed=${play.recap.get(b.host)?.changed}`).join(', ')}; ${keys ? `listener.name.*.ssl.* ${protocol === 'SASL_SSL' ? 'and sasl.* ' : ''}in every server.properties` : 'TLS keys missing'}` : playbookFailure(play),
      });
      if (play.code !== 0) throw new Error(`the playbook could not set the ${protocol} listener: ${playbookFailure(play)}`);
    },
  });
  await twin.haproxy.waitHealthy(120_000);
  return twin;
}

/** `kcat -L` from a client with another bootstrap: the brokers it lists, or its failure. */
async function metadataVia(twin: Twin, client: Client, bootstrap: string, overrides: KcatOverrides = {}, timeoutSeconds = 10): Promise<{ ok: boolean; brokers: number; output: string; ms: number }> {
  const started = Date.now();
  const r = await twin.clients.kcat(client, ['-L', '-J', '-m', String(timeoutSeconds)], undefined, (timeoutSeconds + 20) * 1000, { ...overrides, bootstrap });
  const ms = Date.now() - started;
  if (r.code !== 0) return { ok: false, brokers: 0, output: `${r.stderr}\n${r.stdout}`, ms };
  return { ok: true, brokers: (JSON.parse(r.stdout) as KcatMetadata).brokers.length, output: r.stderr, ms };
}

/** Each name clients use (the shared bootstrap name, every zonal name) passes hostname verification from every AZ. */
async function verifiedNames(twin: Twin, label: string, add: (row: FaultRow) => void): Promise<void> {
  const first = twin.topology.brokers[0]!;
  const shared = first.bootstrapServers;
  const names = [
    { address: shared, what: 'shared bootstrap name' },
    ...twin.topology.brokers.map((b) => ({ address: `${b.advertisedName}:${b.nlbPort}`, what: `zonal name of broker ${b.id}` })),
  ];
  for (const name of names) {
    const results = await Promise.all(twin.topology.clients.map(async (c) => ({ c, r: await metadataVia(twin, c, name.address) })));
    const bad = results.filter(({ r }) => !r.ok || r.brokers !== twin.topology.brokers.length);
    add({
      name: `${label}: ${name.address} (${name.what}) verified`,
      passed: bad.length === 0,
      detail: bad.length === 0 ? `hostname verification on, from ${results.map(({ c }) => c.azId).join(', ')}: ${twin.topology.brokers.length} brokers listed` : bad.map(({ c, r }) => `${c.azId}: ${failureLine(r.output)}`).join('; '),
    });
  }
}

/** Where the continuous producer runs: a client host of a consumer VPC, through the generated bootstrap. */
function producerOn(twin: Twin, client: Client, properties: string): ProducerPlacement {
  // Round robin over every partition, so that each broker leads some of the traffic.
  const spread = 'partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner\n';
  return { place: (argv) => twin.clients.onClientHost(client, argv), bootstrap: twin.clients.bootstrapServers, properties: `${properties}${spread}` };
}

/** HAProxy's health of one broker's targets: `UP` or `DOWN` when every target group agrees, else undefined. */
async function targetState(twin: Twin, broker: BrokerFacts): Promise<'UP' | 'DOWN' | undefined> {
  const rows = (await twin.haproxy.serverStatus()).filter((r) => r.server === broker.host);
  if (rows.length > 0 && rows.every((r) => r.status === 'UP')) return 'UP';
  if (rows.length > 0 && rows.every((r) => r.status.startsWith('DOWN'))) return 'DOWN';
  return undefined;
}

const registered = async (twin: Twin, id: number): Promise<boolean> => (await twin.cluster.internalMetadata())?.brokers.some((b) => b.id === id) ?? false;

const leaderOf = async (twin: Twin, topic: string, partition: number): Promise<number | undefined> =>
  (await twin.cluster.internalMetadata(topic))?.topics.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.leader;

/**
 * One broker dies while a client of the consumer VPC produces (acks=all) through PrivateLink:
 * HAProxy's checks (the spec's thresholds) mark its targets down, bootstrap through the shared name
 * keeps working, the producer follows the new leader, no acked message is lost, and the broker
 * rejoins and is healthy again.
 */
async function brokerStops(twin: Twin, runDir: string, producerProperties: string, log: (l: string) => void): Promise<FaultRow[]> {
  const topic = 'twin-fault-broker';
  const leaders = await twin.cluster.createTopic(topic, { 'min.insync.replicas': '2' });
  const dir = join(runDir, 'fault-broker');
  mkdirSync(dir, { recursive: true });
  const traffic = new ContinuousTraffic(twin.cluster, twin.supervisor, twin.network.providerClient, dir, topic, producerOn(twin, twin.topology.clients[0]!, producerProperties));
  traffic.start(50);
  await traffic.waitAcked(100);
  const victim = twin.topology.brokers[1] ?? twin.topology.brokers[0]!;
  const partition = [...leaders].find(([, leader]) => leader === victim.id)![0];
  const model = healthCheckModel(twin.topology.backends.find((b) => b.servers.some((s) => s.name === victim.host))!.healthCheck, CHECK_INTERVAL_MS);
  log(`fault: broker ${victim.id} dies (SIGKILL) under acks=all traffic from ${twin.topology.clients[0]!.azId}`);
  const killedAt = Date.now();
  await twin.cluster.kill(victim.host);
  const downAt = await waitFor(`HAProxy to mark ${victim.host} down`, async () => ((await targetState(twin, victim)) === 'DOWN' ? Date.now() : undefined), 60_000, 100);
  const bootstraps = await Promise.all(twin.topology.clients.map((c) => metadataVia(twin, c, twin.clients.bootstrapServers)));
  const electedAt = await waitFor(`a new leader of partition ${partition}`, async () => {
    const leader = await leaderOf(twin, topic, partition);
    return leader !== undefined && leader !== victim.id ? Date.now() : undefined;
  }, 120_000, 200);
  const newLeader = await leaderOf(twin, topic, partition);
  // Acks of requests in flight when the broker died can still arrive; the new leader's come after its election.
  const movedAt = await waitFor(`an ack on partition ${partition} from its new leader`, async () => traffic.acks().find((a: Ack) => a.partition === partition && a.atMs > electedAt)?.atMs, 120_000, 200);
  await traffic.waitAcked(50);

  log(`fault: broker ${victim.id} comes back`);
  const revivedAt = Date.now();
  twin.cluster.revive(victim.host);
  const registeredAt = await waitFor(`broker ${victim.id} to register again`, async () => ((await registered(twin, victim.id)) ? Date.now() : undefined), 120_000, 200);
  const upAt = await waitFor(`HAProxy to mark ${victim.host} up`, async () => ((await targetState(twin, victim)) === 'UP' ? Date.now() : undefined), 60_000, 100);
  await traffic.waitAcked(100);
  const counts = await traffic.stop();
  const bootOk = bootstraps.filter((b) => b.ok).length;
  const detection = downAt - killedAt;
  const healthy = upAt - registeredAt;
  return [
    {
      name: `fault: broker ${victim.id} stops (SIGKILL)`,
      passed: detection <= model.downWithinMs + CHECK_INTERVAL_MS && bootOk === bootstraps.length && newLeader !== undefined && newLeader !== victim.id && counts.acked > 0 && counts.lost === 0,
      detectionMs: detection,
      recoveryMs: movedAt - killedAt,
      ackedLost: counts.lost,
      detail:
        `HAProxy "${model.haproxy}" marked its targets down (model: ≤ ${seconds(model.downWithinMs)}; the NLB with the spec's ${model.nlbDownWithinSeconds / twin.topology.backends[0]!.healthCheck.unhealthyThreshold} s interval: ≤ ${model.nlbDownWithinSeconds} s); ` +
        `bootstrap via ${twin.clients.bootstrapServers} from ${bootOk}/${bootstraps.length} AZs while it was down; partition ${partition} got leader ${newLeader} after ${seconds(electedAt - killedAt)} (the controller fences a silent broker after broker.session.timeout.ms, 9 s), the producer's first ack from it after ${seconds(movedAt - killedAt)}; ` +
        `${counts.consumed}/${counts.acked} acked consumed, ${counts.duplicated} duplicated, ${counts.sendErrors} send errors`,
    },
    {
      name: `fault: broker ${victim.id} comes back and rejoins`,
      passed: healthy <= model.upWithinMs + CHECK_INTERVAL_MS + 2000,
      detectionMs: registeredAt - revivedAt,
      recoveryMs: upAt - revivedAt,
      detail: `registered after ${seconds(registeredAt - revivedAt)} (JVM start, KRaft catch-up), targets healthy ${seconds(healthy)} later (model: ≤ ${seconds(model.upWithinMs)} after the port opens; NLB: ≤ ${model.nlbUpWithinSeconds} s)`,
    },
  ];
}

/** Every client host's packets to `addresses` go to a MAC address nobody has, and vanish; or no longer. */
async function blackhole(twin: Twin, addresses: readonly string[], on: boolean): Promise<void> {
  for (const ns of twin.network.clients.values()) {
    for (const a of addresses) await silence(ns, 'eth0', a, on);
  }
}

/**
 * The consumer's endpoint interface in one AZ is unreachable (its packets vanish, no error comes
 * back). Clients in the other AZs keep working with the brokers they reach through the other
 * ENIs; the failed AZ's client fails through its zonal name and recovers when the ENI returns.
 */
async function eniUnreachable(twin: Twin, runDir: string, producerProperties: string, log: (l: string) => void): Promise<FaultRow[]> {
  const clients = twin.topology.clients;
  const failed = clients[clients.length - 1]!;
  const others = clients.filter((c) => c !== failed);
  const enis = twin.topology.enis.filter((e) => e.azId === failed.azId).map((e) => e.address);
  const stranded = twin.topology.brokers.filter((b) => b.azId === failed.azId);
  const reachable = twin.topology.brokers.filter((b) => b.azId !== failed.azId);
  const topic = 'twin-fault-eni';
  const trafficLeaders = await twin.cluster.createTopic(topic, { 'min.insync.replicas': '2' });
  // The sessions read a topic nobody writes to while they run, so that each reaches its end.
  const quiet = 'twin-fault-eni-read';
  const leaders = await twin.cluster.createTopic(quiet);
  for (const partition of leaders.keys()) await twin.clients.produce(clients[0]!, quiet, partition, ['a', 'b', 'c']);
  const dir = join(runDir, 'fault-eni');
  mkdirSync(dir, { recursive: true });
  const traffic = new ContinuousTraffic(twin.cluster, twin.supervisor, twin.network.providerClient, dir, topic, producerOn(twin, others[0]!, producerProperties));
  traffic.start(50);
  await traffic.waitAcked(100);

  log(`fault: the ENI of ${failed.azId} (${enis.join(', ')}) becomes unreachable`);
  const cutAt = Date.now();
  await blackhole(twin, enis, true);
  // Route 53 answers an endpoint's regional name with its healthy interfaces only.
  twin.clients.leaveOut(enis);
  // The other AZs' clients read the partitions led by the brokers outside the failed AZ,
  // bootstrapping through the shared name.
  const mark = twin.haproxy.logMark();
  let sessions = 0;
  const errors: string[] = [];
  const slow: number[] = [];
  await Promise.all(
    others.map(async (c) => {
      for (const [partition, leader] of leaders) {
        if (!reachable.some((b) => b.id === leader)) continue;
        sessions++;
        const started = Date.now();
        const r = await twin.clients.kcat(c, ['-C', '-t', quiet, '-p', String(partition), '-o', '-1', '-e', '-q'], undefined, 60_000);
        const ms = Date.now() - started;
        if (r.code !== 0) errors.push(`${c.azId} p${partition}: exit ${r.code} after ${seconds(ms)}: ${failureLine(r.stderr)}`);
        else if (ms > 5_000) slow.push(ms);
      }
    }),
  );
  const { ok } = twin.classified(twin.haproxy.connectionsSince(mark));
  const brokerConnections = ok.filter((c) => c.kind === 'broker');
  const crossed = brokerConnections.filter((c) => c.needlessCrossing).length;

  const zonal = stranded[0] ?? twin.topology.brokers[0]!;
  const zonalTry = await metadataVia(twin, failed, `${zonal.advertisedName}:${zonal.nlbPort}`, {}, 5);
  const sharedTry = await metadataVia(twin, failed, twin.clients.bootstrapServers, {}, 60);
  const strandedAcks = (since: number): Ack[] => traffic.acks().filter((a) => a.atMs > since && stranded.some((b) => trafficLeaders.get(a.partition) === b.id));
  const stalled = strandedAcks(cutAt + 1000).length;

  log(`fault: the ENI of ${failed.azId} returns`);
  const backAt = Date.now();
  await blackhole(twin, enis, false);
  twin.clients.leaveOut([]);
  const recoveredAt = await waitFor(`${failed.azId} to reach ${zonal.advertisedName} again`, async () => ((await metadataVia(twin, failed, `${zonal.advertisedName}:${zonal.nlbPort}`, {}, 5)).ok ? Date.now() : undefined), 120_000, 200);
  const resumedAt = stranded.length === 0 ? backAt : await waitFor(`acks on the partitions led by ${stranded.map((b) => b.id).join(', ')} again`, async () => strandedAcks(backAt)[0]?.atMs, 120_000, 200);
  await traffic.waitAcked(100);
  const resumed = strandedAcks(backAt).length;
  const counts = await traffic.stop();
  return [
    {
      name: `fault: ENI of ${failed.azId} unreachable: the other AZs`,
      passed: errors.length === 0 && brokerConnections.length > 0 && crossed === 0 && counts.lost === 0 && (stranded.length === 0 || resumed > 0),
      ackedLost: counts.lost,
      detail:
        `${sessions - errors.length}/${sessions} sessions from ${others.map((c) => c.azId).join(', ')} on the partitions led by ${reachable.map((b) => b.id).join(', ')} succeeded${errors.length ? ` (${errors.slice(0, 2).join('; ')})` : ''}` +
        `${slow.length ? `, ${slow.length} of them slow (${slow.map(seconds).join(', ')})` : ''}, ` +
        `${crossed}/${brokerConnections.length} broker connections crossed AZs needlessly; their producer: ${counts.consumed}/${counts.acked} acked consumed, ` +
        `${stalled} acks on the partitions led by ${stranded.map((b) => b.id).join(', ')} while the ENI was down (every client reaches those brokers only through that ENI), ${resumed} after it returned (the first ${seconds(resumedAt - backAt)} after)`,
    },
    {
      name: `fault: ENI of ${failed.azId} unreachable: its own AZ`,
      passed: !zonalTry.ok && zonalTry.ms < 30_000 && recoveredAt - backAt < 30_000,
      detectionMs: zonalTry.ms,
      recoveryMs: recoveredAt - backAt,
      detail:
        `${zonal.advertisedName}:${zonal.nlbPort} failed after ${seconds(zonalTry.ms)} (kcat -m 5: "${failureLine(zonalTry.output).slice(0, 90)}"), works again ${seconds(recoveredAt - backAt)} after the ENI returned; ` +
        `the shared name ${twin.clients.bootstrapServers} ${sharedTry.ok ? `still served it (metadata after ${seconds(sharedTry.ms)}, through the other AZs' ENIs it answers)` : `did not serve it within 60 s: ${failureLine(sharedTry.output).slice(0, 90)}`}`,
    },
  ];
}

/** The twin's idle client, run from source by the JDK (tools/twin/kafka/IdleProducer.java). */
const IDLE_PRODUCER = resolve(__dirname, '..', 'kafka', 'IdleProducer.java');

/** One message of the idle client, as it prints it: when it went out and came back, and what its producer's metrics saw meanwhile. */
interface IdleSend {
  readonly value: string;
  readonly sentAtMs: number;
  readonly ackedAtMs?: number;
  readonly error?: string;
  /** Connections open when the message was sent. */
  readonly openAtSend: number;
  /** Connections the client closed during the idle time (the second message only). */
  readonly closedWhileIdle?: number;
  /** Connections closed, opened and records retried between the send and the ack. */
  readonly closed: number;
  readonly opened: number;
  readonly retries: number;
  /** From the send to the first connection the producer lost or closed. */
  readonly firstCloseAfterMs?: number;
}

/** A run of the idle client on a client host: it sends once, holds its connections until `sendAgain`, then sends once more and exits. */
class IdleClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: IdleSend[] = [];
  private readonly logFile: string;
  private firstAck?: () => void;
  readonly firstAcked: Promise<void>;
  readonly done: Promise<{ code: number | null; output: string; log: string; sends: readonly IdleSend[] }>;

  constructor(twin: Twin, readonly client: Client, topic: string, readonly key: string, properties: string, runDir: string) {
    const props = join(runDir, `${key}.properties`);
    writeFileSync(props, properties);
    this.logFile = join(runDir, `${key}.log`);
    writeFileSync(this.logFile, '');
    const argv = twin.clients.onClientHost(client, twin.cluster.javaArgv(IDLE_PRODUCER, [twin.clients.bootstrapServers, topic, props, key], this.logFile));
    this.child = spawn('ip', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.firstAcked = new Promise((resolve) => (this.firstAck = resolve));
    this.done = new Promise((resolve, reject) => {
      const out: string[] = [];
      let pending = '';
      this.child.stdout.on('data', (b: Buffer) => {
        pending += b.toString('utf8');
        for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n')) {
          const line = pending.slice(0, at);
          pending = pending.slice(at + 1);
          out.push(line);
          if (line.startsWith('{')) this.lines.push(JSON.parse(line) as IdleSend);
          if (this.lines.length === 1) this.firstAck?.();
        }
      });
      this.child.stderr.on('data', (b: Buffer) => out.push(b.toString('utf8')));
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 600_000);
      this.child.on('error', reject);
      this.child.on('close', (code) => {
        clearTimeout(timer);
        this.firstAck?.();
        resolve({ code, output: `${out.join('\n')}${pending}`, log: readFileSync(this.logFile, 'utf8'), sends: this.lines });
      });
    });
  }

  /** When its first message was acknowledged (undefined when it was not). */
  get firstAckedAtMs(): number | undefined {
    return this.lines[0]?.ackedAtMs;
  }

  sendAgain(): void {
    this.child.stdin.end('send\n');
  }
}

/** The line of a Java client's log that says a request met a broken connection (the producer's retry warning first), without its time stamp. */
function brokenLine(log: string): string | undefined {
  const lines = log.split('\n');
  const found = [/NETWORK_EXCEPTION/, /Connection reset by peer|disconnected/i].map((p) => lines.find((l) => p.test(l))).find((l) => l !== undefined);
  return found?.replace(/^\[[^\]]*\]\s*/, '').replace(/\[(Producer|Consumer) clientId=[^\]]*\]\s*/, '').replace(/\s*\([a-z.]+\.[A-Za-z]+\)$/, '').slice(0, 200);
}

/**
 * Idle connections past the NLB's idle timeout (the spec variant's 60 s, HAProxy's `timeout
 * client`/`timeout server` from the listener's `tcp_idle_timeout_seconds`), side by side: a Java
 * producer with the generated `connections.max.idle.ms` and one with the Java client's default
 * (540000 ms). Each sends a message, idles past the timeout while `SilentDrop` plays the NLB's
 * silent forgetting on its connections, and sends again.
 */
async function idleConnections(twin: Twin, runDir: string, tlsProperties: string, log: (l: string) => void): Promise<FaultRow[]> {
  const topic = 'twin-fault-idle';
  await twin.cluster.createTopic(topic);
  const timeoutSeconds = twin.topology.frontends[0]!.idleTimeoutSeconds ?? 350;
  const timeoutMs = timeoutSeconds * 1000;
  const generated = Number(twin.exposure.consumers[0]!.model.outputs.get(CONSUMER_OUTPUTS.connectionsMaxIdleMs));
  const base = `${tlsProperties.replace(/^connections\.max\.idle\.ms=.*\n/m, '')}acks=all\nenable.idempotence=true\n`;
  const cases = [
    { key: 'idle-generated', properties: `${base}connections.max.idle.ms=${generated}\n` },
    { key: 'idle-default', properties: base },
  ];
  // Two client hosts when the topology has them, so that each host's connections are one client's.
  const hosts = [twin.topology.clients[0]!, twin.topology.clients[1] ?? twin.topology.clients[0]!];
  const together = hosts[0]!.address !== hosts[1]!.address;
  log(`fault: producers idle ${timeoutSeconds + 15} s past the NLB's ${timeoutSeconds} s idle timeout${together ? ', side by side' : ', one after the other'}: connections.max.idle.ms=${generated} (generated) and the Java default (540000)`);
  const play = async (c: (typeof cases)[number], host: Client) => {
    const drop = new SilentDrop(twin.network.nlb, 'consumer', host.address, timeoutMs);
    const client = new IdleClient(twin, host, topic, c.key, c.properties, runDir);
    await client.firstAcked;
    const ackedAt = client.firstAckedAtMs;
    if (ackedAt !== undefined) {
      await sleep(ackedAt + timeoutMs + 15_000 - Date.now());
      await drop.quiet();
      client.sendAgain();
    }
    const result = await client.done;
    return { ...result, drop: await drop.stop(), host };
  };
  const [withLimit, without] = together ? await Promise.all(cases.map((c, i) => play(c, hosts[i]!))) : [await play(cases[0]!, hosts[0]!), await play(cases[1]!, hosts[1]!)];
  const consumed = new Set((await twin.clients.consume(twin.topology.clients[twin.topology.clients.length - 1]!, topic)).map((m) => m.value));
  const lost = (r: { sends: readonly IdleSend[] }): number => r.sends.filter((s) => s.ackedAtMs !== undefined && !consumed.has(s.value)).length;
  const second = (r: { sends: readonly IdleSend[] }): IdleSend | undefined => r.sends[1];
  const failure = (r: { code: number | null; output: string; sends: readonly IdleSend[] }): string =>
    r.sends.find((s) => s.error)?.error ?? (r.code === 0 ? '' : `the idle client exited with ${r.code}: ${r.output.trim().split('\n').slice(-2).join(' ')}`);
  const ackedBoth = (r: { code: number | null; sends: readonly IdleSend[] }): boolean => r.code === 0 && r.sends.length === 2 && r.sends.every((s) => s.ackedAtMs !== undefined);
  const model = (d: SilentDropReport): string => (d.closedAudibly || d.outlived ? `; the NLB model failed: ${d.closedAudibly} connections closed with a FIN the client heard, ${d.outlived} outlived the timeout` : '');

  const w = second(withLimit);
  const wo = second(without);
  const woBroken = brokenLine(without.log);
  return [
    {
      name: `idle: connections.max.idle.ms=${generated} (generated), NLB idle ${timeoutSeconds} s`,
      passed: ackedBoth(withLimit) && w !== undefined && (w.closedWhileIdle ?? 0) > 0 && w.closed === 0 && w.retries === 0 &&
        withLimit.drop.dropped === 0 && withLimit.drop.longestIdleMs < timeoutMs && withLimit.drop.closedAudibly === 0 && lost(withLimit) === 0 && brokenLine(withLimit.log) === undefined,
      ackedLost: lost(withLimit),
      detail: w === undefined || !ackedBoth(withLimit)
        ? `the idle client failed: ${failure(withLimit) || 'no second message'}`
        : `the client closed ${w.closedWhileIdle} idle connections itself at ${generated / 1000} s; at the NLB none of its connections reached the ${timeoutSeconds} s timeout (the longest idle ${seconds(withLimit.drop.longestIdleMs)}), so none was dropped; ` +
          `the next message was acked ${millis(w.ackedAtMs! - w.sentAtMs)} after the send with ${w.retries} retries and ${w.closed} connections lost (${w.openAtSend} open at the send, ${w.opened} opened for it), ${brokenLine(withLimit.log) ? `but the log says: ${brokenLine(withLimit.log)}` : 'no broken connection in the log'}; ${lost(withLimit) === 0 ? 'both messages read back' : `${lost(withLimit)} acked messages NOT read back`}${model(withLimit.drop)}`,
    },
    {
      name: `idle: Java's default connections.max.idle.ms (540000), NLB idle ${timeoutSeconds} s`,
      passed: ackedBoth(without) && wo !== undefined && wo.closedWhileIdle === 0 && wo.openAtSend > 0 && without.drop.dropped > 0 && without.drop.closedAudibly === 0 && without.drop.outlived === 0 &&
        wo.firstCloseAfterMs !== undefined && wo.retries > 0 && woBroken !== undefined && lost(without) === 0,
      ...(wo?.firstCloseAfterMs !== undefined ? { detectionMs: wo.firstCloseAfterMs } : {}),
      ...(wo?.ackedAtMs !== undefined ? { recoveryMs: wo.ackedAtMs - wo.sentAtMs } : {}),
      ackedLost: lost(without),
      detail: wo === undefined || !ackedBoth(without)
        ? `the idle client failed: ${failure(without) || 'no second message'}${model(without.drop)}`
        : `the client kept its ${wo.openAtSend} connections open while idle (closed ${wo.closedWhileIdle}); the NLB dropped ${without.drop.dropped} of them silently at ${timeoutSeconds} s; ` +
          `the next message ${wo.firstCloseAfterMs === undefined ? 'lost no connection (the drop did not reach the client)' : `lost its connection ${millis(wo.firstCloseAfterMs)} after the send: "${woBroken ?? 'nothing in the log'}"`}; ` +
          `the producer retried ${wo.retries} times over ${wo.opened} new connections and was acked ${millis(wo.ackedAtMs! - wo.sentAtMs)} after the send; ${lost(without) === 0 ? 'both messages read back' : `${lost(without)} acked messages NOT read back`}${model(without.drop)}`,
    },
  ];
}

/** One run of a Kafka Java tool on a client host, with client properties; its output and its log. */
async function javaClient(twin: Twin, client: Client, mainClass: string, args: readonly string[], properties: string, runDir: string, name: string): Promise<{ code: number | null; text: string }> {
  const props = join(runDir, `${name}.properties`);
  writeFileSync(props, properties);
  const logFile = join(runDir, `${name}.log`);
  writeFileSync(logFile, '');
  const r = await run('ip', twin.clients.onClientHost(client, twin.cluster.javaArgv(mainClass, [...args, '--command-config', props], logFile)), { timeoutMs: 120_000 });
  return { code: r.code, text: `${r.stdout}\n${r.stderr}\n${readFileSync(logFile, 'utf8')}` };
}

/**
 * A broker certificate without its zonal SAN: the client that reaches the broker through that name
 * must refuse it for the hostname, while the same broker, CA and shared name still pass.
 */
async function missingSan(twin: Twin, ca: TestCa, javaProperties: string, runDir: string, log: (l: string) => void): Promise<FaultRow> {
  const victim = twin.topology.brokers[1] ?? twin.topology.brokers[0]!;
  const names = victim.clientTlsSans.filter((n) => n !== victim.advertisedName);
  await ca.issue(victim.host, names);
  log(`tls: broker ${victim.id} restarts with a certificate for ${names.join(', ')} only`);
  await mustRun('sh', [SERVICE_SCRIPT, 'restart', twin.cluster.serviceDir(victim.host)], { timeoutMs: 180_000 });
  await twin.cluster.waitReady();
  await twin.haproxy.waitHealthy(60_000);
  const client = twin.topology.clients.find((c) => c.azId === victim.azId) ?? twin.topology.clients[0]!;
  const zonal = `${victim.advertisedName}:${victim.nlbPort}`;
  const viaShared = `${victim.bootstrapServers.split(':')[0]}:${victim.nlbPort}`;
  const kcatZonal = await metadataVia(twin, client, zonal, { config: new Map([['debug', 'security']]) }, 5);
  const kcatShared = await metadataVia(twin, client, viaShared, {}, 10);
  // librdkafka words every failed verification alike; Kafka's Java client names the hostname.
  const java = await javaClient(twin, client, 'org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', zonal, '--list'], javaProperties, runDir, 'java-client-tls');
  const javaText = java.text;
  const kind = classifyFailure(javaText);
  const endpointCheck = /Enabled endpoint identification using hostname (\S+)/.exec(kcatZonal.output)?.[1];
  return {
    name: `TLS: broker ${victim.id}'s certificate without ${victim.advertisedName} is rejected`,
    passed: !kcatZonal.ok && endpointCheck === victim.advertisedName && kcatShared.ok && java.code !== 0 && kind === 'hostname mismatch',
    detail:
      `kcat via ${zonal} (endpoint identification on ${endpointCheck ?? '?'}): ${kcatZonal.ok ? 'ACCEPTED' : 'rejected'}; via ${viaShared}: ${kcatShared.ok ? 'accepted' : 'rejected'}; ` +
      `Kafka's Java client via ${zonal}: ${kind}: "${failureLine(javaText).replace(/^.*?(No subject alternative)/, '$1').slice(0, 100)}"`,
  };
}

const saslProperties = (ca: TestCa, password: string): string =>
  [
    'security.protocol=SASL_SSL',
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${ca.certificate}`,
    'ssl.endpoint.identification.algorithm=https',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${SCRAM_USER}" password="${password}";`,
    '',
  ].join('\n');

/**
 * SASL_SSL with SCRAM: the credential in the cluster's metadata, Kafka's Java client logging in
 * through PrivateLink with hostname verification, via the shared name from every AZ and via each
 * zonal name. (librdkafka before 2.6.1, kcat's here included, cannot log in to Kafka 4 with SCRAM.)
 */
async function scram(twin: Twin, ca: TestCa, runDir: string, add: (row: FaultRow) => void): Promise<void> {
  const tries = [
    ...twin.topology.clients.map((c) => ({ c, address: twin.clients.bootstrapServers })),
    ...twin.topology.brokers.map((b) => ({ c: twin.topology.clients.find((c) => c.azId === b.azId) ?? twin.topology.clients[0]!, address: `${b.advertisedName}:${b.nlbPort}` })),
  ];
  const results = await Promise.all(tries.map((t, i) => javaClient(twin, t.c, 'org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', t.address, '--list'], saslProperties(ca, SCRAM_PASSWORD), runDir, `java-client-scram-${i}`)));
  const bad = results.flatMap((r, i) => (r.code === 0 ? [] : [`${tries[i]!.c.azId} via ${tries[i]!.address}: ${classifyFailure(r.text)}: ${failureLine(r.text).slice(0, 100)}`]));
  add({
    name: `SASL_SSL: SCRAM-SHA-512 user ${SCRAM_USER} logs in through PrivateLink`,
    passed: bad.length === 0,
    detail: bad.length === 0 ? `Kafka's Java client, hostname verification on: ${tries.map((t) => `${t.c.azId} via ${t.address}`).join(', ')}` : bad.join('; '),
  });
  const wrong = await javaClient(twin, twin.topology.clients[0]!, 'org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', twin.clients.bootstrapServers, '--list'], saslProperties(ca, 'not-the-password'), runDir, 'java-client-scram-wrong');
  const kind = classifyFailure(wrong.text);
  add({
    name: 'SASL_SSL: a wrong password is refused',
    passed: wrong.code !== 0 && kind === 'authentication failed',
    detail: wrong.code === 0 ? 'ACCEPTED' : `${kind}: "${failureLine(wrong.text).replace(/^.*?(Authentication failed)/, '$1').slice(0, 110)}"`,
  });
}

/** The TLS checks and the fault scenarios; an error that stops the run becomes a failed row. */
export async function faults(options: FaultsOptions): Promise<FaultsResult> {
  const rows: FaultRow[] = [];
  const add = (row: FaultRow): void => {
    rows.push(row);
    options.log(`${row.passed ? 'pass' : 'FAIL'}: ${row.name}: ${row.detail}`);
  };
  try {
    await scenarios(options, add);
  } catch (error) {
    add({ name: 'the TLS and fault scenarios run to the end', passed: false, detail: error instanceof Error ? error.message : String(error) });
  }
  return { rows, table: faultsTable(rows) };
}

async function scenarios(options: FaultsOptions, add: (row: FaultRow) => void): Promise<void> {
  const { log, workDir } = options;
  const libs = await kafkaLibs();

  // SSL: certificates from the host vars, the listener from the role, hostname verification on.
  const sslDir = join(workDir, 'ssl');
  log(`synth: ${options.specPath} with the client listener SSL and a ${IDLE_TIMEOUT_SECONDS} s NLB idle timeout`);
  const ssl = await synthVariant(options.specPath, sslDir, 'SSL');
  const ca = await TestCa.create(join(sslDir, 'tls'));
  const keystores = new Map<string, BrokerKeystore>();
  const sanProblems: string[] = [];
  for (const b of ssl.exposure.brokers) {
    const ks = await ca.issue(b.host, b.clientTlsSans);
    keystores.set(b.host, ks);
    const got = await ca.subjectAltNames(ks.keystore);
    if (got.join(',') !== b.clientTlsSans.join(',')) sanProblems.push(`${b.host}: ${got.join(', ')} instead of ${b.clientTlsSans.join(', ')}`);
  }
  add({
    name: 'TLS: each broker certificate holds exactly kafka_privatelink_client_tls_sans',
    passed: sanProblems.length === 0 && ssl.exposure.brokers.every((b) => b.clientTlsSans.length > 0),
    detail: sanProblems.length === 0 ? ssl.exposure.brokers.map((b) => `${b.id}: ${b.clientTlsSans.join(', ')}`).join('; ') : sanProblems.join('; '),
  });
  const tlsClient = new Map([
    ['security.protocol', 'SSL'],
    ['ssl.ca.location', ca.certificate],
    ['ssl.endpoint.identification.algorithm', 'https'],
  ]);
  const idle = ssl.exposure.consumers[0]!.model.outputs.get(CONSUMER_OUTPUTS.connectionsMaxIdleMs);
  const javaTls = `security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=${ca.certificate}\nssl.endpoint.identification.algorithm=https\nconnections.max.idle.ms=${idle}\n`;
  const sslRun = join(sslDir, 'run');
  let twin = await tlsTwin(ssl, keystores, {}, tlsClient, libs, sslRun, options, add);
  try {
    await verifiedNames(twin, 'TLS', add);
    const pc = await twin.produceConsume('twin-tls', 20);
    add({ name: 'TLS: produce and consume through every zonal name', passed: pc.check.passed, detail: pc.check.detail });
    for (const row of await brokerStops(twin, sslRun, javaTls, log)) add(row);
    for (const row of await eniUnreachable(twin, sslRun, javaTls, log)) add(row);
    for (const row of await idleConnections(twin, sslRun, javaTls, log)) add(row);
    add(await missingSan(twin, ca, javaTls, sslRun, log));
  } finally {
    await twin.down();
  }

  // SASL_SSL with SCRAM-SHA-512, on certificates of the same kind.
  const saslDir = join(workDir, 'sasl-ssl');
  log(`synth: ${options.specPath} with the client listener SASL_SSL`);
  const sasl = await synthVariant(options.specPath, saslDir, 'SASL_SSL');
  const saslCa = await TestCa.create(join(saslDir, 'tls'));
  const saslKeystores = new Map<string, BrokerKeystore>();
  for (const b of sasl.exposure.brokers) saslKeystores.set(b.host, await saslCa.issue(b.host, b.clientTlsSans));
  const saslClient = new Map([
    ['security.protocol', 'SASL_SSL'],
    ['ssl.ca.location', saslCa.certificate],
    ['ssl.endpoint.identification.algorithm', 'https'],
    ['sasl.mechanisms', 'SCRAM-SHA-512'],
    ['sasl.username', SCRAM_USER],
    ['sasl.password', SCRAM_PASSWORD],
  ]);
  twin = await tlsTwin(sasl, saslKeystores, { kafka_listeners_client_sasl_mechanisms: ['SCRAM-SHA-512'] }, saslClient, libs, join(saslDir, 'run'), options, add);
  try {
    await twin.cluster.addScramUser('SCRAM-SHA-512', SCRAM_USER, SCRAM_PASSWORD);
    await scram(twin, saslCa, join(saslDir, 'run'), add);
  } finally {
    await twin.down();
  }
}
