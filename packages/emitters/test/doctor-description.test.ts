import { Document } from 'yaml';
import { doctorDescription } from '../src';
import { examplePlan } from './plans';

const describeFor = (edit?: (doc: Document) => void) => {
  const { plan } = examplePlan(edit);
  return JSON.parse(doctorDescription(plan, plan.consumers[0]!)) as Record<string, unknown> & { shards: { brokers: Record<string, unknown>[] }[] };
};

describe('the doctor description of a consumer', () => {
  it('holds the bootstrap name and every broker at its zonal name, NLB port and AZ ID', () => {
    // GIVEN the example (brokers 101/201/301, one per AZ), WHEN its consumer is described
    const d = describeFor();

    // THEN the shared name, the zone, the idle limits and every broker's advertised address are there
    expect(d).toMatchObject({
      schemaVersion: 1,
      cluster: 'coban',
      consumer: 'kios',
      crossRegion: false,
      privateZone: 'grab',
      endpointAzIds: ['apse1-az1', 'apse1-az2', 'apse1-az3'],
      bootstrapServers: 'kafka.grab:10000',
      clientListener: { name: 'CLIENT', securityProtocol: 'PLAINTEXT', tls: false, sasl: false },
      nlbIdleTimeoutSeconds: 350,
      connectionsMaxIdleMs: 320000,
    });
    expect(d.shards).toHaveLength(1);
    expect(d.shards[0]).toMatchObject({ index: 0, sharedName: 'kafka.grab', bootstrapPort: 10000 });
    expect(d.shards[0]!.brokers).toEqual([
      { id: 101, azId: 'apse1-az1', zonalName: 'kafka-az1.grab', port: 10001, inventoryHostname: 'broker-101', tlsSubjectAltNames: [] },
      { id: 201, azId: 'apse1-az2', zonalName: 'kafka-az2.grab', port: 10002, inventoryHostname: 'broker-201', tlsSubjectAltNames: [] },
      { id: 301, azId: 'apse1-az3', zonalName: 'kafka-az3.grab', port: 10003, inventoryHostname: 'broker-301', tlsSubjectAltNames: [] },
    ]);
  });

  it('names the TLS and SASL of the client listener and the names each certificate must cover, never a secret', () => {
    // GIVEN a SASL_SSL client listener
    const d = describeFor((doc) => doc.setIn(['kafka', 'clientListener', 'securityProtocol'], 'SASL_SSL'));

    // THEN TLS and SASL are on and each broker lists its SANs
    expect(d.clientListener).toEqual({ name: 'CLIENT', securityProtocol: 'SASL_SSL', tls: true, sasl: true });
    expect(d.shards[0]!.brokers[1]!.tlsSubjectAltNames).toEqual(['kafka.grab', 'kafka-az2.grab']);
    expect(JSON.stringify(d)).not.toMatch(/password|secret/i);
  });

  it('gives the same bytes for the same plan', () => {
    const { plan } = examplePlan();
    expect(doctorDescription(plan, plan.consumers[0]!)).toBe(doctorDescription(examplePlan().plan, examplePlan().plan.consumers[0]!));
  });
});
