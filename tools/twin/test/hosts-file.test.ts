import { hostsEntries, hostsFileText, shuffled } from '../src/hosts-file';
import { DnsRecord } from '../src/topology';

const records: DnsRecord[] = [
  { consumer: 'consumer-kios', name: 'kafka.grab', addresses: ['10.20.1.100', '10.20.2.100', '10.20.3.100'], regional: true },
  { consumer: 'consumer-kios', name: 'kafka-az2.grab', addresses: ['10.20.2.100'], regional: false },
  { consumer: 'consumer-other', name: 'kafka.other', addresses: ['10.30.1.100'], regional: true },
];

/** A fixed sequence instead of Math.random. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('hostsEntries', () => {
  it('resolves a zonal name to the ENI of its AZ only', () => {
    const entries = hostsEntries(records, 'consumer-kios', sequence(0));
    expect(entries.filter((e) => e.name === 'kafka-az2.grab')).toEqual([{ address: '10.20.2.100', name: 'kafka-az2.grab' }]);
  });

  it('resolves the shared name to every ENI, in the order the random source draws', () => {
    // GIVEN a draw that swaps the last address to the front
    const entries = hostsEntries(records, 'consumer-kios', sequence(0, 0));
    // THEN
    expect(entries.filter((e) => e.name === 'kafka.grab').map((e) => e.address)).toEqual(['10.20.2.100', '10.20.3.100', '10.20.1.100']);
  });

  it('answers only the records of the client\'s own VPC', () => {
    expect(hostsEntries(records, 'consumer-kios').some((e) => e.name === 'kafka.other')).toBe(false);
  });
});

describe('shuffled', () => {
  it('draws every order of three addresses', () => {
    const orders = new Set<string>();
    for (let i = 0; i < 200; i++) orders.add(shuffled(['a', 'b', 'c']).join(''));
    expect(orders.size).toBe(6);
  });
});

describe('hostsFileText', () => {
  it('keeps localhost and writes one line per address', () => {
    expect(hostsFileText([{ address: '10.20.1.100', name: 'kafka-az1.grab' }])).toBe('127.0.0.1\tlocalhost\n10.20.1.100\tkafka-az1.grab\n');
  });
});
