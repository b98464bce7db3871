import { advertisedRows, agreementRow } from '../src/metadata';
import { exampleDescription } from './fixtures';

const d = exampleDescription();
const healthy = [
  { id: 101, host: 'kafka-az1.grab', port: 10001 },
  { id: 201, host: 'kafka-az2.grab', port: 10002 },
  { id: 301, host: 'kafka-az3.grab', port: 10003 },
];
const failures = (rows: ReturnType<typeof advertisedRows>) => rows.filter((r) => r.status === 'fail');

describe('the metadata comparison', () => {
  it('passes when every broker advertises its zonal name and lockfile port', () => {
    expect(failures(advertisedRows(d, 'kafka.grab:10000', healthy, 5))).toEqual([]);
  });

  it('fails on a broker still advertising an old port, naming the rollout on that broker', () => {
    const rows = failures(advertisedRows(d, 'kafka.grab:10000', healthy.map((b) => (b.id === 201 ? { ...b, port: 10001 } : b)), 5));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.detail).toBe('broker 201 advertises kafka-az2.grab:10001, the lockfile says 10002');
    expect(rows[0]!.fix).toContain('the Ansible rollout has not run on broker-201');
  });

  it('fails on a broker advertising another name', () => {
    const rows = failures(advertisedRows(d, 'kafka.grab:10000', healthy.map((b) => (b.id === 301 ? { ...b, host: 'kafka.grab' } : b)), 5));
    expect(rows.map((r) => r.detail)).toEqual(['broker 301 advertises kafka.grab:10003, its zonal name is kafka-az3.grab']);
  });

  it('fails when the cluster lacks a broker or has one the description does not', () => {
    const rows = failures(advertisedRows(d, 'kafka.grab:10000', [...healthy.filter((b) => b.id !== 201), { id: 401, host: 'kafka-az1.grab', port: 10004 }], 5));
    expect(rows.map((r) => r.target)).toEqual(['broker 201', 'broker set']);
    expect(rows[1]!.detail).toBe('expected but not reported: 201; reported but not in the description: 401 (kafka-az1.grab:10004)');
  });

  it('fails when metadata through a broker disagrees with the bootstrap', () => {
    const b = d.shards[0]!.brokers[0]!;
    expect(agreementRow(b, healthy, healthy, 1).status).toBe('pass');
    expect(agreementRow(b, healthy, healthy.slice(0, 2), 1).status).toBe('fail');
  });
});
