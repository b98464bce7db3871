import { CheckRow, row, timed } from './check';
import { clientSettingsRows, parseProperties } from './client-settings';
import { allBrokers, DescribedBroker, Description } from './description';
import { Answer, dnsRows } from './dns-check';
import { fetchBrokers, KafkaAccess, produceOne } from './kafka-probe';
import { advertisedRows, agreementRow, ReportedBroker } from './metadata';
import { tcpProbe, tlsProbe } from './probes';
import { Resolve } from './resolver';

export interface DoctorOptions {
  readonly description: Description;
  readonly hostAzId?: string;
  readonly resolve: Resolve;
  readonly inHostSubnet: (address: string) => boolean;
  readonly clientProperties?: { readonly file: string; readonly text: string };
  readonly access: KafkaAccess;
  /** SASL is on but no credentials were given: the SASL row says so and Kafka's rows are blocked. */
  readonly saslMissing?: boolean;
  readonly produceTopic?: string;
  readonly progress: (line: string) => void;
  /** @default Date.now() */
  readonly now?: Date;
}

/** One name and port the clients connect to: a shard's bootstrap or a broker's own. */
interface Target {
  readonly name: string;
  readonly port: number;
  readonly broker?: DescribedBroker;
  readonly what: string;
}

const errorText = (e: Error): string => {
  const nested = (e as { errors?: Error[] }).errors;
  const inner = Array.isArray(nested) && nested.length > 0 ? `: ${nested.map((n) => n.message).join('; ')}` : '';
  return `${e.message}${inner}`.replace(/\s+/g, ' ').slice(0, 300);
};

const isAuthError = (text: string): boolean => /auth|sasl|credential|password/i.test(text);

/**
 * Every check, layer by layer, none skipped for an earlier failure elsewhere: DNS, TCP, TLS, SASL,
 * Kafka metadata, client settings, produce. A check that needs a name or port an earlier check
 * found broken is `blocked`, pointing at that row, so that each broken link is named once.
 */
export async function runDoctor(o: DoctorOptions): Promise<CheckRow[]> {
  const d = o.description;
  const rows: CheckRow[] = [];
  const stack = `consumer-${d.consumer}`;

  // DNS
  const answers = new Map<string, Answer>();
  for (const name of new Set(d.shards.flatMap((s) => [s.sharedName, ...s.zonalNames.map((z) => z.name), ...s.brokers.map((b) => b.zonalName)]))) {
    o.progress(`dns ${name}`);
    const r = await timed(() => o.resolve(name));
    answers.set(name, r.error ? { error: (r.error as NodeJS.ErrnoException).code ?? r.error.message, ms: r.ms } : { addresses: r.value!, ms: r.ms });
  }
  for (const shard of d.shards) rows.push(...dnsRows({ description: d, inHostSubnet: o.inHostSubnet, ...(o.hostAzId ? { hostAzId: o.hostAzId } : {}) }, shard, answers));
  const addressOf = (name: string): string | undefined => {
    const a = answers.get(name);
    return a && 'addresses' in a ? a.addresses[0] : undefined;
  };

  const targets: Target[] = d.shards.flatMap((s) => [
    { name: s.sharedName, port: s.bootstrapPort, what: `bootstrap${d.shards.length > 1 ? ` of shard ${s.index}` : ''}` },
    ...s.brokers.map((b) => ({ name: b.zonalName, port: b.port, broker: b, what: `broker ${b.id}` })),
  ]);
  const key = (t: { name: string; port: number }) => `${t.name}:${t.port}`;
  const broken = new Map<string, string>();

  // TCP
  for (const t of targets) {
    const address = addressOf(t.name);
    if (address === undefined) {
      rows.push(row('tcp', key(t), 'blocked', 0, `${t.what}: ${t.name} does not resolve (see dns)`));
      broken.set(key(t), 'dns');
      continue;
    }
    o.progress(`tcp ${key(t)}`);
    const r = await timed(() => tcpProbe(address, t.port, o.access.timeoutMs));
    if (!r.error) {
      rows.push(row('tcp', key(t), 'pass', r.ms, `${t.what}: connected to ${address}:${t.port}`));
      continue;
    }
    broken.set(key(t), 'tcp');
    const fix = t.broker
      ? `port ${t.port} must pass the endpoint's security group (${stack}, from the spec's allowedCidrs/allowedSecurityGroupIds: deploy ${stack}) and the NLB listener ${t.port} needs a healthy target: ${t.broker.inventoryHostname} running with its client listener (see the kafka rows)`
      : `port ${t.port} must pass the endpoint's security group (${stack}) and the NLB's bootstrap listener needs healthy targets`;
    rows.push(row('tcp', key(t), 'fail', r.ms, `${t.what}: ${address}:${t.port} ${r.error.message}`, fix));
  }

  // TLS
  if (d.clientListener.tls) {
    const now = o.now ?? new Date();
    for (const t of targets) {
      if (broken.has(key(t))) {
        rows.push(row('tls', key(t), 'blocked', 0, `${t.what}: no connection (see ${broken.get(key(t))})`));
        continue;
      }
      o.progress(`tls ${key(t)}`);
      const r = await timed(() => tlsProbe(addressOf(t.name)!, t.port, t.name, o.access.tls?.ca, o.access.timeoutMs));
      const holder = t.broker ? t.broker.inventoryHostname : 'every broker';
      if (r.error) {
        broken.set(key(t), 'tls');
        rows.push(row('tls', key(t), 'fail', r.ms, `${t.what}: handshake failed (${errorText(r.error)})`, `the client listener ${d.clientListener.name} of ${holder} must speak TLS (${d.clientListener.securityProtocol}): run the Ansible rollout`));
        continue;
      }
      const f = r.value!;
      const expected = t.broker ? t.broker.tlsSubjectAltNames : [t.name];
      const uncovered = expected.filter((n) => !f.subjectAltNames.includes(n));
      const problems = [
        ...(f.nameError ? [`the certificate does not cover ${t.name} (its DNS names: ${f.subjectAltNames.join(', ') || 'none'})`] : []),
        ...(!f.nameError && uncovered.length ? [`the certificate lacks ${uncovered.join(', ')} (its DNS names: ${f.subjectAltNames.join(', ')})`] : []),
        ...(f.chainError ? [`its chain does not verify (${f.chainError})${o.access.tls?.ca ? '' : '; give the CA with --ca'}`] : []),
        ...(f.validTo.getTime() <= now.getTime() ? [`it expired on ${f.validTo.toISOString()}`] : []),
      ];
      const days = Math.floor((f.validTo.getTime() - now.getTime()) / 86_400_000);
      if (problems.length === 0) rows.push(row('tls', key(t), 'pass', r.ms, `${t.what}: verified as ${t.name}, DNS names ${f.subjectAltNames.join(', ')}, issuer ${f.issuer}, expires in ${days} days`));
      else {
        if (f.nameError || f.chainError || f.validTo.getTime() <= now.getTime()) broken.set(key(t), 'tls');
        const sans = t.broker ? `${t.broker.tlsSubjectAltNames.join(', ')} (kafka_privatelink_client_tls_sans in ansible/host_vars/${t.broker.inventoryHostname}.yml)` : t.name;
        rows.push(row('tls', key(t), 'fail', r.ms, `${t.what}: ${problems.join('; ')}`, `issue ${holder}'s certificate for ${sans}, from a CA the clients trust, and restart ${holder}`));
      }
    }
  }

  // SASL, then Kafka: metadata through the first reachable bootstrap.
  let authBlocked: string | undefined;
  const bootstraps = targets.filter((t) => t.broker === undefined);
  const firstBootstrap = bootstraps.find((t) => !broken.has(key(t)));
  const bootstrapResult = new Map<string, { brokers?: ReportedBroker[]; error?: string; ms: number }>();
  const fetchVia = async (t: Target) => {
    o.progress(`kafka metadata via ${key(t)}`);
    const r = await timed(() => fetchBrokers(addressOf(t.name)!, t.port, t.name, o.access));
    return r.error ? { error: errorText(r.error), ms: r.ms } : { brokers: r.value!, ms: r.ms };
  };
  if (d.clientListener.sasl) {
    const who = o.access.sasl ? `${o.access.sasl.username} with ${o.access.sasl.mechanism}` : '';
    if (o.saslMissing || !o.access.sasl) {
      authBlocked = 'sasl';
      rows.push(row('sasl', 'credentials', 'fail', 0, `the client listener uses ${d.clientListener.securityProtocol} and no credentials were given`, 'give --sasl-username and --sasl-password-file (or KAFKA_PRIVATELINK_SASL_USERNAME and KAFKA_PRIVATELINK_SASL_PASSWORD)'));
    } else if (firstBootstrap === undefined) {
      rows.push(row('sasl', who, 'blocked', 0, 'no bootstrap connection (see tcp/tls)'));
    } else {
      const r = await fetchVia(firstBootstrap);
      bootstrapResult.set(key(firstBootstrap), r);
      if (r.error && isAuthError(r.error)) {
        authBlocked = 'sasl';
        rows.push(row('sasl', who, 'fail', r.ms, `authentication through ${key(firstBootstrap)} refused (${r.error})`, `the user's credentials or mechanism are wrong: check the SCRAM/PLAIN user on the brokers (kafka-configs --describe --entity-type users) and the password given`));
      } else if (r.error) rows.push(row('sasl', who, 'blocked', r.ms, `no answer from Kafka through ${key(firstBootstrap)} (see kafka)`));
      else rows.push(row('sasl', who, 'pass', r.ms, `authenticated through ${key(firstBootstrap)} (the password is not shown)`));
    }
  }

  let reference: ReportedBroker[] | undefined;
  for (const t of bootstraps) {
    if (broken.has(key(t)) || authBlocked) {
      rows.push(row('kafka', `metadata via ${key(t)}`, 'blocked', 0, `see ${authBlocked ?? broken.get(key(t))}`));
      continue;
    }
    const r = bootstrapResult.get(key(t)) ?? (await fetchVia(t));
    if (r.error) {
      broken.set(key(t), 'kafka');
      rows.push(row('kafka', `metadata via ${key(t)}`, 'fail', r.ms, `no metadata (${r.error})`, 'the brokers behind the bootstrap listener do not answer Kafka requests: check they run and their client listener is the one the rollout set'));
      continue;
    }
    if (reference === undefined) {
      reference = r.brokers!;
      rows.push(row('kafka', `metadata via ${key(t)}`, 'pass', r.ms, `${reference.length} brokers listed`));
      rows.push(...advertisedRows(d, key(t), reference, r.ms));
    } else {
      const same = JSON.stringify([...r.brokers!].sort((a, b) => a.id - b.id)) === JSON.stringify([...reference].sort((a, b) => a.id - b.id));
      rows.push(row('kafka', `metadata via ${key(t)}`, same ? 'pass' : 'fail', r.ms, same ? 'agrees with the first bootstrap' : 'disagrees with the first bootstrap', 'the shards see different clusters: check their NLBs target the same brokers'));
    }
  }
  for (const b of allBrokers(d)) {
    const t = targets.find((x) => x.broker?.id === b.id)!;
    const target = `metadata via ${key(t)}`;
    if (broken.has(key(t)) || authBlocked || reference === undefined) {
      rows.push(row('kafka', target, 'blocked', 0, `see ${broken.get(key(t)) ?? authBlocked ?? 'the bootstrap metadata'}`));
      continue;
    }
    const r = await fetchVia(t);
    if (r.error) {
      const absent = !reference.some((x) => x.id === b.id);
      rows.push(absent ? row('kafka', target, 'blocked', r.ms, `broker ${b.id} is not registered (see broker ${b.id})`) : row('kafka', target, 'fail', r.ms, `broker ${b.id} through its own port: ${r.error}`, `${b.inventoryHostname} must answer on its client listener behind port ${b.port}: check it runs and the rollout set its listener`));
    } else rows.push(agreementRow(b, reference, r.brokers!, r.ms));
  }

  if (o.clientProperties) rows.push(...clientSettingsRows(d, o.clientProperties.file, parseProperties(o.clientProperties.text)));

  if (o.produceTopic !== undefined) {
    const servers = bootstraps.map(key);
    if (authBlocked || reference === undefined) rows.push(row('produce', o.produceTopic, 'blocked', 0, `see ${authBlocked ?? 'kafka'}`));
    else {
      o.progress(`produce to ${o.produceTopic}`);
      const r = await timed(() => produceOne(servers, o.produceTopic!, o.access));
      rows.push(r.error ? row('produce', o.produceTopic, 'fail', r.ms, `acks=all: ${errorText(r.error)}`, `the topic must exist and its partitions' leaders and in-sync replicas must be reachable; check the principal may write to ${o.produceTopic}`) : row('produce', o.produceTopic, 'pass', r.ms, `acks=all: ${r.value}`));
    }
  }
  return rows;
}
