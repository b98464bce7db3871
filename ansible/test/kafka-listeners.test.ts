import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from 'yaml';
import { assertAnsibleInstalled, ansibleInventoryList, mustRunPlaybook, recap, resolvedVar, runPlaybook } from './ansible';
import { parseEndpoints, parseListenerSection, parseProtocolMap } from './properties';
import { synthExample, SynthOutput } from './synth';

jest.setTimeout(180_000);

interface ExpectedBroker {
  readonly id: number;
  readonly privateIp: string;
  readonly azId: string;
  /** What clients behind PrivateLink must be told: zonal name of the AZ and the broker's NLB port. */
  readonly advertised: string;
}

// The example spec and its committed lockfile, written out by hand.
const EXAMPLE: readonly ExpectedBroker[] = [
  { id: 101, privateIp: '10.0.1.11', azId: 'apse1-az1', advertised: 'kafka-az1.grab:10001' },
  { id: 201, privateIp: '10.0.2.11', azId: 'apse1-az2', advertised: 'kafka-az2.grab:10002' },
  { id: 301, privateIp: '10.0.3.11', azId: 'apse1-az3', advertised: 'kafka-az3.grab:10003' },
];
const BROKER_401: ExpectedBroker = { id: 401, privateIp: '10.0.1.12', azId: 'apse1-az1', advertised: 'kafka-az1.grab:10004' };

const addBroker401 = (doc: Document): void => {
  doc.addIn(['brokers'], doc.createNode({ id: 401, azId: 'apse1-az1', instanceId: 'i-0a1b2c3d4e5f60401', privateIp: '10.0.1.12' }));
};

const LISTENER_KEYS = ['listeners', 'advertised.listeners', 'listener.security.protocol.map', 'inter.broker.listener.name', 'controller.listener.names'];

/** The server.properties of the Apache Kafka 4.1 tarball (config/server.properties), where a broker starts from. */
const ORIGINAL = readFileSync(join(__dirname, 'apache-kafka-server.properties'), 'utf8');

const serverProperties = (brokersDir: string, brokerId: number): string => join(brokersDir, `broker-${brokerId}`, 'server.properties');

/** Gives every host of a synth output its own copy of the tarball's server.properties. */
function provisionBrokers(synth: SynthOutput, brokerIds: readonly number[], name = 'brokers'): string {
  const brokersDir = join(synth.dir, name);
  for (const id of brokerIds) {
    mkdirSync(join(brokersDir, `broker-${id}`), { recursive: true });
    writeFileSync(serverProperties(brokersDir, id), ORIGINAL);
  }
  return brokersDir;
}

/** The listener keys of a server.properties, and its other lines in order. */
function splitFile(text: string): { section: Record<string, string>; others: string[] } {
  const lines = text.split('\n');
  const isListenerKey = (line: string): boolean => LISTENER_KEYS.some((k) => line.startsWith(`${k}=`));
  return {
    section: parseListenerSection(lines.filter(isListenerKey).join('\n')),
    others: lines.filter((l) => !isListenerKey(l)),
  };
}

/** Synthesizes, runs the real playbook on fresh copies of server.properties (no restart), reads the files back. */
function synthAndRun(edit?: (doc: Document) => void, ids: readonly number[] = EXAMPLE.map((b) => b.id)): { synth: SynthOutput; brokersDir: string; sections: Map<number, Record<string, string>>; stdout: string } {
  const synth = synthExample(edit);
  const brokersDir = provisionBrokers(synth, ids);
  const run = mustRunPlaybook(synth.inventory, brokersDir, synth.dir, { kafka_listeners_restart: false });
  const sections = new Map(ids.map((id) => [id, splitFile(readFileSync(serverProperties(brokersDir, id), 'utf8')).section] as const));
  return { synth, brokersDir, sections, stdout: run.stdout };
}

/** What every broker's section must satisfy, whatever the spec. */
function expectConsistentSection(section: Record<string, string>, broker: ExpectedBroker): void {
  const listeners = parseEndpoints(section['listeners']);
  const advertised = parseEndpoints(section['advertised.listeners']);
  const protocols = parseProtocolMap(section['listener.security.protocol.map']);
  const names = listeners.map((l) => l.listener);

  expect(Object.keys(protocols).sort()).toEqual([...names].sort());
  for (const a of advertised) expect(names).toContain(a.listener);
  expect(names).toContain(section['inter.broker.listener.name']);
  expect(advertised.map((a) => a.listener)).toContain(section['inter.broker.listener.name']);
  for (const controller of (section['controller.listener.names'] ?? '').split(',').filter(Boolean)) {
    expect(names).toContain(controller);
    expect(advertised.map((a) => a.listener)).not.toContain(controller);
  }
  expect(advertised.find((a) => a.listener === 'INTERNAL')).toEqual({ listener: 'INTERNAL', host: broker.privateIp, port: 9092 });
  const client = advertised.find((a) => a.listener === 'CLIENT')!;
  expect(`${client.host}:${client.port}`).toBe(broker.advertised);
  expect(listeners.find((l) => l.listener === 'CLIENT')).toEqual({ listener: 'CLIENT', host: broker.privateIp, port: 9094 });
}

beforeAll(assertAnsibleInstalled);

describe('the kafka-listeners playbook on the example spec', () => {
  let run: ReturnType<typeof synthAndRun>;
  beforeAll(() => {
    run = synthAndRun();
  });
  afterAll(() => rmSync(run.synth.dir, { recursive: true, force: true }));

  it.each(EXAMPLE)('makes broker $id advertise $advertised on CLIENT and its private IP on INTERNAL', (broker) => {
    expectConsistentSection(run.sections.get(broker.id)!, broker);
  });

  it("sets exactly broker 101's listener keys in its server.properties", () => {
    expect(run.sections.get(101)).toEqual({
      listeners: 'INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093',
      'inter.broker.listener.name': 'INTERNAL',
      'advertised.listeners': 'INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    });
  });

  it('keeps every other line of server.properties byte-identical, comments included, each key where it was', () => {
    const after = readFileSync(serverProperties(run.brokersDir, 101), 'utf8');
    expect(splitFile(after).others).toEqual(splitFile(ORIGINAL).others);
    const keyOrder = (text: string): string[] => text.split('\n').filter((l) => /^[a-z.]+=/.test(l)).map((l) => l.split('=')[0]!);
    expect(keyOrder(after)).toEqual(keyOrder(ORIGINAL));
  });

  it('reports a change on every broker, then changed=0 when run again', () => {
    for (const broker of EXAMPLE) expect(recap(run.stdout).get(`broker-${broker.id}`)?.changed).toBeGreaterThan(0);
    const again = mustRunPlaybook(run.synth.inventory, run.brokersDir, run.synth.dir, { kafka_listeners_restart: false });
    expect([...recap(again.stdout).entries()]).toEqual(EXAMPLE.map((b) => [`broker-${b.id}`, { changed: 0, failed: 0 }]));
  });

  it('gives Ansible an inventory grouped by cluster and AZ ID, with each broker at its private IP and its host_vars', () => {
    const list = ansibleInventoryList(run.synth.inventory, run.synth.dir);
    expect((list['kafka_coban'] as { hosts: string[] }).hosts.sort()).toEqual(['broker-101', 'broker-201', 'broker-301']);
    for (const broker of EXAMPLE) {
      const group = `az_${broker.azId.replaceAll('-', '_')}`;
      expect((list[group] as { hosts: string[] }).hosts).toEqual([`broker-${broker.id}`]);
      expect(list._meta.hostvars[`broker-${broker.id}`]).toMatchObject({
        ansible_host: broker.privateIp,
        kafka_privatelink_broker_id: broker.id,
        kafka_privatelink_az_id: broker.azId,
        kafka_advertised_listeners: `INTERNAL://${broker.privateIp}:9092,CLIENT://${broker.advertised}`,
      });
    }
  });

  it("merges a cp-ansible team's own kafka_broker_custom_properties, the listener keys winning", () => {
    const team = join(run.synth.dir, 'team-hosts.yml');
    writeFileSync(
      team,
      'kafka_broker:\n  children:\n    kafka_coban: {}\n  vars:\n    kafka_broker_custom_properties_team:\n      num.io.threads: 16\n      advertised.listeners: PLAINTEXT://stale:9092\n',
    );
    expect(resolvedVar([team, run.synth.inventory], 'broker-201', 'kafka_broker_custom_properties', run.synth.dir)).toEqual({
      'num.io.threads': 16,
      'advertised.listeners': 'INTERNAL://10.0.2.11:9092,CLIENT://kafka-az2.grab:10002',
    });
    expect(resolvedVar([run.synth.inventory], 'broker-201', 'kafka_broker_custom_properties', run.synth.dir)).toEqual({
      'advertised.listeners': 'INTERNAL://10.0.2.11:9092,CLIENT://kafka-az2.grab:10002',
    });
  });

  it('synthesizes byte-identical Ansible files and report again', () => {
    const second = synthExample();
    try {
      for (const path of ['ansible/inventory.yml', 'ansible/host_vars/broker-101.yml', 'ansible/host_vars/broker-301.yml', 'topology.md']) {
        expect(readFileSync(join(second.outdir, path), 'utf8')).toBe(readFileSync(join(run.synth.outdir, path), 'utf8'));
      }
    } finally {
      rmSync(second.dir, { recursive: true, force: true });
    }
  });
});

describe('the kafka-listeners playbook after adding broker 401 in apse1-az1', () => {
  let run: ReturnType<typeof synthAndRun>;
  beforeAll(() => {
    run = synthAndRun(addBroker401, [...EXAMPLE.map((b) => b.id), 401]);
  });
  afterAll(() => rmSync(run.synth.dir, { recursive: true, force: true }));

  it('makes broker 401 advertise kafka-az1.grab:10004', () => {
    expectConsistentSection(run.sections.get(401)!, BROKER_401);
  });

  it('leaves the other brokers as they were', () => {
    for (const broker of EXAMPLE) expectConsistentSection(run.sections.get(broker.id)!, broker);
  });

  it('records the new port in the topology report', () => {
    expect(readFileSync(join(run.synth.outdir, 'topology.md'), 'utf8')).toContain('| 401 | apse1-az1 | 0 | 10004 | `kafka-az1.grab:10004` |');
  });
});

describe('the kafka-listeners role', () => {
  let synth: SynthOutput;
  beforeAll(() => {
    synth = synthExample();
  });
  afterAll(() => rmSync(synth.dir, { recursive: true, force: true }));

  it('fails when advertised.listeners names a listener that listeners lacks', () => {
    const run = runPlaybook(synth.inventory, join(synth.dir, 'bad'), synth.dir, {
      kafka_privatelink_server_properties: {
        listeners: 'INTERNAL://10.0.1.11:9092',
        'advertised.listeners': 'INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
        'listener.security.protocol.map': 'INTERNAL:PLAINTEXT',
        'inter.broker.listener.name': 'INTERNAL',
      },
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('inconsistent listener settings');
  });

  it('fails when the controller listener is advertised', () => {
    const run = runPlaybook(synth.inventory, join(synth.dir, 'bad'), synth.dir, {
      kafka_privatelink_server_properties: {
        listeners: 'INTERNAL://10.0.1.11:9092,CONTROLLER://10.0.1.11:9093',
        'advertised.listeners': 'INTERNAL://10.0.1.11:9092,CONTROLLER://10.0.1.11:9093',
        'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'inter.broker.listener.name': 'INTERNAL',
        'controller.listener.names': 'CONTROLLER',
      },
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('inconsistent listener settings');
  });

  it('fails when the declared client listener is not advertised under the zonal name and port, naming both', () => {
    const run = runPlaybook(synth.inventory, join(synth.dir, 'bad'), synth.dir, { kafka_privatelink_nlb_port: 10009 });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('the client listener CLIENT (PLAINTEXT) must be advertised as kafka-az1.grab:10009');
  });

  it('fails when the declared client protocol is not the one of listener.security.protocol.map, or not a Kafka protocol', () => {
    const mismatch = runPlaybook(synth.inventory, join(synth.dir, 'bad'), synth.dir, { kafka_privatelink_client_protocol: 'SSL' });
    expect(mismatch.status).not.toBe(0);
    expect(mismatch.stdout).toContain('the client listener CLIENT (SSL) must be advertised as kafka-az1.grab:10001');
    const unknown = runPlaybook(synth.inventory, join(synth.dir, 'bad'), synth.dir, { kafka_privatelink_client_protocol: 'TLS' });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stdout).toMatch(/value of kafka_privatelink_client_protocol must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got: TLS/);
  });

  it('shows the change with --check --diff and leaves server.properties as it was', () => {
    const brokersDir = provisionBrokers(synth, EXAMPLE.map((b) => b.id), 'check');
    const run = runPlaybook(synth.inventory, brokersDir, synth.dir, {}, ['--check', '--diff']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('-listeners=PLAINTEXT://:9092,CONTROLLER://:9093');
    expect(run.stdout).toContain('+listeners=INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093');
    expect(run.stdout).toContain('broker 101 would restart (listener keys changed)');
    for (const broker of EXAMPLE) expect(readFileSync(serverProperties(brokersDir, broker.id), 'utf8')).toBe(ORIGINAL);
  });

  it('fails when server.properties is not where the layout says', () => {
    const run = runPlaybook(synth.inventory, join(synth.dir, 'nowhere'), synth.dir, { kafka_listeners_restart: false });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain(`broker 101: no server.properties at ${join(synth.dir, 'nowhere')}/broker-101/server.properties`);
  });

  it('fails when an input does not match the argument specs', () => {
    const run = runPlaybook(synth.inventory, join(synth.dir, 'nowhere'), synth.dir, { kafka_listeners_service_manager: 'upstart' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/value of kafka_listeners_service_manager must be one of: systemd, command, got: upstart/);
  });

  it('sets the TLS keys of an SSL client listener, and fails without them', () => {
    const ssl = {
      listeners: 'INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094',
      'advertised.listeners': 'INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,CLIENT:SSL',
      'inter.broker.listener.name': 'INTERNAL',
    };
    const brokersDir = provisionBrokers(synth, EXAMPLE.map((b) => b.id), 'tls');
    const vars = { kafka_listeners_hosts: 'broker-101', kafka_listeners_restart: false, kafka_privatelink_server_properties: ssl, kafka_privatelink_client_protocol: 'SSL' };
    const without = runPlaybook(synth.inventory, brokersDir, synth.dir, vars);
    expect(without.status).not.toBe(0);
    expect(without.stdout).toContain('the client listener CLIENT uses SSL, so kafka_listeners_client_tls needs keystore_location, keystore_password, key_password, truststore_location');
    const tls = { keystore_location: '/etc/kafka/tls/broker.p12', keystore_password: 'k', key_password: 'k', truststore_location: '/etc/kafka/tls/ca.p12' };
    mustRunPlaybook(synth.inventory, brokersDir, synth.dir, { ...vars, kafka_listeners_client_tls: tls });
    const text = readFileSync(serverProperties(brokersDir, 101), 'utf8');
    expect(text).toContain('\nlistener.name.client.ssl.keystore.location=/etc/kafka/tls/broker.p12\n');
    expect(text).toContain('\nlistener.name.client.ssl.truststore.location=/etc/kafka/tls/ca.p12\n');
  });

  it('sets the SASL keys of a SASL_SSL client listener, and fails without a mechanism', () => {
    const saslSsl = {
      listeners: 'INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094',
      'advertised.listeners': 'INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,CLIENT:SASL_SSL',
      'inter.broker.listener.name': 'INTERNAL',
    };
    const tls = { keystore_location: '/etc/kafka/tls/broker.p12', keystore_password: 'k', key_password: 'k', truststore_location: '/etc/kafka/tls/ca.p12' };
    const brokersDir = provisionBrokers(synth, EXAMPLE.map((b) => b.id), 'sasl');
    const vars = { kafka_listeners_hosts: 'broker-101', kafka_listeners_restart: false, kafka_privatelink_server_properties: saslSsl, kafka_privatelink_client_protocol: 'SASL_SSL', kafka_listeners_client_tls: tls };
    const without = runPlaybook(synth.inventory, brokersDir, synth.dir, vars);
    expect(without.status).not.toBe(0);
    expect(without.stdout).toContain('the client listener CLIENT uses SASL_SSL, so kafka_listeners_client_sasl_mechanisms needs at least one of SCRAM-SHA-256, SCRAM-SHA-512');
    const unknown = runPlaybook(synth.inventory, brokersDir, synth.dir, { ...vars, kafka_listeners_client_sasl_mechanisms: ['PLAIN'] });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stdout).toMatch(/value of kafka_listeners_client_sasl_mechanisms must be one or more of: SCRAM-SHA-256, SCRAM-SHA-512. Got no match for: PLAIN/);

    const scram = { ...vars, kafka_listeners_client_sasl_mechanisms: ['SCRAM-SHA-512'] };
    const interBroker = runPlaybook(synth.inventory, brokersDir, synth.dir, { ...scram, kafka_privatelink_server_properties: { ...saslSsl, 'inter.broker.listener.name': 'CLIENT' } });
    expect(interBroker.status).not.toBe(0);
    expect(interBroker.stdout).toContain('the client listener CLIENT uses SASL_SSL and is the inter-broker listener');
    const check = runPlaybook(synth.inventory, brokersDir, synth.dir, scram, ['--check', '--diff']);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('+listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512');
    expect(readFileSync(serverProperties(brokersDir, 101), 'utf8')).toBe(ORIGINAL);
    const first = mustRunPlaybook(synth.inventory, brokersDir, synth.dir, scram);
    expect(recap(first.stdout).get('broker-101')?.changed).toBeGreaterThan(0);
    const text = readFileSync(serverProperties(brokersDir, 101), 'utf8');
    expect(text).toContain('\nlistener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512\n');
    expect(text).toContain('\nlistener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;\n');
    expect(text).toContain('\nlistener.name.client.ssl.keystore.location=/etc/kafka/tls/broker.p12\n');
    expect(recap(mustRunPlaybook(synth.inventory, brokersDir, synth.dir, scram).stdout).get('broker-101')?.changed).toBe(0);
  });

  it('stops the rollout at the first broker whose gate fails and touches none after it', () => {
    const brokersDir = provisionBrokers(synth, EXAMPLE.map((b) => b.id), 'rollout');
    const marker = (host: string): string => join(brokersDir, host, 'restarted');
    // No Kafka tools where the gates look for them: the gate before the first restart cannot hold.
    const run = runPlaybook(synth.inventory, brokersDir, synth.dir, {
      kafka_listeners_service_manager: 'command',
      kafka_listeners_restart_command: ['touch', `${brokersDir}/{{ inventory_hostname }}/restarted`],
      kafka_listeners_kafka_bin_dir: join(synth.dir, 'no-kafka-here'),
      kafka_listeners_gate_timeout_seconds: 2,
      kafka_listeners_gate_poll_seconds: 1,
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain("rollout stopped at broker 101 (broker-101) at 'gate before the restart: no under-replicated partitions'");
    expect(existsSync(marker('broker-101'))).toBe(false);
    for (const id of [201, 301]) {
      expect(readFileSync(serverProperties(brokersDir, id), 'utf8')).toBe(ORIGINAL);
      expect(existsSync(marker(`broker-${id}`))).toBe(false);
    }
    // The others only ran the checks of the first play, which write nothing.
    expect([...recap(run.stdout).entries()]).toEqual([
      ['broker-101', { changed: 1, failed: 1 }],
      ['broker-201', { changed: 0, failed: 0 }],
      ['broker-301', { changed: 0, failed: 0 }],
    ]);
  });
});
