import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';
import { KafkaPrivateLinkProvider } from '@kafka-privatelink/provider';
import { KafkaPrivateLinkAcceptance, KafkaPrivateLinkConsumer, KafkaPrivateLinkConsumerProps } from '../src';
import { addresses } from './fixtures';

/** The team's VPC reaching its orders cluster, with the names in the zone `grab`. */
const orders = (change: Partial<KafkaPrivateLinkConsumerProps> = {}): KafkaPrivateLinkConsumerProps => ({
  name: 'orders',
  cluster: 'orders',
  vpcId: 'vpc-0b1b2c3d4e5f60001',
  subnets: { 'use1-az1': 'subnet-0b1b2c3d4e5f60011', 'use1-az2': 'subnet-0b1b2c3d4e5f60012' },
  endpointServices: [
    {
      shard: 0,
      serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000a',
      sharedName: 'orders.grab',
      zonalNames: { 'use1-az1': 'orders-az1.grab', 'use1-az2': 'orders-az2.grab' },
      portRanges: [{ from: 10000, to: 10002 }],
    },
  ],
  zoneName: 'grab',
  allowedCidrs: ['10.50.0.0/16'],
  ...change,
});

/** The same VPC reaching the payments cluster: same zone, names of its own. */
const payments = (change: Partial<KafkaPrivateLinkConsumerProps> = {}): KafkaPrivateLinkConsumerProps =>
  orders({
    name: 'payments',
    cluster: 'payments',
    endpointServices: [
      {
        shard: 0,
        serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000b',
        sharedName: 'payments.grab',
        zonalNames: { 'use1-az1': 'payments-az1.grab', 'use1-az2': 'payments-az2.grab' },
        portRanges: [{ from: 10000, to: 10005 }],
      },
    ],
    ...change,
  });

type Json = Record<string, any>;

/** The error `build` throws, to check its class and its whole message once. */
function refusal(build: () => unknown): Error {
  try {
    build();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal');
}

describe('several KafkaPrivateLinkConsumers in one stack: one VPC reaching two clusters', () => {
  it('GIVEN the second consumer with an addressPrefix and the first one\'s zone WHEN synthesized THEN the VPC has one private zone grab holding the names of both, and an endpoint per cluster', () => {
    // GIVEN one VPC reaching two clusters whose names share the zone grab
    const stack = new TerraformStack(Testing.app(), 'apps');
    const first = new KafkaPrivateLinkConsumer(stack, 'orders-kafka', orders());
    const second = new KafkaPrivateLinkConsumer(stack, 'payments-kafka', payments({ addressPrefix: 'payments', hostedZoneId: first.hostedZoneId }));

    // WHEN synthesized
    const json = JSON.parse(Testing.synth(stack));

    // THEN AWS gets one zone of the name on the VPC (it refuses a second), with every record of both in it
    expect(Object.keys(json.resource.aws_route53_zone)).toEqual(['kafka']);
    expect(json.data.aws_route53_zone.payments_kafka.zone_id).toBe('${aws_route53_zone.kafka.zone_id}');
    const records = Object.entries<Json>(json.resource.aws_route53_record).map(([address, r]) => [address, r.name, r.zone_id]);
    expect(records.sort()).toEqual([
      ['payments_shared_s0', 'payments.grab', '${data.aws_route53_zone.payments_kafka.zone_id}'],
      ['payments_zonal_s0_use1_az1', 'payments-az1.grab', '${data.aws_route53_zone.payments_kafka.zone_id}'],
      ['payments_zonal_s0_use1_az2', 'payments-az2.grab', '${data.aws_route53_zone.payments_kafka.zone_id}'],
      ['shared_s0', 'orders.grab', '${aws_route53_zone.kafka.zone_id}'],
      ['zonal_s0_use1_az1', 'orders-az1.grab', '${aws_route53_zone.kafka.zone_id}'],
      ['zonal_s0_use1_az2', 'orders-az2.grab', '${aws_route53_zone.kafka.zone_id}'],
    ]);
    // and each name points at its own cluster's endpoint, through its own checked subnets and AZ names
    const paymentsZonal = json.resource.aws_route53_record.payments_zonal_s0_use1_az1.alias.name;
    expect(paymentsZonal).toContain('aws_vpc_endpoint.payments_kafka_s0.dns_entry');
    expect(paymentsZonal).toContain('data.aws_availability_zone.payments_use1_az1.name');
    expect(paymentsZonal).not.toContain('aws_vpc_endpoint.kafka_s0.');
    expect(json.resource.aws_vpc_endpoint.payments_kafka_s0).toMatchObject({
      service_name: 'com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000b',
      subnet_ids: ['${data.aws_subnet.payments_use1_az1.id}', '${data.aws_subnet.payments_use1_az2.id}'],
      security_group_ids: ['${aws_security_group.payments_kafka_s0.id}'],
    });
    expect(json.resource.aws_vpc_endpoint.kafka_s0.service_name).toBe('com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000000a');
    expect(json.resource.aws_security_group.payments_kafka_s0.name).toBe('payments-kafka-s0');
    expect(json.resource.aws_vpc_security_group_ingress_rule.payments_kafka_s0_from_10_50_0_0_16_port_10000).toMatchObject({ to_port: 10005 });
    expect([...second.endpoints.keys()]).toEqual([0]);
  });

  it('refuses a second consumer that would create a second private zone of the same name on the same VPC, naming both constructs and the way out', () => {
    const stack = new TerraformStack(Testing.app(), 'apps');
    new KafkaPrivateLinkConsumer(stack, 'orders-kafka', orders());
    const error = refusal(() => new KafkaPrivateLinkConsumer(stack, 'payments-kafka', payments({ addressPrefix: 'payments' })));
    expect(error).toBeInstanceOf(KafkaPrivateLinkError);
    expect(error.message).toBe(
      'KafkaPrivateLinkConsumer payments: zoneName of apps/payments-kafka must differ from every private zone name in its stack, got "grab", ' +
        'already used by apps/orders-kafka (zoneName): AWS refuses a second private zone of one name on one VPC (vpc-0b1b2c3d4e5f60001); ' +
        "pass the other consumer's hostedZoneId as hostedZoneId to put these names in its zone",
    );
  });

  it('GIVEN two consumers in two VPCs WHEN each creates a zone grab THEN both zones are there: each VPC has one', () => {
    const stack = new TerraformStack(Testing.app(), 'apps');
    new KafkaPrivateLinkConsumer(stack, 'orders-kafka', orders());
    new KafkaPrivateLinkConsumer(stack, 'payments-kafka', payments({ addressPrefix: 'payments', vpcId: 'vpc-0b1b2c3d4e5f60002' }));
    const zones = JSON.parse(Testing.synth(stack)).resource.aws_route53_zone;
    expect(Object.values<Json>(zones).map((z) => [z.name, z.vpc[0].vpc_id])).toEqual([
      ['grab', 'vpc-0b1b2c3d4e5f60001'],
      ['grab', 'vpc-0b1b2c3d4e5f60002'],
    ]);
  });

  it('refuses two clusters whose names would be the same records of one zone, naming both constructs and props', () => {
    const stack = new TerraformStack(Testing.app(), 'apps');
    const first = new KafkaPrivateLinkConsumer(stack, 'orders-kafka', orders());
    const [service] = payments().endpointServices;
    const sameNames = payments({ addressPrefix: 'payments', hostedZoneId: first.hostedZoneId, endpointServices: [{ ...service, sharedName: 'orders.grab' }] });
    expect(() => new KafkaPrivateLinkConsumer(stack, 'payments-kafka', sameNames)).toThrow(
      'KafkaPrivateLinkConsumer payments: endpointServices[0].sharedName of apps/payments-kafka must differ from every record name in its stack, got "orders.grab", ' +
        'already used by apps/orders-kafka (endpointServices[0].sharedName): a zone holds one record of a name and type (zone grab); give each cluster names of its own',
    );
  });

  it('refuses a second consumer without an addressPrefix, naming both construct paths', () => {
    const stack = new TerraformStack(Testing.app(), 'apps');
    const first = new KafkaPrivateLinkConsumer(new Construct(stack, 'orders'), 'kafka', orders());
    const error = refusal(() => new KafkaPrivateLinkConsumer(new Construct(stack, 'payments'), 'kafka', payments({ hostedZoneId: first.hostedZoneId })));
    expect(error).toBeInstanceOf(KafkaPrivateLinkError);
    expect(error.message).toBe(
      'KafkaPrivateLinkConsumer apps/payments/kafka: the Terraform address data.aws_subnet.use1_az1 is already taken, by apps/orders/kafka; ' +
        'constructs that share a stack need distinct addressPrefix props',
    );
  });

  it('GIVEN a stack with one consumer WHEN a second cluster\'s consumer is added beside it THEN the first keeps every address and every byte', () => {
    const alone = new TerraformStack(Testing.app(), 'apps');
    new KafkaPrivateLinkConsumer(alone, 'orders-kafka', orders());
    const before = addresses(JSON.parse(Testing.synth(alone)));

    const both = new TerraformStack(Testing.app(), 'apps');
    const first = new KafkaPrivateLinkConsumer(both, 'orders-kafka', orders());
    new KafkaPrivateLinkConsumer(both, 'payments-kafka', payments({ addressPrefix: 'payments', hostedZoneId: first.hostedZoneId }));
    const after = addresses(JSON.parse(Testing.synth(both)));

    expect(Object.fromEntries(Object.keys(before).map((address) => [address, after[address]]))).toEqual(before);
    expect(Object.keys(after).filter((address) => !(address in before) && !address.split('.').pop()!.startsWith('payments_'))).toEqual([]);
  });

  it('refuses repeated client sources or shards, which would key two resources alike', () => {
    const build = (change: Partial<KafkaPrivateLinkConsumerProps>) => () => new KafkaPrivateLinkConsumer(new TerraformStack(Testing.app(), 'apps'), 'kafka', orders(change));
    expect(build({ allowedCidrs: ['10.50.0.0/16', '10.50.0.0/16'] })).toThrow('allowedCidrs[1] must differ from every other entry, got 10.50.0.0/16, already at allowedCidrs[0]');
    expect(build({ allowedSecurityGroupIds: ['sg-1', 'sg-1'] })).toThrow('allowedSecurityGroupIds[1] must differ from every other entry, got sg-1, already at allowedSecurityGroupIds[0]');
    const [service] = orders().endpointServices;
    expect(build({ endpointServices: [service, { ...service, sharedName: 'orders-2.grab', zonalNames: {} }] })).toThrow(
      'endpointServices[1].shard must be unique, got 0, already used by endpointServices[0]',
    );
  });

  it('refuses an addressPrefix that cannot begin a Terraform name, echoing it', () => {
    expect(() => new KafkaPrivateLinkConsumer(new TerraformStack(Testing.app(), 'apps'), 'kafka', orders({ addressPrefix: '2nd' }))).toThrow(
      'KafkaPrivateLinkConsumer orders: addressPrefix must be a lowercase letter followed by lowercase letters, digits or underscores (it begins Terraform names), got "2nd"',
    );
  });
});

describe('a provider and a consumer of the same cluster in one stack', () => {
  it('GIVEN both without a prefix WHEN synthesized THEN every resource of each is there, and the endpoint reaches the service', () => {
    // GIVEN the provider alone and the consumer alone, each in a stack of its own
    const provider = (scope: Construct) =>
      new KafkaPrivateLinkProvider(scope, 'kafka-nlb', {
        name: 'orders-nlb',
        vpcId: 'vpc-0a1b2c3d4e5f60001',
        subnets: { 'use1-az1': 'subnet-0a1b2c3d4e5f60011', 'use1-az2': 'subnet-0a1b2c3d4e5f60012' },
        brokerSecurityGroupId: 'sg-0a1b2c3d4e5f60001',
        bootstrapTargetGroupName: 'orders-boot',
        enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: true,
        clientCidrs: ['10.50.0.0/16'],
        brokers: [{ id: 1, port: 10001, targetId: 'i-0a1b2c3d4e5f60001', targetGroupName: 'orders-b1' }],
      });
    const consumer = (scope: Construct, serviceName: string) => {
      const [service] = orders().endpointServices;
      return new KafkaPrivateLinkConsumer(scope, 'kafka-endpoint', orders({ endpointServices: [{ ...service, serviceName }] }));
    };
    const providerAlone = new TerraformStack(Testing.app(), 'kafka');
    provider(providerAlone);
    const consumerAlone = new TerraformStack(Testing.app(), 'kafka');
    consumer(consumerAlone, 'svc');

    // WHEN both go in one stack, the consumer reaching the provider's service
    const both = new TerraformStack(Testing.app(), 'kafka');
    consumer(both, provider(both).endpointService.serviceName);
    const json = JSON.parse(Testing.synth(both));

    // THEN nothing of either went missing or merged
    const all = Object.keys(addresses(json)).sort();
    expect(all).toEqual([...Object.keys(addresses(JSON.parse(Testing.synth(providerAlone)))), ...Object.keys(addresses(JSON.parse(Testing.synth(consumerAlone))))].sort());
    expect(json.resource.aws_security_group.nlb_s0.name).toBe('orders-nlb');
    expect(json.resource.aws_security_group.kafka_s0.name).toBe('orders-kafka-s0');
    expect(json.resource.aws_vpc_endpoint.kafka_s0.service_name).toBe('${aws_vpc_endpoint_service.endpoint_service_s0.service_name}');
  });
});

describe('several KafkaPrivateLinkAcceptances in one stack', () => {
  const connections = (cluster: string) => [{ key: 'kios-s0', endpointServiceId: `vpce-svc-${cluster}`, endpointId: `vpce-${cluster}` }];

  it('GIVEN the second with an addressPrefix WHEN synthesized THEN each connection has its own accepter', () => {
    const stack = new TerraformStack(Testing.app(), 'acceptance');
    new KafkaPrivateLinkAcceptance(stack, 'orders', { connections: connections('orders') });
    new KafkaPrivateLinkAcceptance(stack, 'payments', { connections: connections('payments'), addressPrefix: 'payments' });
    const accepters = JSON.parse(Testing.synth(stack)).resource.aws_vpc_endpoint_connection_accepter;
    expect(Object.fromEntries(Object.entries<Json>(accepters).map(([a, r]) => [a, r.vpc_endpoint_id]))).toEqual({ kios_s0: 'vpce-orders', payments_kios_s0: 'vpce-payments' });
  });

  it('refuses the second without an addressPrefix, naming both construct paths', () => {
    const stack = new TerraformStack(Testing.app(), 'acceptance');
    new KafkaPrivateLinkAcceptance(stack, 'orders', { connections: connections('orders') });
    expect(() => new KafkaPrivateLinkAcceptance(stack, 'payments', { connections: connections('payments') })).toThrow(
      'KafkaPrivateLinkAcceptance acceptance/payments: the Terraform address aws_vpc_endpoint_connection_accepter.kios_s0 is already taken, by acceptance/orders',
    );
  });

  it('refuses a connection key that cannot begin a Terraform name', () => {
    const build = () => new KafkaPrivateLinkAcceptance(new TerraformStack(Testing.app(), 'acceptance'), 'kafka', { connections: [{ ...connections('orders')[0], key: '2024-kios' }] });
    expect(build).toThrow('KafkaPrivateLinkAcceptance kafka: connections[0].key must start with a letter (it names a Terraform address), got "2024-kios"');
  });
});
