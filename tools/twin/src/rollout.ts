import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { KafkaCluster, SERVICE_SCRIPT, ServiceEvent } from './kafka-cluster';
import { KcatMetadata } from './kcat';
import { run, RunResult, sleep, waitFor } from './shell';
import { Supervisor } from './supervisor';

export const PLAYBOOK = join(REPO_ROOT, 'ansible', 'kafka-listeners.yml');

/** Per host, from the PLAY RECAP of ansible-playbook. */
export interface RecapLine {
  readonly ok: number;
  readonly changed: number;
  readonly failed: number;
}

export function parseRecap(stdout: string): Map<string, RecapLine> {
  const recap = new Map<string, RecapLine>();
  const at = stdout.lastIndexOf('PLAY RECAP');
  if (at < 0) return recap;
  for (const m of stdout.slice(at).matchAll(/^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/gm)) {
    recap.set(m[1]!, { ok: Number(m[2]), changed: Number(m[3]), failed: Number(m[4]) });
  }
  return recap;
}

export interface PlaybookRun extends RunResult {
  readonly recap: ReadonlyMap<string, RecapLine>;
}

/**
 * The twin's inventory beside the synth's: Ansible runs each broker's modules inside that
 * broker's network namespace (a local connection whose Python starts under `ip netns exec`),
 * on the broker's own server.properties, and restarts it through the twin's service script.
 */
export function twinInventory(cluster: KafkaCluster, hosts: readonly string[], gateTimeoutSeconds: number, hostVars: (host: string) => Record<string, unknown> = () => ({})): string {
  return stringify({
    all: {
      vars: {
        ansible_connection: 'local',
        kafka_listeners_service_manager: 'command',
        kafka_listeners_kafka_bin_dir: cluster.binDir,
        kafka_listeners_kafka_cli_suffix: '.sh',
        kafka_listeners_gate_timeout_seconds: gateTimeoutSeconds,
        kafka_listeners_gate_poll_seconds: 2,
      },
      hosts: Object.fromEntries(
        hosts.map((host) => [
          host,
          {
            ansible_python_interpreter: `ip netns exec ${cluster.namespaceOf(host)} /usr/bin/python3`,
            kafka_listeners_server_properties_path: cluster.serverPropertiesPath(host),
            kafka_listeners_restart_command: ['sh', SERVICE_SCRIPT, 'restart', cluster.serviceDir(host)],
            ...hostVars(host),
          },
        ]),
      ),
    },
  });
}

/** The real ansible-playbook with the repository's playbook; its output also goes to `logFile`. */
export async function runPlaybook(inventories: readonly string[], extraVars: Record<string, unknown>, logFile: string): Promise<PlaybookRun> {
  const result = await run('ansible-playbook', [...inventories.flatMap((i) => ['-i', i]), PLAYBOOK, '-e', JSON.stringify(extraVars)], {
    env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCALHOST_WARNING: '0' },
    timeoutMs: 1_800_000,
  });
  writeFileSync(logFile, `${result.stdout}\n${result.stderr}`);
  return { ...result, recap: parseRecap(result.stdout) };
}

/** Which brokers the cluster's metadata listed at one moment. */
export interface Sample {
  readonly atMs: number;
  readonly brokers: ReadonlySet<number>;
}

/** Polls the registered brokers from inside the provider VPC until stopped, a few times a second. */
export class RegistrationPoller {
  readonly samples: Sample[] = [];
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly namespace: string,
    private readonly bootstrap: string,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const r = await run('ip', ['netns', 'exec', this.namespace, 'kcat', '-L', '-J', '-m', '2', '-b', this.bootstrap], { timeoutMs: 5_000 });
        if (r.code === 0) this.samples.push({ atMs: Date.now(), brokers: new Set((JSON.parse(r.stdout) as KcatMetadata).brokers.map((b) => b.id)) });
        await sleep(200);
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** From the moment the service manager was asked to restart the broker until it was registered again. */
export interface DownWindow {
  readonly brokerId: number;
  readonly fromMs: number;
  /** Undefined when the broker never came back while the twin watched. */
  readonly toMs?: number;
}

/** The down windows of every restart at or after `sinceMs`, from service events and registration samples. */
export function downWindows(events: ReadonlyMap<number, readonly ServiceEvent[]>, samples: readonly Sample[], sinceMs: number): DownWindow[] {
  const windows: DownWindow[] = [];
  for (const [brokerId, list] of events) {
    for (const restart of list.filter((e) => e.kind === 'restart' && e.atMs >= sinceMs)) {
      const started = list.find((e) => e.kind === 'started' && e.atMs >= restart.atMs);
      const back = started && samples.find((s) => s.atMs >= started.atMs && s.brokers.has(brokerId));
      windows.push({ brokerId, fromMs: restart.atMs, ...(back ? { toMs: back.atMs } : {}) });
    }
  }
  return windows.sort((a, b) => a.fromMs - b.fromMs);
}

/** The most windows open at one instant (an open window lasts to the end). */
export function maxConcurrent(windows: readonly DownWindow[]): number {
  const edges = windows.flatMap((w) => [
    { at: w.fromMs, delta: 1 },
    { at: w.toMs ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (open += e.delta));
  return max;
}

export interface TrafficTally {
  readonly acked: number;
  readonly consumed: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly sendErrors: number;
}

/** Acked values (once each) against consumed values: which acked ones never arrived, which arrived twice. */
export function tally(acked: readonly string[], consumed: readonly string[], sendErrors: number): TrafficTally {
  const seen = new Map<string, number>();
  for (const v of consumed) seen.set(v, (seen.get(v) ?? 0) + 1);
  return {
    acked: acked.length,
    consumed: acked.filter((v) => seen.has(v)).length,
    lost: acked.filter((v) => !seen.has(v)).length,
    duplicated: [...seen.values()].filter((n) => n > 1).length,
    sendErrors,
  };
}

/** Where the producer of ContinuousTraffic runs instead of beside the consumer, and how it connects. */
export interface ProducerPlacement {
  /** `ip` arguments that run the given command line on the producer's host. */
  readonly place: (argv: readonly string[]) => string[];
  readonly bootstrap: string;
  /** Client properties lines added to the producer's own (security, idle limit). */
  readonly properties: string;
}

/** One acknowledged value, with its partition and when the producer saw the acknowledgement. */
export interface Ack {
  readonly value: string;
  readonly partition: number;
  readonly atMs: number;
}

/**
 * Continuous traffic inside the provider VPC, over the internal listener, while brokers restart:
 * Kafka's VerifiableProducer (acks=all, idempotence on) reports every acknowledged value; kcat
 * reads the topic from the beginning, without a group, the whole time. With a `ProducerPlacement`
 * the producer runs elsewhere (a consumer VPC's host, through PrivateLink) and the consumer stays.
 */
export class ContinuousTraffic {
  private readonly producerLog: string;
  private readonly consumerLog: string;
  private producer?: number;
  private consumer?: number;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly supervisor: Supervisor,
    private readonly namespace: string,
    private readonly runDir: string,
    readonly topic: string,
    private readonly placement?: ProducerPlacement,
  ) {
    this.producerLog = join(runDir, 'producer.out');
    this.consumerLog = join(runDir, 'consumer.out');
  }

  start(messagesPerSecond: number): void {
    const config = join(this.runDir, 'producer.properties');
    // VerifiableProducer turns retries off unless told otherwise; idempotence needs them.
    writeFileSync(config, `enable.idempotence=true\nacks=all\nretries=2147483647\nmax.in.flight.requests.per.connection=5\ndelivery.timeout.ms=600000\n${this.placement?.properties ?? ''}`);
    const bootstrap = this.cluster.adminBootstrap;
    const args = ['--bootstrap-server', this.placement?.bootstrap ?? bootstrap, '--topic', this.topic, '--acks', '-1', '--throughput', String(messagesPerSecond), '--max-messages', '-1', '--producer.config', config];
    const logFile = join(this.runDir, 'producer.log');
    const mainClass = 'org.apache.kafka.tools.VerifiableProducer';
    this.producer = this.supervisor.start(
      'producer',
      'ip',
      this.placement ? this.placement.place(this.cluster.javaArgv(mainClass, args, logFile)) : this.cluster.javaIn(this.namespace, mainClass, args, logFile),
      this.producerLog,
    );
    this.consumer = this.supervisor.start(
      'consumer',
      'ip',
      ['netns', 'exec', this.namespace, 'kcat', '-C', '-b', bootstrap, '-X', 'broker.address.family=v4', '-t', this.topic, '-o', 'beginning', '-u', '-q', '-f', '%p\\t%o\\t%s\\n'],
      this.consumerLog,
    );
  }

  /** Every acknowledgement so far, in the producer's order. */
  acks(): Ack[] {
    return this.producerEvents().acks;
  }

  private producerEvents(): { acked: string[]; acks: Ack[]; errors: number } {
    const acks: Ack[] = [];
    let errors = 0;
    for (const line of readFileSync(this.producerLog, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as { name?: string; value?: string; partition?: number; timestamp?: number };
      if (event.name === 'producer_send_success' && event.value !== undefined) acks.push({ value: event.value, partition: event.partition ?? -1, atMs: event.timestamp ?? 0 });
      if (event.name === 'producer_send_error') errors++;
    }
    return { acked: acks.map((a) => a.value), acks, errors };
  }

  private consumedValues(): string[] {
    return readFileSync(this.consumerLog, 'utf8')
      .split('\n')
      .filter((line) => /^\d+\t\d+\t/.test(line))
      .map((line) => line.split('\t').slice(2).join('\t'));
  }

  /** Waits until at least `n` more values are acknowledged than now. */
  async waitAcked(n: number, timeoutMs = 120_000): Promise<void> {
    const target = this.producerEvents().acked.length + n;
    await waitFor(
      `${n} more acknowledged messages`,
      async () => {
        for (const pid of [this.producer, this.consumer]) if (pid !== undefined) this.supervisor.assertRunning(pid);
        return this.producerEvents().acked.length >= target ? true : undefined;
      },
      timeoutMs,
    );
  }

  /** Stops the producer (it flushes what is in flight), lets the consumer catch up, stops it, and counts. */
  async stop(): Promise<TrafficTally> {
    if (this.producer !== undefined) await this.supervisor.stop(this.producer, 60_000);
    const { acked, errors } = this.producerEvents();
    const wanted = new Set(acked);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && wanted.size > 0) {
      for (const v of this.consumedValues()) wanted.delete(v);
      if (wanted.size > 0) await sleep(500);
    }
    if (this.consumer !== undefined) await this.supervisor.stop(this.consumer);
    return tally(acked, this.consumedValues(), errors);
  }
}
