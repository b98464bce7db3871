import { ClassifiedConnection, classify, parseConnectionLine, percent, summarize } from '../src/connection-log';
import { Topology } from '../src/topology';
import { brokers } from './fixtures';

const topology: Topology = {
  brokers: brokers(),
  nlbAddress: '10.0.1.250',
  providerClientAddress: '10.0.1.249',
  enis: [1, 2, 3].map((az) => ({ consumer: 'consumer-kios', endpoint: 'kafka_s0', loadBalancer: 'nlb_s0', azId: `apse1-az${az}`, address: `10.20.${az}.100` })),
  clients: [1, 2, 3].map((az) => ({ consumer: 'consumer-kios', azId: `apse1-az${az}`, address: `10.20.${az}.10` })),
  frontends: [],
  backends: [],
  records: [],
};

const line = (client: number, eni: number, port: number, server: string) =>
  `twin-connection frontend=listener.x client=10.20.${client}.10:40000 bind=10.20.${eni}.100:${port} server=target_group.x/${server}`;

const classified = (client: number, eni: number, port: number, server: string): ClassifiedConnection => {
  const r = classify(parseConnectionLine(line(client, eni, port, server))!, topology);
  if (!r.ok) throw new Error(r.reason);
  return r.connection;
};

describe('parseConnectionLine', () => {
  it('reads frontend, client, bind address and server', () => {
    expect(parseConnectionLine(line(1, 2, 10001, 'broker-101'))).toEqual({
      frontend: 'listener.x',
      clientAddress: '10.20.1.10',
      bindAddress: '10.20.2.100',
      bindPort: 10001,
      backend: 'target_group.x',
      server: 'broker-101',
    });
  });

  it('skips HAProxy\'s other output', () => {
    expect(parseConnectionLine('[NOTICE]   (1) : New worker (2) forked')).toBeUndefined();
  });
});

describe('classify', () => {
  it('counts a needless crossing when the ENI is in neither the client\'s AZ nor the broker\'s', () => {
    // GIVEN a client in az3 reaching broker 201 (az2) through the az1 ENI
    const c = classified(3, 1, 10002, 'broker-201');
    // THEN
    expect(c).toMatchObject({ kind: 'broker', clientAz: 'apse1-az3', endpointAz: 'apse1-az1', brokerAz: 'apse1-az2', needlessCrossing: true });
  });

  it('does not count the ENI of the client\'s AZ or of the broker\'s AZ', () => {
    expect(classified(3, 3, 10002, 'broker-201').needlessCrossing).toBe(false);
    expect(classified(3, 2, 10002, 'broker-201').needlessCrossing).toBe(false);
  });

  it('counts a same-AZ pair reached through another AZ as needless', () => {
    expect(classified(1, 2, 10001, 'broker-101').needlessCrossing).toBe(true);
  });

  it('tells the bootstrap listener from a broker\'s own and names the broker a port belongs to', () => {
    expect(classified(1, 1, 10000, 'broker-201').kind).toBe('bootstrap');
    expect(classified(1, 1, 10002, 'broker-101')).toMatchObject({ kind: 'broker', listenerBrokerId: 201, brokerId: 101 });
  });

  it('fails for connections no broker took', () => {
    expect(classify(parseConnectionLine(line(1, 1, 10001, '<NOSRV>'))!, topology)).toEqual({
      ok: false,
      reason: 'listener.x from 10.20.1.10: not forwarded to a broker (target_group.x/<NOSRV>)',
    });
  });
});

describe('summarize', () => {
  it('splits broker connections by same-AZ and other-AZ pairs and leaves bootstrap out', () => {
    // GIVEN
    const connections = [
      classified(1, 2, 10001, 'broker-101'), // same AZ, needless
      classified(1, 1, 10001, 'broker-101'), // same AZ
      classified(1, 3, 10002, 'broker-201'), // other AZ, needless
      classified(1, 2, 10002, 'broker-201'), // other AZ
      classified(1, 3, 10000, 'broker-201'), // bootstrap
    ];
    // WHEN
    const s = summarize(connections);
    // THEN
    expect(s.all).toEqual({ crossed: 2, total: 4 });
    expect(s.sameAz).toEqual({ crossed: 1, total: 2 });
    expect(s.otherAz).toEqual({ crossed: 1, total: 2 });
    expect(s.paths).toContainEqual(['apse1-az1 → apse1-az3 → apse1-az2', 1]);
    expect(percent(s.all)).toBe('50 %');
  });
});
