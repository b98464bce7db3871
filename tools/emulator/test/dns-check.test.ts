import { examplePlan } from './plan-fixture';
import { checkConsumerDns, DnsAnswer } from '../src/dns-check';

const domain = 'vpce-svc-0a.ap-southeast-1.vpce.amazonaws.com';
// The consumer account names AZs differently from the AZ IDs' order, as AWS does per account.
const azIdByName = { 'ap-southeast-1a': 'apse1-az3', 'ap-southeast-1b': 'apse1-az1', 'ap-southeast-1c': 'apse1-az2' };
const entries = ['vpce-1-ab', 'vpce-1-ab-ap-southeast-1a', 'vpce-1-ab-ap-southeast-1b', 'vpce-1-ab-ap-southeast-1c'].map((l) => `${l}.${domain}`);
const answer = (records: Record<string, string>, state = 'available'): DnsAnswer => ({
  privateZones: 1,
  records,
  endpoints: { 'vpce-1': { name: 'coban-kafka-s0', state, dnsEntries: entries } },
  azIdByName,
});
const right = {
  'kafka.grab': entries[0]!,
  'kafka-az1.grab': entries[2]!,
  'kafka-az2.grab': entries[3]!,
  'kafka-az3.grab': entries[1]!,
};

describe('checkConsumerDns', () => {
  it('passes when each zonal name aliases the entry of its own AZ ID, found by the account\'s AZ name', () => {
    const findings = checkConsumerDns(examplePlan(), 'kios', answer(right));
    expect(findings.filter((f) => !f.passed)).toEqual([]);
    expect(findings.map((f) => f.name)).toEqual([
      'kios: one private zone grab',
      'kios: vpce-1 (shard 0) accepted',
      'kios: kafka.grab → regional entry',
      'kios: kafka-az1.grab → zonal entry of apse1-az1',
      'kios: kafka-az2.grab → zonal entry of apse1-az2',
      'kios: kafka-az3.grab → zonal entry of apse1-az3',
    ]);
  });

  it('fails when a zonal name aliases the entry picked by list position instead of AZ', () => {
    const byIndex = { ...right, 'kafka-az1.grab': entries[1]!, 'kafka-az2.grab': entries[2]!, 'kafka-az3.grab': entries[3]! };
    const failed = checkConsumerDns(examplePlan(), 'kios', answer(byIndex)).filter((f) => !f.passed);
    expect(failed.map((f) => f.name)).toEqual([
      'kios: kafka-az1.grab → zonal entry of apse1-az1',
      'kios: kafka-az2.grab → zonal entry of apse1-az2',
      'kios: kafka-az3.grab → zonal entry of apse1-az3',
    ]);
  });

  it('fails when the endpoint still waits for acceptance or a record is missing', () => {
    const withoutShared: Record<string, string> = { ...right };
    delete withoutShared['kafka.grab'];
    const failed = checkConsumerDns(examplePlan(), 'kios', answer(withoutShared, 'pendingAcceptance')).filter((f) => !f.passed);
    expect(failed.map((f) => f.name)).toEqual(['kios: vpce-1 (shard 0) accepted', 'kios: kafka.grab → regional entry']);
  });
});
