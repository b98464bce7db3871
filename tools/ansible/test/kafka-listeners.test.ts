import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Document } from 'yaml';
import { assertAnsibleInstalled, ansibleInventoryList, renderListeners, runPlaybook } from './ansible';
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

const renderedFile = (renderDir: string, brokerId: number): string => join(renderDir, `broker-${brokerId}`, 'server-listeners.properties');

/** Synthesizes, runs the real playbook, and reads back every broker's rendered listener section. */
function synthAndRender(edit?: (doc: Document) => void): { synth: SynthOutput; renderDir: string; sections: Map<number, Record<string, string>> } {
  const synth = synthExample(edit);
  const renderDir = join(synth.dir, 'rendered');
  renderListeners(synth.inventory, renderDir, synth.dir);
  const sections = new Map(
    readdirSync(renderDir).map((host) => [
      Number(host.replace(/^broker-/, '')),
      parseListenerSection(readFileSync(join(renderDir, host, 'server-listeners.properties'), 'utf8')),
    ]),
  );
  return { synth, renderDir, sections };
}

/** What every broker's section must satisfy, whatever the spec. */
function expectConsistentSection(section: Record<string, string>, broker: ExpectedBroker): void {
  expect(Object.keys(section)).toEqual(LISTENER_KEYS.filter((k) => k in section));
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
  let run: ReturnType<typeof synthAndRender>;
  beforeAll(() => {
    run = synthAndRender();
  });
  afterAll(() => rmSync(run.synth.dir, { recursive: true, force: true }));

  it('renders one file per broker at <output dir>/broker-<id>/server-listeners.properties', () => {
    expect(readdirSync(run.renderDir).sort()).toEqual(['broker-101', 'broker-201', 'broker-301']);
  });

  it.each(EXAMPLE)('makes broker $id advertise $advertised on CLIENT and its private IP on INTERNAL', (broker) => {
    expectConsistentSection(run.sections.get(broker.id)!, broker);
  });

  it('renders exactly the listener section of broker 101', () => {
    const text = readFileSync(renderedFile(run.renderDir, 101), 'utf8');
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      'listeners=INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093',
      'advertised.listeners=INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
      'listener.security.protocol.map=INTERNAL:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=INTERNAL',
      'controller.listener.names=CONTROLLER',
      '',
    ]);
  });

  it('changes nothing when run again', () => {
    const again = runPlaybook(run.synth.inventory, run.renderDir, run.synth.dir);
    expect(again.status).toBe(0);
    for (const broker of EXAMPLE) expect(again.stdout).toMatch(new RegExp(`broker-${broker.id}\\s+: ok=\\d+\\s+changed=0\\s+unreachable=0\\s+failed=0`));
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
  let run: ReturnType<typeof synthAndRender>;
  beforeAll(() => {
    run = synthAndRender(addBroker401);
  });
  afterAll(() => rmSync(run.synth.dir, { recursive: true, force: true }));

  it('makes broker 401 advertise kafka-az1.grab:10004', () => {
    expectConsistentSection(run.sections.get(401)!, BROKER_401);
  });

  it('leaves the other brokers as they were', () => {
    for (const broker of EXAMPLE) expectConsistentSection(run.sections.get(broker.id)!, broker);
  });

  it('records the new port in the topology report', () => {
    expect(readFileSync(join(run.synth.outdir, 'topology.md'), 'utf8')).toContain('- broker 401: allocated port 10004 on shard 0');
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
});
