import { example, lostLockfile, planRole, sharded } from '../src/scenarios';
import { BROKER_GROUP, deployRoleArn, deriveSpec, Seeded, seedRequest, withBroker, withoutBroker } from '../src/world';

const seededFor = (request: ReturnType<typeof seedRequest>): Seeded =>
  Object.fromEntries(
    request.vpcs.map((v, n) => [
      v.key,
      {
        vpcId: `vpc-${n}`,
        subnets: Object.fromEntries(v.subnets.map((s) => [s.key, `subnet-${n}-${s.key}`])),
        securityGroups: Object.fromEntries(v.securityGroups.map((g) => [g.key, `sg-${n}-${g.key}`])),
        instances: Object.fromEntries(v.instances.map((i) => [i.key, `i-${i.key}`])),
      },
    ]),
  );

describe('seedRequest', () => {
  it('asks for the provider VPC with one subnet per AZ around its brokers, the broker group and every instance', () => {
    // GIVEN the example with a spare broker for the scale-out
    const { spec, lifecycle } = example();
    // WHEN
    const [provider, kios] = seedRequest(spec, [lifecycle!]).vpcs;
    // THEN
    expect(provider).toMatchObject({ key: 'provider', account: '111111111111', region: 'ap-southeast-1', cidr: '10.0.0.0/16' });
    expect(provider!.subnets).toEqual([
      { key: 'apse1-az1', azId: 'apse1-az1', cidr: '10.0.1.0/24' },
      { key: 'apse1-az2', azId: 'apse1-az2', cidr: '10.0.2.0/24' },
      { key: 'apse1-az3', azId: 'apse1-az3', cidr: '10.0.3.0/24' },
    ]);
    expect(provider!.instances.map((i) => [i.key, i.subnet, i.privateIp])).toEqual([
      ['101', 'apse1-az1', '10.0.1.11'],
      ['201', 'apse1-az2', '10.0.2.11'],
      ['301', 'apse1-az3', '10.0.3.11'],
      ['401', 'apse1-az1', '10.0.1.12'],
    ]);
    expect(kios).toMatchObject({ key: 'consumer:kios', account: '222222222222', region: 'ap-southeast-1' });
    expect(kios!.subnets.map((s) => s.azId)).toEqual(['apse1-az1', 'apse1-az2', 'apse1-az3']);
  });

  it('fits sixty brokers of the sharded scenario into one VPC', () => {
    const [provider] = seedRequest(sharded().spec).vpcs;
    expect(provider!.cidr).toBe('10.0.0.0/16');
    expect(provider!.instances).toHaveLength(60);
  });

  it('gives an AZ whose brokers were all removed a subnet of its own outside the brokers\' /24s', () => {
    // GIVEN the example after broker 201, the only one in apse1-az2, left (the lost-lockfile scenario)
    const { spec } = lostLockfile();
    // WHEN
    const [provider] = seedRequest(spec).vpcs;
    // THEN apse1-az2 still has an NLB subnet, in the VPC, apart from the others
    expect(provider!.subnets).toEqual([
      { key: 'apse1-az1', azId: 'apse1-az1', cidr: '10.0.1.0/24' },
      { key: 'apse1-az2', azId: 'apse1-az2', cidr: '10.0.201.0/24' },
      { key: 'apse1-az3', azId: 'apse1-az3', cidr: '10.0.3.0/24' },
    ]);
  });

  it('fails when two AZs share one /24', () => {
    const { spec } = example();
    const squeezed = { ...spec, brokers: spec.brokers.map((b) => ({ ...b, privateIp: `10.0.1.${b.id % 250}` })) };
    expect(() => seedRequest(squeezed)).toThrow('each AZ must hold its brokers in one /24 of its own');
  });
});

describe('deriveSpec', () => {
  it('replaces every id with the seeded one, moves state and gives every stack a role in its account', () => {
    const { spec, lifecycle } = example();
    const seeded = seededFor(seedRequest(spec, [lifecycle!]));
    const derived = deriveSpec(spec, seeded, '.gen/emulator/example/state');
    expect(derived.provider).toMatchObject({ vpcId: 'vpc-0', brokerSecurityGroupId: `sg-0-${BROKER_GROUP}`, assumeRoleArn: deployRoleArn('111111111111') });
    expect(derived.provider.nlbSubnets).toEqual({ 'apse1-az1': 'subnet-0-apse1-az1', 'apse1-az2': 'subnet-0-apse1-az2', 'apse1-az3': 'subnet-0-apse1-az3' });
    expect(derived.brokers.map((b) => b.instanceId)).toEqual(['i-101', 'i-201', 'i-301']);
    expect(derived.backend).toEqual({ type: 'local', directory: '.gen/emulator/example/state' });
    expect(derived.consumers![0]).toMatchObject({ vpcId: 'vpc-1', assumeRoleArn: deployRoleArn('222222222222') });
  });

  it('keeps an S3 backend, whose bucket and lock table the scenario creates in the emulator', () => {
    // GIVEN the plan-role scenario, its state in S3  WHEN derived
    const { spec } = planRole();
    const derived = deriveSpec(spec, seededFor(seedRequest(spec)), '.gen/emulator/plan-role/state');
    // THEN the state stays in its bucket, key prefix and lock table
    expect(derived.backend).toEqual({ type: 's3', bucket: 'coban-state', region: 'ap-southeast-1', keyPrefix: 'kafka-privatelink', dynamodbTable: 'coban-locks' });
  });

  it('adds and removes brokers by id', () => {
    const { spec, lifecycle } = example();
    const seeded = seededFor(seedRequest(spec, [lifecycle!]));
    const grown = withBroker(deriveSpec(spec, seeded, 'state'), lifecycle!, seeded);
    expect(grown.brokers.map((b) => [b.id, b.instanceId])).toContainEqual([401, 'i-401']);
    expect(withoutBroker(grown, 201).brokers.map((b) => b.id)).toEqual([101, 301, 401]);
  });
});
