import { readConsumerStack, readProviderStack, referencesIn } from '../src/terraform-json';
import { consumerJson, providerJson } from './fixtures';

describe('referencesIn', () => {
  it('finds resource and data references inside interpolations, not local names', () => {
    // GIVEN an expression with a for-loop variable and data sources
    const expr = '${one([for e in aws_vpc_endpoint.kafka_s0.dns_entry : e if endswith(e.dns_name, data.aws_availability_zone.az1.name)]).dns_name}';
    // WHEN
    const refs = referencesIn(expr);
    // THEN
    expect(refs).toEqual([
      { data: false, type: 'aws_vpc_endpoint', name: 'kafka_s0', path: ['dns_entry'] },
      { data: true, type: 'aws_availability_zone', name: 'az1', path: ['name'] },
    ]);
  });

  it('reads remote state outputs as a path', () => {
    expect(referencesIn('${data.terraform_remote_state.provider.outputs.shard_0_endpoint_service_name}')).toEqual([
      { data: true, type: 'terraform_remote_state', name: 'provider', path: ['outputs', 'shard_0_endpoint_service_name'] },
    ]);
  });

  it('ignores plain strings', () => {
    expect(referencesIn({ name: 'aws_lb.nlb_s0.arn', port: 10000 })).toEqual([]);
  });
});

describe('readProviderStack', () => {
  it('wires listeners to target groups and targets through references', () => {
    // WHEN
    const model = readProviderStack(providerJson());
    // THEN
    const [lb] = model.loadBalancers;
    expect(lb!.listeners.map((l) => [l.port, l.targetGroup])).toEqual([
      [10000, 'bootstrap_s0'],
      [10001, 'broker_101'],
      [10002, 'broker_201'],
    ]);
    expect(model.targetGroups.get('bootstrap_s0')!.targets.map((t) => t.targetId)).toEqual(['i-101', 'i-201']);
    expect(model.targetGroups.get('broker_201')!.targets).toEqual([{ targetId: 'i-201', port: 9094 }]);
    expect(model.targetGroups.get('broker_101')!.healthCheck).toEqual({ intervalSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 2 });
  });

  it('follows an output to its endpoint service and the service to its NLB', () => {
    const model = readProviderStack(providerJson());
    expect(model.serviceOutputs.get('shard_0_endpoint_service_name')).toBe('endpoint_service_s0');
    expect(model.serviceOutputs.has('shard_0_endpoint_service_id')).toBe(false);
    expect(model.endpointServices.get('endpoint_service_s0')).toEqual(['nlb_s0']);
  });

  it('keeps CIDR ingress rules and the NLB enforcement setting', () => {
    const model = readProviderStack(providerJson());
    expect(model.loadBalancers[0]!.enforceInboundRulesOnPrivateLink).toBe(true);
    expect(model.ingress).toEqual([{ securityGroup: 'nlb_s0', cidr: '10.20.0.0/16', fromPort: 10000, toPort: 10002 }]);
  });

  it('fails when a listener does not forward', () => {
    // GIVEN a listener whose only action is fixed-response
    const json = providerJson();
    (json.resource!.aws_lb_listener!.broker_101 as { default_action: unknown }).default_action = [{ type: 'fixed-response' }];
    // THEN
    expect(() => readProviderStack(json)).toThrow('aws_lb_listener.broker_101 should have one forward default_action, found 0');
  });
});

describe('readConsumerStack', () => {
  it('tells zonal records (one AZ) from the regional one (every AZ excluded by name)', () => {
    // WHEN
    const model = readConsumerStack(consumerJson());
    // THEN
    expect(model.records).toEqual([
      { resource: 'shared_s0', name: 'kafka.grab', endpoint: 'kafka_s0' },
      { resource: 'zonal_s0_az1', name: 'kafka-az1.grab', endpoint: 'kafka_s0', azId: 'apse1-az1' },
      { resource: 'zonal_s0_az2', name: 'kafka-az2.grab', endpoint: 'kafka_s0', azId: 'apse1-az2' },
    ]);
  });

  it('resolves subnets through data sources and the service through remote state', () => {
    const [endpoint] = readConsumerStack(consumerJson()).endpoints;
    expect(endpoint).toEqual({
      resource: 'kafka_s0',
      serviceOutput: 'shard_0_endpoint_service_name',
      subnetIds: ['subnet-c1', 'subnet-c2'],
      securityGroups: ['kafka_s0'],
    });
  });

  it('keeps only the outputs known at synth', () => {
    const outputs = readConsumerStack(consumerJson()).outputs;
    expect([...outputs.entries()]).toEqual([['bootstrap_servers', 'kafka.grab:10000']]);
  });
});
