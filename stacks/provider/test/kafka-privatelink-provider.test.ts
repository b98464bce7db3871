import { TerraformStack, Testing } from 'cdktf';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';
import { KafkaPrivateLinkProvider, KafkaPrivateLinkProviderProps } from '../src';

const props = (change: Partial<KafkaPrivateLinkProviderProps> = {}): KafkaPrivateLinkProviderProps => ({
  name: 'orders-nlb',
  vpcId: 'vpc-0a1b2c3d4e5f60001',
  subnets: { 'use1-az2': 'subnet-0a1b2c3d4e5f60012', 'use1-az1': 'subnet-0a1b2c3d4e5f60011' },
  brokerSecurityGroupId: 'sg-0a1b2c3d4e5f60001',
  bootstrapTargetGroupName: 'orders-boot',
  enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
  brokers: [
    { id: 1, port: 10001, targetId: 'i-0a1b2c3d4e5f60001', targetGroupName: 'orders-b1' },
    { id: 2, port: 10002, targetId: 'i-0a1b2c3d4e5f60002', targetGroupName: 'orders-b2' },
  ],
  ...change,
});

const build = (change: Partial<KafkaPrivateLinkProviderProps>) => () =>
  new KafkaPrivateLinkProvider(new TerraformStack(Testing.app(), 'team'), 'kafka', props(change));

describe('KafkaPrivateLinkProvider', () => {
  it('GIVEN only the required props WHEN built in a stack of its own THEN it adds no AWS provider or backend and applies the documented defaults', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    const kafka = new KafkaPrivateLinkProvider(stack, 'kafka', props());
    const json = JSON.parse(Testing.synth(stack));

    expect(json.provider).toBeUndefined();
    expect(json.terraform?.backend).toBeUndefined();
    expect(Object.values<any>(json.resource.aws_lb_listener).map((l) => l.port).sort()).toEqual([10000, 10001, 10002]);
    expect(json.resource.aws_lb_target_group.bootstrap_s0).toMatchObject({ port: 9094, target_type: 'instance' });
    expect(json.resource.aws_lb.nlb_s0).toMatchObject({
      subnets: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60012'],
      enable_cross_zone_load_balancing: true,
    });
    expect(json.resource.aws_vpc_endpoint_service.endpoint_service_s0).toMatchObject({ acceptance_required: true, allowed_principals: [] });
    expect(kafka.endpointService.friendlyUniqueId).toBe('endpoint_service_s0');
    expect([...kafka.brokerTargetGroups.keys()]).toEqual([1, 2]);
  });

  it('fails when a broker port is out of range, echoing the value and the prop', () => {
    expect(build({ brokers: [{ id: 1, port: 70000, targetId: 'i-0a1b2c3d4e5f60001', targetGroupName: 'orders-b1' }] })).toThrow(
      'KafkaPrivateLinkProvider orders-nlb: brokers[0].port must be an integer between 1 and 65535, got 70000',
    );
  });

  it('fails when two listeners share a port or two brokers an id, naming every problem at once', () => {
    const twin = { id: 1, port: 10000, targetId: 'i-0a1b2c3d4e5f60003', targetGroupName: 'orders-b3' };
    expect(build({ brokers: [...props().brokers, twin] })).toThrow(
      'KafkaPrivateLinkProvider orders-nlb: brokers[2].port must differ from every other listener port, got 10000, already used by bootstrapPort; ' +
        'brokers[2].id must be unique, got 1, already used by brokers[0]',
    );
  });

  it('fails when the NLB would need more than 50 listeners', () => {
    const brokers = Array.from({ length: 50 }, (_, i) => ({ id: i, port: 10001 + i, targetId: `10.0.0.${i + 1}`, targetGroupName: `orders-b${i}` }));
    expect(build({ brokers })).toThrow('brokers must hold 1 to 49 brokers (50 listeners per NLB, one is the bootstrap listener), got 50');
  });

  it('fails when a name exceeds what AWS allows, with an error the app reports without a stack trace', () => {
    const name = 'a-very-long-cluster-name-nlb-s100';
    expect(build({ name })).toThrow(`name must have 1 to 32 characters (AWS's limit), got "${name}" (33)`);
    expect(build({ name })).toThrow(KafkaPrivateLinkError);
  });
});

describe('KafkaPrivateLinkProvider NLB settings', () => {
  const synth = (change: Partial<KafkaPrivateLinkProviderProps>) => {
    const stack = new TerraformStack(Testing.app(), 'team');
    new KafkaPrivateLinkProvider(stack, 'kafka', props(change));
    return JSON.parse(Testing.synth(stack)).resource;
  };

  it('GIVEN deregistrationDelaySeconds WHEN built THEN every target group has that deregistration_delay; GIVEN none THEN none writes the attribute', () => {
    const groups = Object.values<any>(synth({ deregistrationDelaySeconds: 30 }).aws_lb_target_group);
    expect(groups.map((g) => g.deregistration_delay)).toEqual(['30', '30', '30']);
    for (const group of Object.values<any>(synth({}).aws_lb_target_group)) expect(group).not.toHaveProperty('deregistration_delay');
  });

  it('refuses NLB settings the spec refuses, naming each prop as written, the value and the range', () => {
    expect(build({ deregistrationDelaySeconds: 4000, healthCheck: { intervalSeconds: 1 }, idleTimeoutSeconds: 30 })).toThrow(
      'KafkaPrivateLinkProvider orders-nlb: idleTimeoutSeconds must be a whole number between 60 and 6000 (NLB TCP idle timeout), got 30; ' +
        'healthCheck.intervalSeconds must be a whole number between 5 and 300 (NLB health check interval), got 1; ' +
        'deregistrationDelaySeconds must be a whole number between 0 and 3600 (target group deregistration delay), got 4000',
    );
  });

  it('GIVEN a health check partly given WHEN built THEN the rest takes the spec\'s defaults', () => {
    expect(synth({ healthCheck: { healthyThreshold: 5 } }).aws_lb_target_group.bootstrap_s0.health_check).toMatchObject({
      interval: 10,
      healthy_threshold: 5,
      unhealthy_threshold: 3,
    });
  });
});
