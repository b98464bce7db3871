import { Answer, dnsRows } from '../src/dns-check';
import { exampleDescription } from './fixtures';

const d = exampleDescription();
const shard = d.shards[0]!;
const ENI = { 'apse1-az1': '10.20.1.100', 'apse1-az2': '10.20.2.100', 'apse1-az3': '10.20.3.100' };
const healthy = (): Map<string, Answer> =>
  new Map<string, Answer>([
    ['kafka.grab', { addresses: Object.values(ENI), ms: 1 }],
    ['kafka-az1.grab', { addresses: [ENI['apse1-az1']], ms: 1 }],
    ['kafka-az2.grab', { addresses: [ENI['apse1-az2']], ms: 1 }],
    ['kafka-az3.grab', { addresses: [ENI['apse1-az3']], ms: 1 }],
  ]);
const subnetOf = (azId: keyof typeof ENI) => (address: string) => address.startsWith(ENI[azId].slice(0, 8));
const failed = (rows: ReturnType<typeof dnsRows>) => rows.filter((r) => r.status !== 'pass');

describe('the DNS checks', () => {
  it('pass when every name answers its own AZ interface', () => {
    const rows = dnsRows({ description: d, hostAzId: 'apse1-az1', inHostSubnet: subnetOf('apse1-az1') }, shard, healthy());
    expect(failed(rows)).toEqual([]);
    expect(rows.find((r) => r.target === 'kafka-az1.grab')!.detail).toContain("this host's AZ, in its subnet");
  });

  it('fails when a zonal record is missing, naming the record and the consumer stack', () => {
    const answers = healthy();
    answers.set('kafka-az2.grab', { error: 'ENOTFOUND', ms: 1 });
    const rows = failed(dnsRows({ description: d, inHostSubnet: () => false }, shard, answers));
    expect(rows.map((r) => r.target)).toEqual(['kafka-az2.grab']);
    expect(rows[0]!.fix).toContain('npx cdktf deploy consumer-kios');
  });

  it("fails on exactly the zonal name that points at another AZ's interface, seen from a host of its own AZ", () => {
    // GIVEN kafka-az3.grab answers az1's interface
    const answers = healthy();
    answers.set('kafka-az3.grab', { addresses: [ENI['apse1-az1']], ms: 1 });
    // WHEN checked from az3 and from az1: both name kafka-az3.grab alone
    for (const az of ['apse1-az3', 'apse1-az1'] as const) {
      const rows = failed(dnsRows({ description: d, hostAzId: az, inHostSubnet: subnetOf(az) }, shard, answers));
      expect(rows.map((r) => r.target)).toEqual(['kafka-az3.grab']);
      expect(rows[0]!.detail).toContain('10.20.3.100 is answered by no zonal name');
    }
  });

  it('fails on both names that share an interface when the host is in neither AZ, and says where to run to tell', () => {
    const answers = healthy();
    answers.set('kafka-az3.grab', { addresses: [ENI['apse1-az1']], ms: 1 });
    const rows = failed(dnsRows({ description: d, hostAzId: 'apse1-az2', inHostSubnet: subnetOf('apse1-az2') }, shard, answers));
    expect(rows.map((r) => r.target)).toEqual(['kafka-az1.grab', 'kafka-az3.grab']);
    expect(rows[0]!.detail).toContain('apse1-az1 or apse1-az3');
  });

  it('fails when a zonal name answers an address that is none of the endpoint interfaces', () => {
    const answers = healthy();
    answers.set('kafka-az2.grab', { addresses: ['10.99.0.1'], ms: 1 });
    expect(failed(dnsRows({ description: d, inHostSubnet: () => false }, shard, answers)).map((r) => r.detail)).toEqual([
      'kafka-az2.grab answers 10.99.0.1, which is none of the endpoint\'s interfaces (10.20.1.100, 10.20.2.100, 10.20.3.100, from kafka.grab)',
    ]);
  });
});
