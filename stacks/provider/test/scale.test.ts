import { MAX_LB_NAME_LENGTH } from '@kafka-privatelink/cluster-spec';
import { broker, editYaml, planFromYaml, resourcesByAddress, synthProvider } from './plans';

const brokers = (count: number) => Array.from({ length: count }, (_, i) => broker(1001 + i, ((i % 3) + 1) as 1 | 2 | 3));

describe('ProviderStack at scale', () => {
  describe('GIVEN 120 brokers and ports.maxShards 3', () => {
    const { plan } = planFromYaml(
      editYaml((s) => {
        s.brokers = brokers(120);
        s.ports.maxShards = 3;
      }),
    );
    const resources = resourcesByAddress(synthProvider(plan));
    const ofType = (type: string) => [...resources.entries()].filter(([address]) => address.startsWith(`${type}.`));

    it('THEN there are 3 NLB shards, each with its own endpoint service', () => {
      expect(ofType('aws_lb').map(([address]) => address)).toEqual(['aws_lb.nlb_s0', 'aws_lb.nlb_s1', 'aws_lb.nlb_s2']);
      expect(ofType('aws_vpc_endpoint_service').map(([, block]) => block.network_load_balancer_arns)).toEqual([
        ['${aws_lb.nlb_s0.arn}'],
        ['${aws_lb.nlb_s1.arn}'],
        ['${aws_lb.nlb_s2.arn}'],
      ]);
    });

    it('THEN no NLB has more than 50 listeners, and every broker has exactly one', () => {
      const perNlb = new Map<unknown, number>();
      for (const [, listener] of ofType('aws_lb_listener')) {
        perNlb.set(listener.load_balancer_arn, (perNlb.get(listener.load_balancer_arn) ?? 0) + 1);
      }
      expect([...perNlb.values()]).toEqual([50, 50, 23]);
      expect(ofType('aws_lb_listener').filter(([address]) => address.startsWith('aws_lb_listener.broker_'))).toHaveLength(120);
    });

    it('THEN every shard has a bootstrap listener on the same port over only its own brokers', () => {
      for (const shard of plan.shards) {
        expect(resources.get(`aws_lb_listener.bootstrap_s${shard.index}`)).toMatchObject({ port: 10000 });
        const members = ofType('aws_lb_target_group_attachment').filter(([address]) => address.includes(`.bootstrap_s${shard.index}_`));
        expect(members.map(([address]) => address)).toEqual(shard.brokerIds.map((id) => `aws_lb_target_group_attachment.bootstrap_s${shard.index}_broker_${id}`));
      }
    });
  });

  it('fails when the spec forbids sharding and the brokers do not fit one NLB, with the allocation\'s message', () => {
    expect(() => planFromYaml(editYaml((s) => (s.brokers = brokers(120))))).toThrow(
      '120 brokers do not fit: sharding is off (ports.maxShards 1) and one NLB holds at most 49 brokers ' +
        '(50 listeners, one of them the bootstrap listener), so 49 brokers fit; ' +
        'remove 71 brokers or set ports.maxShards to 3 (each shard is its own NLB and endpoint service)',
    );
  });

  describe('GIVEN the longest legal names: a 20-character cluster, broker id 2147483647, shard 1', () => {
    const cluster = 'a'.repeat(19) + 'z';
    const { plan } = planFromYaml(
      editYaml((s) => {
        s.cluster = cluster;
        s.ports.brokersPerShard = 2;
        s.ports.maxShards = 2;
        s.brokers.push(broker(2147483647, 1));
      }),
    );
    const resources = resourcesByAddress(synthProvider(plan));
    const names = [...resources.entries()]
      .filter(([address]) => address.startsWith('aws_lb.') || address.startsWith('aws_lb_target_group.'))
      .map(([, block]) => block.name as string);

    it('THEN every load balancer and target group name fits AWS\'s 32 characters and character set', () => {
      expect(names).toContain(`${cluster}-b2147483647`);
      expect(names).toContain(`${cluster}-nlb-s1`);
      expect(Math.max(...names.map((n) => n.length))).toBe(MAX_LB_NAME_LENGTH);
      for (const name of names) expect(name).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/);
    });

    it('fails when the cluster name is one character longer, with the spec\'s message', () => {
      const text = editYaml((s) => {
        s.cluster = `${cluster}z`;
        s.brokers.push(broker(2147483647, 1));
      });
      expect(() => planFromYaml(text)).toThrow('so the cluster name may have at most 20 characters');
    });
  });
});
