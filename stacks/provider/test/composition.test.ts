import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';
import { KafkaPrivateLinkProvider, KafkaPrivateLinkProviderProps } from '../src';
import { editYaml, EXAMPLE_YAML, planFromYaml } from './plans';

/** The orders cluster of a team, as the README's app has it. */
const orders = (change: Partial<KafkaPrivateLinkProviderProps> = {}): KafkaPrivateLinkProviderProps => ({
  name: 'orders-nlb',
  vpcId: 'vpc-0a1b2c3d4e5f60001',
  subnets: { 'use1-az1': 'subnet-0a1b2c3d4e5f60011', 'use1-az2': 'subnet-0a1b2c3d4e5f60012' },
  brokerSecurityGroupId: 'sg-0a1b2c3d4e5f60001',
  bootstrapTargetGroupName: 'orders-boot',
  enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: true,
  clientCidrs: ['10.40.0.0/16'],
  brokers: [
    { id: 1, port: 10001, targetId: 'i-0a1b2c3d4e5f60001', targetGroupName: 'orders-b1' },
    { id: 2, port: 10002, targetId: 'i-0a1b2c3d4e5f60002', targetGroupName: 'orders-b2' },
  ],
  ...change,
});

/** A second cluster of the same team, in the same VPC, with brokers of the same ids and ports. */
const payments = (change: Partial<KafkaPrivateLinkProviderProps> = {}): KafkaPrivateLinkProviderProps =>
  orders({
    name: 'payments-nlb',
    brokerSecurityGroupId: 'sg-0a1b2c3d4e5f60002',
    bootstrapTargetGroupName: 'payments-boot',
    brokers: [
      { id: 1, port: 10001, targetId: 'i-0a1b2c3d4e5f60101', targetGroupName: 'payments-b1' },
      { id: 2, port: 10002, targetId: 'i-0a1b2c3d4e5f60102', targetGroupName: 'payments-b2' },
    ],
    ...change,
  });

type Json = Record<string, any>;

/** Every resource by address, with its whole body, cdktf's metadata included. */
const byAddress = (json: Json): Map<string, string> =>
  new Map(Object.entries<Record<string, unknown>>(json.resource).flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => [`${type}.${name}`, JSON.stringify(body)])));

/** The error `build` throws, to check its class and its whole message once. */
function refusal(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('several KafkaPrivateLinkProviders in one stack', () => {
  it('GIVEN two clusters, the second with an addressPrefix WHEN synthesized in one stack THEN each has its own NLB, listeners, target groups and endpoint service, and the outputs name each its own', () => {
    // GIVEN a team's stack with two clusters and an output of each one's service name
    const stack = new TerraformStack(Testing.app(), 'streaming');
    const first = new KafkaPrivateLinkProvider(stack, 'orders-kafka', orders());
    const second = new KafkaPrivateLinkProvider(stack, 'payments-kafka', payments({ addressPrefix: 'payments' }));
    new TerraformOutput(stack, 'orders-service-name', { value: first.endpointService.serviceName });
    new TerraformOutput(stack, 'payments-service-name', { value: second.endpointService.serviceName });

    // WHEN synthesized
    const json = JSON.parse(Testing.synth(stack));

    // THEN there are two of everything, each with its own cluster's names
    expect(Object.fromEntries(Object.entries<Json>(json.resource.aws_lb).map(([a, lb]) => [a, lb.name]))).toEqual({ nlb_s0: 'orders-nlb', payments_nlb_s0: 'payments-nlb' });
    expect(Object.keys(json.resource.aws_vpc_endpoint_service).sort()).toEqual(['endpoint_service_s0', 'payments_endpoint_service_s0']);
    expect(json.resource.aws_vpc_endpoint_service.payments_endpoint_service_s0.network_load_balancer_arns).toEqual(['${aws_lb.payments_nlb_s0.arn}']);
    expect(Object.keys(json.resource.aws_lb_listener).sort()).toEqual([
      'bootstrap_s0',
      'broker_1',
      'broker_2',
      'payments_bootstrap_s0',
      'payments_broker_1',
      'payments_broker_2',
    ]);
    expect(json.resource.aws_lb_listener.payments_broker_1.load_balancer_arn).toBe('${aws_lb.payments_nlb_s0.arn}');
    expect(json.resource.aws_lb_target_group.payments_broker_1.name).toBe('payments-b1');
    expect(json.resource.aws_lb_target_group_attachment.payments_broker_1.target_id).toBe('i-0a1b2c3d4e5f60101');
    expect(json.resource.aws_security_group.payments_nlb_s0.name).toBe('payments-nlb');
    expect(json.resource.aws_vpc_security_group_ingress_rule.payments_brokers_from_nlb_s0.security_group_id).toBe('sg-0a1b2c3d4e5f60002');
    expect(json.resource.aws_lb.payments_nlb_s0.depends_on).toEqual(['aws_vpc_security_group_ingress_rule.payments_nlb_s0_from_10_40_0_0_16_port_10000']);
    expect(Object.values<Json>(json.output).map((o) => o.value)).toEqual([
      '${aws_vpc_endpoint_service.endpoint_service_s0.service_name}',
      '${aws_vpc_endpoint_service.payments_endpoint_service_s0.service_name}',
    ]);
  });

  it('GIVEN a stack with one provider WHEN a second cluster with an addressPrefix is added beside it THEN the first keeps every address and every byte of its resources', () => {
    // GIVEN the stack as a team deployed it, with one cluster
    const alone = new TerraformStack(Testing.app(), 'streaming');
    new KafkaPrivateLinkProvider(alone, 'orders-kafka', orders());
    const before = byAddress(JSON.parse(Testing.synth(alone)));

    // WHEN the team adds a second cluster
    const both = new TerraformStack(Testing.app(), 'streaming');
    new KafkaPrivateLinkProvider(both, 'orders-kafka', orders());
    new KafkaPrivateLinkProvider(both, 'payments-kafka', payments({ addressPrefix: 'payments' }));
    const after = byAddress(JSON.parse(Testing.synth(both)));

    // THEN Terraform plans only the second cluster's resources
    expect([...before.keys()].filter((address) => after.get(address) !== before.get(address))).toEqual([]);
    const added = [...after.keys()].filter((address) => !before.has(address));
    expect(added).toHaveLength(before.size);
    expect(added.filter((address) => !address.split('.')[1].startsWith('payments_'))).toEqual([]);
  });

  it('refuses a second provider without an addressPrefix, each inside a construct of the team, naming both construct paths', () => {
    // GIVEN a team construct that wraps a provider, once per cluster
    class Cluster extends Construct {
      constructor(scope: Construct, id: string, props: KafkaPrivateLinkProviderProps) {
        super(scope, id);
        new KafkaPrivateLinkProvider(this, 'kafka', props);
      }
    }
    const stack = new TerraformStack(Testing.app(), 'streaming');
    new Cluster(stack, 'orders', orders());

    // WHEN the second one has no prefix of its own THEN it is refused, not merged into the first
    const error = refusal(() => new Cluster(stack, 'payments', payments()));
    expect(error).toBeInstanceOf(KafkaPrivateLinkError);
    expect(error.message).toBe(
      'KafkaPrivateLinkProvider streaming/payments/kafka: the Terraform address aws_security_group.nlb_s0 is already taken, by streaming/orders/kafka; ' +
        'constructs that share a stack need distinct addressPrefix props',
    );
  });

  it('refuses a second provider whose addresses meet the first only in one broker, naming both construct paths', () => {
    // GIVEN two shards of one cluster, unprefixed as the provider stack has them, with broker 2 in both
    const stack = new TerraformStack(Testing.app(), 'streaming');
    new KafkaPrivateLinkProvider(stack, 'shard-0', orders());
    const [, b2] = orders().brokers;
    const shard1 = orders({ name: 'orders-nlb-s1', bootstrapTargetGroupName: 'orders-boot-s1', shard: 1, brokers: [{ ...b2, targetGroupName: 'orders-b2-again' }] });
    expect(() => new KafkaPrivateLinkProvider(stack, 'shard-1', shard1)).toThrow(
      'KafkaPrivateLinkProvider streaming/shard-1: the Terraform address aws_lb_target_group.broker_2 is already taken, by streaming/shard-0',
    );
  });

  it('refuses a second provider whose NLB or target group names the first has, naming both construct paths and props: AWS would share or refuse them', () => {
    const stack = new TerraformStack(Testing.app(), 'streaming');
    new KafkaPrivateLinkProvider(stack, 'orders-kafka', orders());
    const clash = payments({ addressPrefix: 'payments', name: 'orders-nlb', brokers: [{ ...payments().brokers[0], targetGroupName: 'orders-boot' }] });
    expect(() => new KafkaPrivateLinkProvider(stack, 'payments-kafka', clash)).toThrow(
      'KafkaPrivateLinkProvider orders-nlb: ' +
        'name of streaming/payments-kafka must differ from every load balancer name in its stack, got "orders-nlb", already used by streaming/orders-kafka (name): AWS holds one per account and Region; ' +
        'brokers[0].targetGroupName of streaming/payments-kafka must differ from every target group name in its stack, got "orders-boot", ' +
        'already used by streaming/orders-kafka (bootstrapTargetGroupName): AWS holds one per account and Region',
    );
  });

  it('refuses a target group name two props of one provider give', () => {
    const props = orders({ brokers: [{ ...orders().brokers[0], targetGroupName: 'orders-boot' }] });
    expect(() => new KafkaPrivateLinkProvider(new TerraformStack(Testing.app(), 'streaming'), 'orders-kafka', props)).toThrow(
      'brokers[0].targetGroupName must differ from every target group name in its stack, got "orders-boot", already used by bootstrapTargetGroupName',
    );
  });

  it('refuses a client CIDR given twice, which would key two rules alike', () => {
    const props = orders({ clientCidrs: ['10.40.0.0/16', '10.40.0.0/16'] });
    expect(() => new KafkaPrivateLinkProvider(new TerraformStack(Testing.app(), 'streaming'), 'orders-kafka', props)).toThrow(
      'clientCidrs[1] must differ from every other entry, got 10.40.0.0/16, already at clientCidrs[0]',
    );
  });

  it('refuses an addressPrefix that cannot begin a Terraform name, echoing it', () => {
    const build = () => new KafkaPrivateLinkProvider(new TerraformStack(Testing.app(), 'streaming'), 'payments-kafka', payments({ addressPrefix: 'Payments-Kafka' }));
    expect(build).toThrow('KafkaPrivateLinkProvider payments-nlb: addressPrefix must be a lowercase letter followed by lowercase letters, digits or underscores');
    expect(build).toThrow('got "Payments-Kafka"');
  });

  it('GIVEN construct ids with characters Terraform names do not allow, and a deeper place in the tree WHEN synthesized THEN the addresses are those of the prefix and keys alone', () => {
    const plain = new TerraformStack(Testing.app(), 'streaming');
    new KafkaPrivateLinkProvider(plain, 'payments', payments({ addressPrefix: 'payments' }));
    const odd = new TerraformStack(Testing.app(), 'streaming');
    new KafkaPrivateLinkProvider(new Construct(odd, 'Team Ünits'), 'payments kafka.v2 (eu)', payments({ addressPrefix: 'payments' }));
    const keys = [...byAddress(JSON.parse(Testing.synth(odd))).keys()];
    expect(keys).toEqual([...byAddress(JSON.parse(Testing.synth(plain))).keys()]);
    expect(keys.filter((address) => !/^[a-z0-9_]+\.payments_[a-z0-9_]+$/.test(address))).toEqual([]);
  });

  it('GIVEN the plans of two clusters WHEN fromPlan places both in one stack, the second with an addressPrefix THEN both clusters are there whole', () => {
    const coban = planFromYaml(EXAMPLE_YAML).plan;
    const other = planFromYaml(editYaml((s) => (s.cluster = 'ride'))).plan;
    const stack = new TerraformStack(Testing.app(), 'streaming');
    KafkaPrivateLinkProvider.fromPlan(new Construct(stack, 'coban'), coban);
    KafkaPrivateLinkProvider.fromPlan(new Construct(stack, 'ride'), other, 'ride');
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.fromEntries(Object.entries<Json>(json.resource.aws_lb).map(([a, lb]) => [a, lb.name]))).toEqual({ nlb_s0: 'coban-nlb-s0', ride_nlb_s0: 'ride-nlb-s0' });
    expect(Object.keys(json.resource.aws_lb_target_group).filter((a) => a.startsWith('ride_'))).toHaveLength(coban.brokers.length + 1);
  });
});
