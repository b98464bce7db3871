import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { generateSpec } from '@kafka-privatelink/bench';
import { runApp, tree } from './run-app';

const LOCALES = [
  { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' },
  // Estonian collation sorts "z" between "s" and "t"; Kiritimati is UTC+14.
  { LANG: 'et_EE.UTF-8', LC_ALL: 'et_EE.UTF-8', TZ: 'Pacific/Kiritimati' },
];

/** A valid spec shaped like the bench's, with the parts a sort or a name could depend on drawn at random. */
const specArb = fc
  .record({
    brokerIds: fc.uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 12 }),
    brokersPerShard: fc.integer({ min: 2, max: 49 }),
    consumerNames: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}[a-z0-9]$/), { maxLength: 4 }),
    targetType: fc.constantFrom('instance' as const, 'ip' as const),
    zonalName: fc.constantFrom('kafka-{az}', '{azId}-kafka', 'b-{az}'),
  })
  .map(({ brokerIds, brokersPerShard, consumerNames, targetType, zonalName }) => {
    const spec = generateSpec({ brokers: brokerIds.length, consumers: consumerNames.length });
    return {
      ...spec,
      provider: { ...spec.provider, targetType },
      brokers: spec.brokers.map((b, i) => ({ ...b, id: brokerIds[i] })),
      ports: { ...spec.ports, brokersPerShard, maxShards: Math.ceil(brokerIds.length / brokersPerShard) },
      dns: { ...spec.dns, zonalName },
      consumers: (spec.consumers ?? []).map((c, i) => ({ ...c, name: consumerNames[i] })),
    };
  });

describe('synth output', () => {
  it('is the same bytes for random specs under two locales and time zones and two spec file names', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const root = mkdtempSync(join(tmpdir(), 'kpl-bytes-'));
        const [first, second] = [join(root, 'a'), join(root, 'b')];
        mkdirSync(first);
        mkdirSync(second);
        writeFileSync(join(first, 'cluster.yaml'), stringify(spec));
        // the first synth allocates (and its report says so); the second is the one compared
        expect(runApp(join(first, 'cluster.yaml'), join(first, 'out'), LOCALES[0]).status).toBe(0);
        expect(runApp(join(first, 'cluster.yaml'), join(first, 'out'), LOCALES[0]).status).toBe(0);
        // renamed, with its lockfile moved along: nothing to allocate, nothing may differ
        copyFileSync(join(first, 'cluster.yaml'), join(second, 'Cluster Prod.yml'));
        copyFileSync(join(first, 'cluster.ports-lock.json'), join(second, 'Cluster Prod.ports-lock.json'));
        const renamed = runApp(join(second, 'Cluster Prod.yml'), join(second, 'out'), { ...LOCALES[1], KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true' });
        expect(renamed.stderr).not.toContain('ports:');
        expect(renamed.status).toBe(0);
        expect(tree(join(second, 'out'))).toEqual(tree(join(first, 'out')));
        expect(readFileSync(join(second, 'Cluster Prod.ports-lock.json'), 'utf8')).toBe(readFileSync(join(first, 'cluster.ports-lock.json'), 'utf8'));
      }),
      { numRuns: 5 },
    );
  }, 180_000);
});
