import { parseSpec } from '@kafka-privatelink/cluster-spec';
import { stringify } from 'yaml';
import { BENCH_BROKER_COUNTS, BENCH_CONSUMER_COUNTS, generateSpec } from '../src/spec-generator';

const sizes = BENCH_BROKER_COUNTS.flatMap((brokers) => BENCH_CONSUMER_COUNTS.map((consumers) => [brokers, consumers] as const));

describe('generateSpec', () => {
  it.each(sizes)('gives a spec of %i brokers and %i consumers that the real parser accepts', (brokers, consumers) => {
    // GIVEN a generated spec, written as YAML as the bench writes it
    const text = stringify(generateSpec({ brokers, consumers }));

    // WHEN the product parses it
    const spec = parseSpec(text, `${brokers}x${consumers}.yaml`);

    // THEN every broker and consumer is there, and the NLB shards can hold every broker
    expect(spec.brokers).toHaveLength(brokers);
    expect(spec.consumers).toHaveLength(consumers);
    expect(spec.ports.maxShards * spec.ports.brokersPerShard).toBeGreaterThanOrEqual(brokers);
    expect(spec.ports.lastBroker - spec.ports.firstBroker + 1).toBeGreaterThanOrEqual(brokers);
  });

  it('spreads brokers over the three AZ IDs that every consumer covers', () => {
    const spec = generateSpec({ brokers: 6, consumers: 2 });

    const azIds = new Set(spec.brokers.map((b) => b.azId));
    expect([...azIds].sort()).toEqual(Object.keys(spec.provider.nlbSubnets).sort());
    for (const consumer of spec.consumers ?? []) expect(Object.keys(consumer.subnets).sort()).toEqual([...azIds].sort());
  });

  it('is deterministic', () => {
    expect(generateSpec({ brokers: 300, consumers: 10 })).toEqual(generateSpec({ brokers: 300, consumers: 10 }));
  });

  it('fails when the size is not a positive whole number of brokers', () => {
    expect(() => generateSpec({ brokers: 0, consumers: 1 })).toThrow('brokers must be a whole number of at least 1, got 0');
  });
});
