import { broker, EXAMPLE_YAML, editYaml, planFromYaml, resourcesByAddress, synthProvider } from './plans';

const INGRESS_10000 = 'aws_vpc_security_group_ingress_rule.nlb_s0_from_10_20_0_0_16_port_10000';
const PORT_OWNERS = 'terraform_data.port_owners_s0';

type Resources = ReturnType<typeof resourcesByAddress>;

/** A resource's arguments; `depends_on` only orders operations, Terraform plans no change for it. */
const argumentsOf = (resources: Resources, address: string) => {
  const config: Record<string, unknown> = { ...resources.get(address)! };
  delete config.depends_on;
  return JSON.stringify(config);
};

/** Addresses whose arguments differ between two syntheses, and addresses only in one of them. */
function compare(before: Resources, after: Resources) {
  const changed = [...before.keys()].filter((a) => after.has(a) && argumentsOf(after, a) !== argumentsOf(before, a));
  return {
    changed,
    added: [...after.keys()].filter((a) => !before.has(a)).sort(),
    removed: [...before.keys()].filter((a) => !after.has(a)).sort(),
  };
}

describe('ProviderStack stability', () => {
  const first = planFromYaml(EXAMPLE_YAML);
  const before = synthProvider(first.plan);

  describe('GIVEN the example WHEN broker 401 is added', () => {
    const next = planFromYaml(editYaml((s) => s.brokers.push(broker(401, 1))), first.lock);
    const after = synthProvider(next.plan);
    const diff = compare(resourcesByAddress(before), resourcesByAddress(after));

    it('THEN only broker 401\'s own resources are added', () => {
      expect(diff.added).toEqual([
        'aws_lb_listener.broker_401',
        'aws_lb_target_group.broker_401',
        'aws_lb_target_group_attachment.bootstrap_s0_broker_401',
        'aws_lb_target_group_attachment.broker_401',
        'terraform_data.broker_401',
      ]);
      expect(diff.removed).toEqual([]);
    });

    it('THEN no existing resource changes, except the NLB ingress range growing in place and the port guard gaining the new port', () => {
      expect(diff.changed).toEqual([INGRESS_10000, PORT_OWNERS]);
      expect(resourcesByAddress(before).get(INGRESS_10000)).toMatchObject({ from_port: 10000, to_port: 10003 });
      expect(resourcesByAddress(after).get(INGRESS_10000)).toMatchObject({ from_port: 10000, to_port: 10004 });
      expect(resourcesByAddress(after).get(PORT_OWNERS)).toEqual({
        ...resourcesByAddress(before).get(PORT_OWNERS),
        for_each: { ...(resourcesByAddress(before).get(PORT_OWNERS)!.for_each as object), '10004': 'broker 401 port 10004' },
      });
    });

    it('THEN existing brokers keep their ports and the new one gets the next port', () => {
      expect(after.output.broker_ports.value).toEqual({ '101': 10001, '201': 10002, '301': 10003, '401': 10004 });
      expect(resourcesByAddress(after).get('aws_lb_listener.broker_401')).toMatchObject({ port: 10004 });
    });

    it('THEN the order of brokers in the spec does not matter', () => {
      const reversed = planFromYaml(
        editYaml((s) => {
          s.brokers.push(broker(401, 1));
          s.brokers.reverse();
        }),
        first.lock,
      );
      expect(synthProvider(reversed.plan)).toEqual(after);
    });
  });

  describe('GIVEN the example WHEN broker 201 is removed', () => {
    const next = planFromYaml(editYaml((s) => (s.brokers = s.brokers.filter((b: { id: number }) => b.id !== 201))), first.lock);
    const after = synthProvider(next.plan);
    const diff = compare(resourcesByAddress(before), resourcesByAddress(after));

    it('THEN only broker 201\'s own resources are removed', () => {
      expect(diff.removed).toEqual([
        'aws_lb_listener.broker_201',
        'aws_lb_target_group.broker_201',
        'aws_lb_target_group_attachment.bootstrap_s0_broker_201',
        'aws_lb_target_group_attachment.broker_201',
        'terraform_data.broker_201',
      ]);
    });

    it('THEN its port is retired, and the NLB ingress, which may span a port without a listener, and the port guard stay as they were', () => {
      expect(next.lock.retired).toEqual([{ port: 10002, broker: 201, shard: 0, listener: 'CLIENT' }]);
      expect(diff.changed).toEqual([]);
      expect(diff.added).toEqual([]);
      expect(resourcesByAddress(after).get(INGRESS_10000)).toMatchObject({ from_port: 10000, to_port: 10003 });
      expect(resourcesByAddress(after).get('aws_lb.nlb_s0')).toMatchObject({ depends_on: [INGRESS_10000] });
      expect(after.output.broker_ports.value).toEqual({ '101': 10001, '301': 10003 });
    });
  });
});
