import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_SPEC_PATH } from '@kafka-privatelink/cluster-spec';
import { copySpec, readExposure, synth } from '../src/exposure';
import { haproxyConfig } from '../src/haproxy-config';
import { buildTopology } from '../src/topology';

// The contract with the stacks and the emitters: the example's real synth output lays out as a twin.
describe('the example spec synthesized', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twin-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every broker a listener, a target and a zonal name that resolves to the ENI of its AZ', async () => {
    // GIVEN
    const spec = copySpec(EXAMPLE_SPEC_PATH, join(dir, 'spec'));
    await synth(spec, join(dir, 'out'));
    // WHEN
    const exposure = readExposure(spec, join(dir, 'out'));
    const topology = buildTopology(exposure.provider, exposure.consumers, exposure.brokers, exposure.world);
    // THEN
    expect(topology.frontends.map((f) => f.port).sort()).toEqual([10000, ...exposure.brokers.map((b) => b.nlbPort)].sort());
    for (const b of exposure.brokers) {
      const own = topology.frontends.find((f) => f.port === b.nlbPort)!;
      expect(topology.backends.find((be) => be.name === own.backend)!.servers).toEqual([{ name: b.host, address: b.privateIp, port: 9094 }]);
      const zonal = topology.records.find((r) => r.name === b.advertisedName)!;
      expect(zonal.regional).toBe(false);
      expect(zonal.addresses.map((a) => topology.enis.find((e) => e.address === a)!.azId)).toEqual([b.azId]);
    }
    const shared = topology.records.find((r) => `${r.name}:10000` === exposure.brokers[0]!.bootstrapServers)!;
    expect(shared).toMatchObject({ regional: true, addresses: topology.enis.map((e) => e.address) });
    expect(haproxyConfig(topology, { statsSocket: '/s' })).toContain('tcp-request connection accept if');
  }, 120_000);
});
