import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { BrokerFacts, parseProperties } from './ansible-output';
import { CrossAzSummary } from './connection-log';
import { copySpec, readExposure, SpecCopy, synth } from './exposure';
import { kafkaLibs, ServiceEvent } from './kafka-cluster';
import { Check, check, checksTable, crossAzLine, crossAzTable } from './report';
import { ContinuousTraffic, downWindows, maxConcurrent, PlaybookRun, RegistrationPoller, runPlaybook, TrafficTally, twinInventory } from './rollout';
import { advertiseSharedName, unownedDifferences } from './server-properties';
import { Supervisor } from './supervisor';
import { playbookFailure, prePrivateLinkSections, targetSections, Twin } from './twin';

export interface VerifyOptions {
  readonly specPath: string;
  /** Scratch folder for spec copies, synth output, configs, logs and Kafka data. */
  readonly workDir: string;
  readonly supervisor: Supervisor;
  /** Client sessions per client host and variant, for the cross-AZ figures. @default 40 */
  readonly sessionsPerClient?: number;
  /** Messages produced per partition (one partition per broker). @default 100 */
  readonly messagesPerPartition?: number;
  readonly log: (line: string) => void;
}

export interface VerifyResult {
  readonly checks: readonly Check[];
  /** The closing lines: reachability, messages, cross-AZ figures, scale-out. */
  readonly summary: readonly string[];
  readonly details: readonly string[];
}


/** Adds a broker to a spec copy, in the AZ of the first broker, next to it: the one-line change of a scale-out. */
function addBroker(spec: SpecCopy, brokers: readonly BrokerFacts[]): { id: number; azId: string; privateIp: string } {
  const doc = parseDocument(readFileSync(spec.specPath, 'utf8'));
  const first = brokers[0]!;
  const id = (brokers.length + 1) * 100 + 1;
  const taken = new Set(brokers.map((b) => b.privateIp));
  const octets = first.privateIp.split('.').map(Number);
  do octets[3]!++;
  while (taken.has(octets.join('.')));
  const broker = { id, azId: first.azId, instanceId: `i-${id.toString(16).padStart(17, '0')}`, privateIp: octets.join('.') };
  const withInstance = doc.getIn(['provider', 'targetType']) === 'ip' ? { ...broker, instanceId: undefined } : broker;
  doc.addIn(['brokers'], doc.createNode(JSON.parse(JSON.stringify(withInstance))));
  writeFileSync(spec.specPath, doc.toString());
  return broker;
}

const TERRAFORM_KEPT = ['aws_lb', 'aws_lb_listener', 'aws_lb_target_group', 'aws_lb_target_group_attachment', 'aws_vpc_endpoint_service'];

/** Resources of the old provider stack that the new one changes or drops (Terraform would touch them). */
function changedResources(before: string, after: string): string[] {
  const a = JSON.parse(readFileSync(before, 'utf8')) as { resource: Record<string, Record<string, unknown>> };
  const b = JSON.parse(readFileSync(after, 'utf8')) as { resource: Record<string, Record<string, unknown>> };
  const strip = (r: unknown): string => JSON.stringify(r, (k, v: unknown) => (k === '//' ? undefined : v));
  return TERRAFORM_KEPT.flatMap((type) =>
    Object.entries(a.resource[type] ?? {})
      .filter(([name, r]) => strip(b.resource[type]?.[name]) !== strip(r))
      .map(([name]) => `${type}.${name}`),
  );
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Broker id → its service events, for the hosts given. */
const eventsOf = (twin: Twin, brokers: readonly BrokerFacts[]): Map<number, ServiceEvent[]> => new Map(brokers.map((b) => [b.id, twin.cluster.serviceEvents(b.host)] as const));

/** Brokers the service manager was asked to restart (or start) at or after `sinceMs`. */
const restartedSince = (twin: Twin, sinceMs: number): BrokerFacts[] =>
  twin.topology.brokers.filter((b) => twin.cluster.serviceEvents(b.host).some((e) => e.kind === 'restart' && e.atMs >= sinceMs));

const changedTotal = (run: PlaybookRun): number => [...run.recap.values()].reduce((n, r) => n + r.changed, 0);

/** The real playbook against the twin's running brokers, with the synth's inventory and the twin's beside it. */
async function playbook(twin: Twin, ansibleDir: string, runDir: string, name: string, extraVars: Record<string, unknown> = {}, gateTimeoutSeconds = 300): Promise<PlaybookRun> {
  const overlay = join(runDir, `twin-inventory-${name}.yml`);
  writeFileSync(overlay, twinInventory(twin.cluster, twin.topology.brokers.map((b) => b.host), gateTimeoutSeconds));
  return runPlaybook([join(ansibleDir, 'inventory.yml'), overlay], extraVars, join(runDir, `ansible-${name}.log`));
}


/**
 * The rollout under load: continuous acks=all idempotent production and a consumer over the
 * internal listener, the real playbook restarting the brokers, then its second run.
 */
async function rolloutScenario(twin: Twin, ansibleDir: string, sections: ReadonlyMap<string, string>, runDir: string, add: (c: Check) => void, log: (l: string) => void): Promise<string[]> {
  const brokers = twin.topology.brokers;
  await twin.cluster.createTopic('twin-rollout', { 'min.insync.replicas': '2' });
  const traffic = new ContinuousTraffic(twin.cluster, twin.supervisor, twin.network.providerClient, runDir, 'twin-rollout');
  traffic.start(25);
  await traffic.waitAcked(50);
  const before = new Map(brokers.map((b) => [b.host, readFileSync(twin.cluster.serverPropertiesPath(b.host), 'utf8')] as const));
  const poller = new RegistrationPoller(twin.network.providerClient, twin.cluster.adminBootstrap);
  poller.start();
  const since = Date.now();
  log('rollout: ansible-playbook kafka-listeners.yml against the running brokers, under load');
  const first = await playbook(twin, ansibleDir, runDir, 'rollout');
  let counts: TrafficTally;
  try {
    if (first.code === 0) await traffic.waitAcked(50);
  } finally {
    await poller.stop();
    counts = await traffic.stop();
  }
  const windows = downWindows(eventsOf(twin, brokers), poller.samples, since);
  const closed = windows.filter((w) => w.toMs !== undefined);
  const maxDown = maxConcurrent(windows);
  const once = brokers.every((b) => windows.filter((w) => w.brokerId === b.id).length === 1);
  add(check('rollout: ansible-playbook sets the listeners on every broker', first.code === 0 && brokers.every((b) => (first.recap.get(b.host)?.changed ?? 0) > 0), first.code === 0 ? brokers.map((b) => `${b.host} changed=${first.recap.get(b.host)?.changed}`).join(', ') : playbookFailure(first)));
  const windowText = windows.map((w) => `${w.brokerId} ${w.toMs === undefined ? 'never back' : seconds(w.toMs - w.fromMs)}`).join(', ');
  add(check('rollout: every broker restarted once, never two down at once', once && closed.length === brokers.length && maxDown === 1, `down windows (restart requested → registered again): ${windowText || 'none'}; max ${maxDown} down at once; ${poller.samples.length} registration samples`));
  const owned = [...new Set([...sections.values()].flatMap((t) => [...parseProperties(t).keys()]))];
  const fileProblems = brokers.flatMap((b) => {
    const after = readFileSync(twin.cluster.serverPropertiesPath(b.host), 'utf8');
    const wanted = parseProperties(sections.get(b.host)!);
    const got = parseProperties(after);
    const wrong = [...wanted].filter(([k, v]) => got.get(k) !== v).map(([k]) => `${b.host}: ${k}`);
    return [...wrong, ...unownedDifferences(before.get(b.host)!, after, owned).map((d) => `${b.host} ${d}`)];
  });
  add(check('rollout: server.properties has the new listener keys, every other line byte-identical', fileProblems.length === 0, fileProblems.length === 0 ? `${brokers.length} files, ${owned.length} keys owned by the role` : fileProblems.slice(0, 3).join('; ')));
  add(
    check(
      'rollout: every acked message consumed once (acks=all, idempotent producer)',
      counts.acked > 0 && counts.lost === 0 && counts.duplicated === 0,
      `${counts.consumed}/${counts.acked} acked messages consumed, ${counts.lost} lost, ${counts.duplicated} duplicated, ${counts.sendErrors} send errors`,
    ),
  );

  const secondSince = Date.now();
  log('rollout: second run of the playbook');
  const second = await playbook(twin, ansibleDir, runDir, 'second');
  const again = restartedSince(twin, secondSince);
  add(check('second run: changed=0, no restart', second.code === 0 && second.recap.size === brokers.length && changedTotal(second) === 0 && again.length === 0, second.code === 0 ? `changed=${changedTotal(second)} over ${second.recap.size} hosts, restarted: ${again.map((b) => b.id).join(', ') || 'none'}` : playbookFailure(second)));
  return [
    `rollout: ${closed.length}/${brokers.length} brokers restarted one at a time, max ${maxDown} down; ${counts.consumed}/${counts.acked} acked messages consumed, ${counts.lost} lost, ${counts.duplicated} duplicated`,
    `rollout: unavailability per broker: ${windowText}`,
    `second run: changed=${changedTotal(second)}`,
  ];
}

/**
 * A gate that fails: one broker's vars get a wrong port (its client listener on the internal
 * listener's port, which Kafka refuses to start with). The rollout must stop at that broker and
 * leave the brokers after it as they were.
 */
async function faultScenario(twin: Twin, ansibleDir: string, workDir: string, add: (c: Check) => void, log: (l: string) => void): Promise<string> {
  const brokers = twin.topology.brokers;
  const victim = brokers[1]!;
  const after = brokers.slice(2);
  const faultDir = join(workDir, 'fault', 'ansible');
  cpSync(ansibleDir, faultDir, { recursive: true });
  const varsFile = join(faultDir, 'host_vars', `${victim.host}.yml`);
  const doc = parseDocument(readFileSync(varsFile, 'utf8'));
  const path = ['kafka_privatelink_server_properties', 'listeners'];
  // The plan lists the internal listener first and the client listener second.
  const entries = String(doc.getIn(path)).split(',');
  entries[1] = entries[1]!.replace(/:\d+$/, `:${entries[0]!.split(':').pop()}`);
  const broken = entries.join(',');
  doc.setIn(path, broken);
  writeFileSync(varsFile, doc.toString());
  const untouched = new Map(after.map((b) => [b.host, readFileSync(twin.cluster.serverPropertiesPath(b.host), 'utf8')] as const));
  const since = Date.now();
  log(`fault: ${victim.host} gets listeners=${broken}; the rollout must stop there`);
  const gateTimeoutSeconds = 60;
  const run = await playbook(twin, faultDir, join(workDir, 'fault'), 'fault', {}, gateTimeoutSeconds);
  const stopped = /rollout stopped at broker (\d+) \([^)]*\) at '([^']+)'/.exec(run.stdout);
  const restarted = restartedSince(twin, since).map((b) => b.id);
  const touched = after.filter((b) => readFileSync(twin.cluster.serverPropertiesPath(b.host), 'utf8') !== untouched.get(b.host) || restarted.includes(b.id));
  add(
    check(
      `fault: a failed gate stops the rollout at broker ${victim.id}`,
      run.code !== 0 && stopped?.[1] === String(victim.id) && touched.length === 0 && restarted.join(',') === String(victim.id),
      `${stopped ? `stopped at broker ${stopped[1]} at "${stopped[2]}"` : playbookFailure(run)}; restarted: ${restarted.join(', ') || 'none'}; after it, touched: ${touched.map((b) => b.id).join(', ') || 'none'} of ${after.map((b) => b.id).join(', ')}`,
    ),
  );
  return `failed gate stops the rollout at broker ${stopped?.[1] ?? '?'} ("${stopped?.[2] ?? '?'}"); brokers after it untouched: ${after.filter((b) => !touched.includes(b)).map((b) => b.id).join(', ')}`;
}

/**
 * Runs every scenario and returns the checks; an error that stops the run becomes a failed check,
 * after the ones that ran.
 */
export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const checks: Check[] = [];
  const add = (c: Check): void => {
    checks.push(c);
    options.log(`${c.passed ? 'pass' : 'FAIL'}: ${c.name}: ${c.detail}`);
  };
  try {
    return await scenarios(options, checks, add);
  } catch (error) {
    add(check('the twin runs to the end', false, error instanceof Error ? error.message : String(error)));
    return { checks, details: [checksTable(checks)], summary: ['twin: stopped early, see the failed check'] };
  }
}

async function scenarios(options: VerifyOptions, checks: Check[], add: (c: Check) => void): Promise<VerifyResult> {
  const { log, supervisor, workDir } = options;
  const perClient = options.sessionsPerClient ?? 40;
  const perPartition = options.messagesPerPartition ?? 100;
  const details: string[] = [];

  log('kafka: fetching jars (cached after the first run)');
  const libs = await kafkaLibs();

  // The spec as given.
  const spec = copySpec(options.specPath, join(workDir, 'spec'));
  const out = join(workDir, 'synth');
  log(`synth: ${options.specPath} → ${out}`);
  await synth(spec, out);
  const exposure = readExposure(spec, out);
  const ansibleDir = join(out, 'ansible');
  const sections = targetSections(exposure, ansibleDir);
  const rolloutLines: string[] = [];

  let twin = await Twin.up(exposure, sections, prePrivateLinkSections(exposure, sections), libs, join(workDir, 'run'), supervisor, log);
  let reachLine = '';
  let messagesLine = '';
  let zonal: CrossAzSummary | undefined;
  let shared: CrossAzSummary | undefined;
  try {
    rolloutLines.push(...(await rolloutScenario(twin, ansibleDir, sections, join(workDir, 'run'), add, log)));
    await twin.haproxy.waitHealthy(120_000);
    const status = await twin.haproxy.serverStatus();
    const up = status.filter((r) => r.status === 'UP').length;
    add(
      check(
        'NLB targets healthy (TCP checks on the target port)',
        up === status.length && up > 0,
        `${up}/${status.length} targets up in ${twin.topology.backends.length} target groups behind ${twin.topology.frontends.length} listeners`,
      ),
    );
    add(await twin.isolationCheck());
    add(await twin.metadataCheck((b) => b.advertisedName));
    const pc = await twin.produceConsume('twin-zonal', perPartition);
    add(pc.check);
    messagesLine = `messages produced/consumed ${pc.produced}/${pc.consumed}`;
    const reach = await twin.reachable(pc.connections);
    add(check('brokers reachable through their own NLB port', reach.missing.length === 0, reach.missing.length === 0 ? twin.topology.brokers.map((b) => `${b.id}:${b.nlbPort}`).join(', ') : `not: ${reach.missing.join(', ')}`));
    reachLine = `brokers reachable ${reach.reached.length}/${twin.topology.brokers.length}`;

    log(`sessions: ${perClient} per client host with the zonal names as generated`);
    const z = await twin.sessions('twin-zonal', perClient);
    zonal = z.summary;
    add(twin.routingCheck(twin.haproxy.connectionsSince(0)));
    add(
      check(
        'no needless cross-AZ hop with zonal names',
        z.failed === 0 && z.problems.length === 0 && zonal.all.total > 0 && zonal.all.crossed === 0,
        `${zonal.all.crossed}/${zonal.all.total} broker connections${z.failed ? `, ${z.failed} sessions failed` : ''}${z.problems.length ? `, ${z.problems[0]}` : ''}`,
      ),
    );

    // The design the zonal names replace: every broker advertises the shared name.
    const sharedSections = new Map(
      twin.topology.brokers.map((b) => [b.host, advertiseSharedName(sections.get(b.host)!, b.advertisedName, b.bootstrapServers.split(':')[0]!)] as const),
    );
    log('kafka: restarting the brokers advertising the shared name');
    await twin.cluster.stop();
    twin.cluster.start({ sections: sharedSections });
    await twin.cluster.waitReady();
    await twin.cluster.waitLeaders('twin-zonal', pc.leaders);
    await twin.haproxy.waitHealthy();
    add(await twin.metadataCheck((b) => b.bootstrapServers.split(':')[0]!));
    log(`sessions: ${perClient} per client host with the shared name`);
    const s = await twin.sessions('twin-zonal', perClient);
    shared = s.summary;
    add(
      check(
        'shared name: the twin sees needless cross-AZ hops',
        s.failed === 0 && s.problems.length === 0 && shared.all.crossed > 0,
        `${shared.all.crossed}/${shared.all.total} broker connections${s.failed ? `, ${s.failed} sessions failed` : ''}`,
      ),
    );
  } finally {
    await twin.down();
  }

  // Scale-out: one more broker in the spec, synth with the lockfile the first synth left.
  const scaleFrom = checks.length;
  const addScale = (c: Check): void => add({ ...c, name: `scale-out: ${c.name}` });
  const grownSpec = copySpec(spec.specPath, join(workDir, 'scale-out', 'spec'));
  const added = addBroker(grownSpec, exposure.brokers);
  const grownOut = join(workDir, 'scale-out', 'synth');
  log(`scale-out: broker ${added.id} (${added.azId}, ${added.privateIp}) → synth ${grownOut}`);
  await synth(grownSpec, grownOut);
  const grown = readExposure(grownSpec, grownOut);
  const moved = exposure.brokers.filter((b) => grown.brokers.find((g) => g.id === b.id)?.nlbPort !== b.nlbPort);
  const newcomer = grown.brokers.find((b) => b.id === added.id);
  const oldPorts = new Set([...exposure.brokers.map((b) => b.nlbPort), ...exposure.provider.loadBalancers.flatMap((lb) => lb.listeners.map((l) => l.port))]);
  addScale(
    check(
      'existing brokers keep their ports',
      moved.length === 0,
      moved.length === 0 ? exposure.brokers.map((b) => `${b.id}:${b.nlbPort}`).join(', ') + ' unchanged' : `moved: ${moved.map((b) => b.id).join(', ')}`,
    ),
  );
  addScale(
    check(
      `broker ${added.id} gets a new port`,
      newcomer !== undefined && !oldPorts.has(newcomer.nlbPort),
      newcomer ? `${added.id}:${newcomer.nlbPort}, advertised ${newcomer.advertisedName}:${newcomer.nlbPort}` : 'not in the Ansible inventory',
    ),
  );
  const touched = changedResources(join(out, 'stacks', 'provider', 'cdk.tf.json'), join(grownOut, 'stacks', 'provider', 'cdk.tf.json'));
  addScale(check('existing NLB resources untouched', touched.length === 0, touched.length === 0 ? `${TERRAFORM_KEPT.join(', ')} of the old brokers identical` : touched.join(', ')));

  // The grown cluster as it stands when the new broker's machine is ready: the old brokers run
  // with the listeners of the first rollout (set by the role, without restarting), the new one
  // has its pre-PrivateLink server.properties and is not started yet.
  const grownAnsible = join(grownOut, 'ansible');
  const grownSections = targetSections(grown, grownAnsible);
  const newcomerHost = newcomer?.host ?? `broker-${added.id}`;
  const scaleRun = join(workDir, 'scale-out', 'run');
  let faultLine = 'failed gate: not run';
  let scaleLine = 'scale-out: not run';
  let scaleReach = '';
  twin = await Twin.up(grown, grownSections, prePrivateLinkSections(grown, grownSections), libs, scaleRun, supervisor, log, {
    disabled: new Set([newcomerHost]),
    beforeStart: async (cluster) => {
      const overlay = join(scaleRun, 'twin-inventory-earlier.yml');
      writeFileSync(overlay, twinInventory(cluster, grown.brokers.map((b) => b.host), 300));
      const old = grown.brokers.filter((b) => b.id !== added.id).map((b) => b.host);
      const earlier = await runPlaybook([join(grownAnsible, 'inventory.yml'), overlay], { kafka_listeners_restart: false, kafka_listeners_hosts: old.join(',') }, join(scaleRun, 'ansible-earlier.log'));
      if (earlier.code !== 0) throw new Error(`scale-out: setting the earlier listeners failed: ${playbookFailure(earlier)}`);
    },
  });
  try {
    const since = Date.now();
    const poller = new RegistrationPoller(twin.network.providerClient, twin.cluster.adminBootstrap);
    poller.start();
    log(`scale-out: ansible-playbook kafka-listeners.yml with broker ${added.id} in the inventory`);
    const run = await playbook(twin, grownAnsible, scaleRun, 'scale-out');
    await poller.stop();
    const restarted = restartedSince(twin, since);
    const others = grown.brokers.filter((b) => b.id !== added.id);
    const window = downWindows(eventsOf(twin, restarted), poller.samples, since)[0];
    addScale(
      check(
        `the playbook configures and starts only broker ${added.id}`,
        run.code === 0 && restarted.map((b) => b.id).join(',') === String(added.id) && others.every((b) => run.recap.get(b.host)?.changed === 0) && (run.recap.get(newcomerHost)?.changed ?? 0) > 0 && window?.toMs !== undefined,
        run.code === 0
          ? `restarted: ${restarted.map((b) => b.id).join(', ') || 'none'}; ${grown.brokers.map((b) => `${b.host} changed=${run.recap.get(b.host)?.changed}`).join(', ')}; ${added.id} registered ${window?.toMs === undefined ? 'never' : `after ${seconds(window.toMs - window.fromMs)}`}`
          : playbookFailure(run),
      ),
    );
    scaleLine = restarted.length === 1 && restarted[0]!.id === added.id ? `scale-out: only broker ${added.id} restarted` : `scale-out: restarted ${restarted.map((b) => b.id).join(', ') || 'none'}`;
    await twin.haproxy.waitHealthy(120_000);
    addScale(await twin.metadataCheck((b) => b.advertisedName));
    const pc = await twin.produceConsume('twin-scale-out', perPartition);
    addScale(pc.check);
    const reach = await twin.reachable(pc.connections);
    const newcomerReached = reach.reached.some((b) => b.id === added.id);
    addScale(
      check(
        `broker ${added.id} reachable through port ${newcomer?.nlbPort}`,
        newcomerReached && reach.missing.length === 0,
        `brokers reachable ${reach.reached.length}/${twin.topology.brokers.length}${reach.missing.length ? `; not: ${reach.missing.join(', ')}` : ''}`,
      ),
    );
    addScale(twin.routingCheck(pc.connections));
    scaleReach = `${reach.reached.length}/${twin.topology.brokers.length}`;
    faultLine = await faultScenario(twin, grownAnsible, workDir, add, log);
  } finally {
    await twin.down();
  }

  const scalePassed = checks.slice(scaleFrom).every((c) => c.passed);
  if (zonal && shared) details.push(crossAzTable(zonal, shared));
  details.push(checksTable(checks));
  return {
    checks,
    details,
    summary: [
      ...rolloutLines,
      reachLine,
      messagesLine,
      ...(zonal && shared ? [crossAzLine(zonal, shared)] : []),
      `scale-out: ${scalePassed ? 'passed' : 'FAILED'} (broker ${added.id} on port ${newcomer?.nlbPort ?? '?'}, brokers reachable ${scaleReach})`,
      scaleLine,
      faultLine,
    ],
  };
}
