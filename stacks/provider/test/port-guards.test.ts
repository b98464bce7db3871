import { TerraformStack, Testing } from 'cdktf';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';
import { KafkaPrivateLinkProvider, KafkaPrivateLinkProviderProps } from '../src';
import { broker, EXAMPLE_YAML, editYaml, planFromYaml, resourcesByAddress, synthProvider } from './plans';

const props = (change: Partial<KafkaPrivateLinkProviderProps> = {}): KafkaPrivateLinkProviderProps => ({
  name: 'orders-nlb',
  vpcId: 'vpc-0a1b2c3d4e5f60001',
  subnets: { 'use1-az1': 'subnet-0a1b2c3d4e5f60011' },
  brokerSecurityGroupId: 'sg-0a1b2c3d4e5f60001',
  bootstrapTargetGroupName: 'orders-boot',
  enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
  brokers: [
    { id: 1, port: 10001, targetId: 'i-0a1b2c3d4e5f60001', targetGroupName: 'orders-b1' },
    { id: 3, port: 10003, targetId: 'i-0a1b2c3d4e5f60003', targetGroupName: 'orders-b3' },
  ],
  ...change,
});

/** The construct alone in a stack, as a team places it. */
const guardsOf = (change: Partial<KafkaPrivateLinkProviderProps> = {}) => {
  const stack = new TerraformStack(Testing.app(), 'team');
  new KafkaPrivateLinkProvider(stack, 'kafka', props(change));
  return JSON.parse(Testing.synth(stack)).resource.terraform_data as Record<string, Record<string, unknown>>;
};

const GUARD = { lifecycle: { prevent_destroy: true } };

describe('PortGuards', () => {
  describe('GIVEN the example WHEN the provider stack is synthesized', () => {
    const resources = resourcesByAddress(synthProvider(planFromYaml(EXAMPLE_YAML).plan));

    it('THEN every broker has a guard of its own, keyed by its id, that holds its port and cannot be destroyed by a change', () => {
      for (const [id, port] of [
        [101, 10001],
        [201, 10002],
        [301, 10003],
      ]) {
        expect(resources.get(`terraform_data.broker_${id}`)).toEqual({ ...GUARD, triggers_replace: `broker ${id} port ${port}` });
      }
    });

    it('THEN the shard has one port guard over its ports, keyed by port, each holding its broker', () => {
      expect(resources.get('terraform_data.port_owners_s0')).toEqual({
        ...GUARD,
        for_each: { '10001': 'broker 101 port 10001', '10002': 'broker 201 port 10002', '10003': 'broker 301 port 10003' },
        triggers_replace: '${each.value}',
      });
      expect([...resources.keys()].filter((a) => a.startsWith('terraform_data.'))).toEqual([
        'terraform_data.broker_101',
        'terraform_data.broker_201',
        'terraform_data.broker_301',
        'terraform_data.port_owners_s0',
      ]);
    });
  });

  it('GIVEN broker 201 removed from the example WHEN synthesized THEN its guard goes and its retired port stays guarded for it', () => {
    const first = planFromYaml(EXAMPLE_YAML);
    const { plan } = planFromYaml(editYaml((s) => (s.brokers = s.brokers.filter((b: { id: number }) => b.id !== 201))), first.lock);
    const resources = resourcesByAddress(synthProvider(plan));

    expect(resources.has('terraform_data.broker_201')).toBe(false);
    expect(resources.get('terraform_data.port_owners_s0')?.for_each).toEqual({
      '10001': 'broker 101 port 10001',
      '10002': 'broker 201 port 10002',
      '10003': 'broker 301 port 10003',
    });
  });

  it('GIVEN 60 brokers on two shards and one removed WHEN synthesized THEN each shard guards exactly its own ports, retired ones included', () => {
    const many = (s: Record<string, any>) => {
      s.brokers = Array.from({ length: 60 }, (_, i) => broker(1001 + i, ((i % 3) + 1) as 1 | 2 | 3));
      s.ports.maxShards = 2;
    };
    const first = planFromYaml(editYaml(many));
    const { plan } = planFromYaml(
      editYaml((s) => {
        many(s);
        s.brokers = s.brokers.filter((b: { id: number }) => b.id !== 1055);
      }),
      first.lock,
    );
    const resources = resourcesByAddress(synthProvider(plan));

    for (const shard of [0, 1]) {
      const ports = Object.keys(resources.get(`terraform_data.port_owners_s${shard}`)!.for_each as object).map(Number);
      const expected = [...plan.brokers.filter((b) => b.shard === shard), ...plan.retiredPorts.filter((r) => r.shard === shard)].map((b) => b.port);
      expect(ports).toEqual(expected.sort((a, b) => a - b));
    }
    expect(plan.retiredPorts).toEqual([{ port: 10055, broker: 1055, shard: 1, listener: 'CLIENT' }]);
    expect(resources.get('terraform_data.port_owners_s1')!.for_each).toMatchObject({ '10055': 'broker 1055 port 10055' });
    expect([...resources.keys()].filter((a) => a.startsWith('terraform_data.broker_'))).toHaveLength(59);
  });

  it('GIVEN the construct with retired ports WHEN built THEN they are guarded beside its brokers\' ports, in port order', () => {
    expect(guardsOf({ retiredPorts: [{ port: 10002, broker: 2 }] }).port_owners_s0).toMatchObject({
      for_each: { '10001': 'broker 1 port 10001', '10002': 'broker 2 port 10002', '10003': 'broker 3 port 10003' },
    });
    expect(guardsOf().port_owners_s0).toMatchObject({ for_each: { '10001': 'broker 1 port 10001', '10003': 'broker 3 port 10003' } });
  });

  it('fails when a retired port is also a broker\'s port or retired twice, naming the props', () => {
    const build = () => guardsOf({ retiredPorts: [{ port: 10003, broker: 2 }, { port: 10002, broker: 4 }, { port: 10002, broker: 5 }] });
    expect(build).toThrow(
      'KafkaPrivateLinkProvider orders-nlb: retiredPorts[0].port must differ from every broker port and every other retired port, got 10003, already used by brokers[1].port; ' +
        'retiredPorts[2].port must differ from every broker port and every other retired port, got 10002, already used by retiredPorts[1].port',
    );
    expect(build).toThrow(KafkaPrivateLinkError);
  });

  it('fails when a retired port is out of range', () => {
    expect(() => guardsOf({ retiredPorts: [{ port: 0, broker: 2 }] })).toThrow('retiredPorts[0].port must be an integer between 1 and 65535, got 0');
  });
});
