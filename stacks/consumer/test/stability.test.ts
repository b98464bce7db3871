import { addresses, broker, exampleSpec, planOf, SpecDoc, StackJson, synthesize } from './fixtures';

/** What became of the resources of `before` in `after`: kept unchanged, changed in place, or gone. */
function compare(before: StackJson, after: StackJson) {
  const old = addresses(before);
  const now = addresses(after);
  const kept = Object.keys(old).filter((a) => a in now);
  return {
    gone: Object.keys(old).filter((a) => !(a in now)),
    changed: kept.filter((a) => JSON.stringify(old[a]) !== JSON.stringify(now[a])),
    added: Object.keys(now).filter((a) => !(a in old)),
  };
}

/** Synthesizes the example, then the spec changed by `change` over the example's lock. */
function beforeAndAfter(change: (spec: SpecDoc) => void) {
  const first = planOf(exampleSpec());
  const spec = exampleSpec();
  change(spec);
  return { before: synthesize(first.plan).stacks, after: synthesize(planOf(spec, first.lock).plan).stacks };
}

describe('stability of addresses', () => {
  it('GIVEN an added broker WHEN synthesized again THEN nothing is renamed and only the widened port range changes, in place', () => {
    const { before, after } = beforeAndAfter((spec) => spec.brokers.push(broker(401, 'apse1-az1')));
    expect(compare(before['consumer-kios'], after['consumer-kios'])).toEqual({
      gone: [],
      changed: ['aws_vpc_security_group_ingress_rule.kafka_s0_from_10_20_0_0_16_port_10000'],
      added: [],
    });
    const rule = addresses(after['consumer-kios'])['aws_vpc_security_group_ingress_rule.kafka_s0_from_10_20_0_0_16_port_10000'];
    expect(rule).toMatchObject({ from_port: 10000, to_port: 10004 });
    expect(compare(before.acceptance, after.acceptance)).toEqual({ gone: [], changed: [], added: [] });
  });

  it('GIVEN an added consumer WHEN synthesized again THEN the existing consumer stack is byte-identical and acceptance only grows', () => {
    const { before, after } = beforeAndAfter((spec) =>
      spec.consumers.unshift({ ...spec.consumers[0], name: 'aardvark', account: '555555555555', vpcId: 'vpc-0e1b2c3d4e5f60001' }),
    );
    expect(JSON.stringify(after['consumer-kios'])).toBe(JSON.stringify(before['consumer-kios']));
    expect(compare(before.acceptance, after.acceptance)).toEqual({
      gone: [],
      changed: [],
      added: ['aws_vpc_endpoint_connection_accepter.aardvark_s0', 'data.terraform_remote_state.consumer_aardvark'],
    });
  });

  it('GIVEN brokers that overflow into a second shard WHEN synthesized again THEN shard 0 is untouched and shard 1 only adds resources', () => {
    const { before, after } = beforeAndAfter((spec) => {
      spec.ports = { ...spec.ports, brokersPerShard: 3, maxShards: 2 };
      spec.brokers.push(broker(401, 'apse1-az1'), broker(402, 'apse1-az2'));
    });
    const kios = compare(before['consumer-kios'], after['consumer-kios']);
    expect(kios.gone).toEqual([]);
    expect(kios.changed).toEqual([]);
    expect(kios.added.sort()).toEqual([
      'aws_route53_record.shared_s1',
      'aws_route53_record.zonal_s1_apse1_az1',
      'aws_route53_record.zonal_s1_apse1_az2',
      'aws_route53_record.zonal_s1_apse1_az3',
      'aws_security_group.kafka_s1',
      'aws_vpc_endpoint.kafka_s1',
      'aws_vpc_security_group_ingress_rule.kafka_s1_from_10_20_0_0_16_port_10000',
      'aws_vpc_security_group_ingress_rule.kafka_s1_from_10_20_0_0_16_port_10004',
    ]);
    const records = addresses(after['consumer-kios']);
    expect(records['aws_route53_record.shared_s1']).toMatchObject({ name: 'kafka-s1.grab' });
    expect(records['aws_route53_record.zonal_s1_apse1_az2']).toMatchObject({ name: 'kafka-az2-s1.grab' });
    expect(after['consumer-kios'].output.bootstrap_servers.value).toBe('kafka.grab:10000,kafka-s1.grab:10000');
    expect(after['consumer-kios'].output.shard_1_endpoint_id.value).toBe('${aws_vpc_endpoint.kafka_s1.id}');
    expect(compare(before.acceptance, after.acceptance).added).toEqual(['aws_vpc_endpoint_connection_accepter.kios_s1']);
  });
});
