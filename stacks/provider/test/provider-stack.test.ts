import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { VpcEndpointService } from '@cdktf/provider-aws/lib/vpc-endpoint-service';
import { PROVIDER_OUTPUTS } from '@kafka-privatelink/plan';
import { broker, EXAMPLE_YAML, editYaml, planFromYaml, resourcesByAddress, synthProvider } from './plans';

setupJest();

const example = () => synthProvider(planFromYaml(EXAMPLE_YAML).plan);

describe('ProviderStack', () => {
  describe('GIVEN the example spec (the Grab article\'s cluster)', () => {
    const json = example();
    const resources = resourcesByAddress(json);
    const at = (address: string) => {
      const block = resources.get(address);
      if (block === undefined) throw new Error(`no resource ${address}; have ${[...resources.keys()].join(', ')}`);
      return block;
    };

    it('THEN it generates exactly these resource addresses, all derived from the shard index and broker ids', () => {
      expect([...resources.keys()].sort()).toEqual([
        'aws_lb.nlb_s0',
        'aws_lb_listener.bootstrap_s0',
        'aws_lb_listener.broker_101',
        'aws_lb_listener.broker_201',
        'aws_lb_listener.broker_301',
        'aws_lb_target_group.bootstrap_s0',
        'aws_lb_target_group.broker_101',
        'aws_lb_target_group.broker_201',
        'aws_lb_target_group.broker_301',
        'aws_lb_target_group_attachment.bootstrap_s0_broker_101',
        'aws_lb_target_group_attachment.bootstrap_s0_broker_201',
        'aws_lb_target_group_attachment.bootstrap_s0_broker_301',
        'aws_lb_target_group_attachment.broker_101',
        'aws_lb_target_group_attachment.broker_201',
        'aws_lb_target_group_attachment.broker_301',
        'aws_security_group.nlb_s0',
        'aws_vpc_endpoint_service.endpoint_service_s0',
        'aws_vpc_security_group_egress_rule.nlb_s0_to_brokers',
        'aws_vpc_security_group_ingress_rule.brokers_from_nlb_s0',
        'aws_vpc_security_group_ingress_rule.nlb_s0_from_10_20_0_0_16_port_10000',
        'terraform_data.broker_101',
        'terraform_data.broker_201',
        'terraform_data.broker_301',
        'terraform_data.port_owners_s0',
      ]);
    });

    it('THEN the AWS provider is pinned to the provider account and region and tags everything', () => {
      expect(json.provider.aws).toEqual([
        {
          region: 'ap-southeast-1',
          allowed_account_ids: ['111111111111'],
          default_tags: [{ tags: { team: 'coban-platform', 'kafka-privatelink:cluster': 'coban' } }],
        },
      ]);
    });

    it('THEN the NLB is internal, cross-zone, over one subnet per AZ ID, with its security group from creation', () => {
      expect(at('aws_lb.nlb_s0')).toEqual({
        name: 'coban-nlb-s0',
        load_balancer_type: 'network',
        internal: true,
        subnets: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60012', 'subnet-0a1b2c3d4e5f60013'],
        security_groups: ['${aws_security_group.nlb_s0.id}'],
        enable_cross_zone_load_balancing: true,
        enforce_security_group_inbound_rules_on_private_link_traffic: 'on',
        enable_deletion_protection: true,
        depends_on: ['aws_vpc_security_group_ingress_rule.nlb_s0_from_10_20_0_0_16_port_10000'],
      });
      expect(JSON.stringify(json)).toHaveResourceWithProperties(Lb, { load_balancer_type: 'network', internal: true });
    });

    it('THEN the NLB security group admits the consumer CIDR on the bootstrap and broker ports only, in one range', () => {
      expect(at('aws_security_group.nlb_s0')).toEqual({
        name: 'coban-nlb-s0',
        description: 'Kafka PrivateLink NLB coban-nlb-s0',
        vpc_id: 'vpc-0a1b2c3d4e5f60001',
        tags: { Name: 'coban-nlb-s0' },
      });
      expect(at('aws_vpc_security_group_ingress_rule.nlb_s0_from_10_20_0_0_16_port_10000')).toEqual({
        security_group_id: '${aws_security_group.nlb_s0.id}',
        description: 'Kafka clients through PrivateLink',
        ip_protocol: 'tcp',
        cidr_ipv4: '10.20.0.0/16',
        from_port: 10000,
        to_port: 10003,
      });
    });

    it('THEN the NLB may reach only the brokers\' client port, and the brokers admit it from the NLB group only', () => {
      expect(at('aws_vpc_security_group_egress_rule.nlb_s0_to_brokers')).toEqual({
        security_group_id: '${aws_security_group.nlb_s0.id}',
        description: 'Kafka client listener and health checks of the brokers',
        ip_protocol: 'tcp',
        referenced_security_group_id: 'sg-0a1b2c3d4e5f60021',
        from_port: 9094,
        to_port: 9094,
      });
      expect(at('aws_vpc_security_group_ingress_rule.brokers_from_nlb_s0')).toEqual({
        security_group_id: 'sg-0a1b2c3d4e5f60021',
        description: 'Kafka client listener from coban-nlb-s0',
        ip_protocol: 'tcp',
        referenced_security_group_id: '${aws_security_group.nlb_s0.id}',
        from_port: 9094,
        to_port: 9094,
      });
    });

    it('THEN the bootstrap listener forwards to a target group of every broker, TCP-checked on the traffic port', () => {
      const healthCheck = { enabled: true, protocol: 'TCP', port: 'traffic-port', interval: 10, healthy_threshold: 3, unhealthy_threshold: 3 };
      expect(at('aws_lb_listener.bootstrap_s0')).toEqual({
        load_balancer_arn: '${aws_lb.nlb_s0.arn}',
        port: 10000,
        protocol: 'TCP',
        default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.bootstrap_s0.arn}' }],
        tcp_idle_timeout_seconds: 350,
      });
      expect(at('aws_lb_target_group.bootstrap_s0')).toEqual({
        name: 'coban-boot-s0',
        port: 9094,
        protocol: 'TCP',
        target_type: 'instance',
        vpc_id: 'vpc-0a1b2c3d4e5f60001',
        health_check: healthCheck,
      });
      for (const [id, instance] of [[101, 'i-0a1b2c3d4e5f60101'], [201, 'i-0a1b2c3d4e5f60201'], [301, 'i-0a1b2c3d4e5f60301']]) {
        expect(at(`aws_lb_target_group_attachment.bootstrap_s0_broker_${id}`)).toEqual({
          target_group_arn: '${aws_lb_target_group.bootstrap_s0.arn}',
          target_id: instance,
          port: 9094,
        });
      }
    });

    it('THEN each broker has its own listener on its locked port and a target group holding only that broker', () => {
      for (const [id, port, instance] of [[101, 10001, 'i-0a1b2c3d4e5f60101'], [201, 10002, 'i-0a1b2c3d4e5f60201'], [301, 10003, 'i-0a1b2c3d4e5f60301']]) {
        expect(at(`aws_lb_listener.broker_${id}`)).toEqual({
          load_balancer_arn: '${aws_lb.nlb_s0.arn}',
          port,
          protocol: 'TCP',
          default_action: [{ type: 'forward', target_group_arn: `\${aws_lb_target_group.broker_${id}.arn}` }],
          tcp_idle_timeout_seconds: 350,
        });
        expect(at(`aws_lb_target_group.broker_${id}`)).toMatchObject({ name: `coban-b${id}`, port: 9094, protocol: 'TCP', target_type: 'instance' });
        expect(at(`aws_lb_target_group_attachment.broker_${id}`)).toEqual({
          target_group_arn: `\${aws_lb_target_group.broker_${id}.arn}`,
          target_id: instance,
          port: 9094,
        });
      }
    });

    it('THEN the endpoint service fronts the NLB, requires acceptance and allows only the consumer account', () => {
      expect(at('aws_vpc_endpoint_service.endpoint_service_s0')).toEqual({
        network_load_balancer_arns: ['${aws_lb.nlb_s0.arn}'],
        acceptance_required: true,
        allowed_principals: ['arn:aws:iam::222222222222:root'],
        tags: { Name: 'coban-nlb-s0' },
      });
    });

    it('THEN the outputs carry exactly the published names', () => {
      expect(json.output).toEqual({
        [PROVIDER_OUTPUTS.endpointServiceName(0)]: {
          value: '${aws_vpc_endpoint_service.endpoint_service_s0.service_name}',
          description: 'Endpoint service name of shard 0',
        },
        [PROVIDER_OUTPUTS.endpointServiceId(0)]: {
          value: '${aws_vpc_endpoint_service.endpoint_service_s0.id}',
          description: 'Endpoint service id of shard 0',
        },
        bootstrap_port: { value: 10000, description: 'Bootstrap listener port, the same on every shard' },
        broker_ports: { value: { '101': 10001, '201': 10002, '301': 10003 }, description: 'NLB listener port by broker id' },
        broker_shards: { value: { '101': 0, '201': 0, '301': 0 }, description: 'Shard (NLB and endpoint service) by broker id' },
        az_ids: { value: ['apse1-az1', 'apse1-az2', 'apse1-az3'], description: 'AZ IDs of the NLBs' },
      });
      expect(Object.keys(json.output)).toContain('shard_0_endpoint_service_name');
    });
  });

  describe('GIVEN variations of the example', () => {
    const synth = (edit: Parameters<typeof editYaml>[0]) => resourcesByAddress(synthProvider(planFromYaml(editYaml(edit)).plan));

    it('WHEN a deploy role is set THEN the provider assumes it', () => {
      const json = synthProvider(planFromYaml(editYaml((s) => (s.provider.assumeRoleArn = 'arn:aws:iam::111111111111:role/deployer'))).plan);
      expect(json.provider.aws[0]).toMatchObject({ assume_role: [{ role_arn: 'arn:aws:iam::111111111111:role/deployer' }] });
    });

    it('WHEN the enforcement is off THEN the NLB says "off" and its group admits nothing directly', () => {
      const resources = synth((s) => (s.provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic = false));
      expect(resources.get('aws_lb.nlb_s0')).toMatchObject({ enforce_security_group_inbound_rules_on_private_link_traffic: 'off' });
      expect([...resources.keys()].filter((a) => a.startsWith('aws_vpc_security_group_ingress_rule.nlb_'))).toEqual([]);
    });

    it('WHEN a consumer is in another region THEN the service supports it and its own region', () => {
      const resources = synth((s) =>
        s.consumers.push({
          name: 'analytics',
          account: '333333333333',
          region: 'eu-west-1',
          vpcId: 'vpc-0c1b2c3d4e5f60001',
          subnets: { 'euw1-az1': 'subnet-0c1b2c3d4e5f60011' },
          allowedCidrs: ['10.30.0.0/16'],
        }),
      );
      expect(resources.get('aws_vpc_endpoint_service.endpoint_service_s0')).toMatchObject({
        allowed_principals: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'],
        supported_regions: ['ap-southeast-1', 'eu-west-1'],
      });
      expect(resources.get('aws_vpc_security_group_ingress_rule.nlb_s0_from_10_30_0_0_16_port_10000')).toMatchObject({
        cidr_ipv4: '10.30.0.0/16',
        from_port: 10000,
        to_port: 10003,
      });
    });

    it('WHEN the spec allows "*" THEN the service allows anyone, as asked', () => {
      const json = synthProvider(planFromYaml(editYaml((s) => (s.provider.allowedPrincipals = ['*']))).plan);
      expect(JSON.stringify(json)).toHaveResourceWithProperties(VpcEndpointService, { allowed_principals: ['*'] });
    });

    it('WHEN targets are IPs and no idle timeout is set THEN targets are the private IPs and listeners keep the AWS default', () => {
      const resources = synth((s) => {
        s.provider.targetType = 'ip';
        delete s.provider.idleTimeoutSeconds;
      });
      expect(resources.get('aws_lb_target_group.broker_101')).toMatchObject({ target_type: 'ip' });
      expect(resources.get('aws_lb_target_group_attachment.broker_101')).toMatchObject({ target_id: '10.0.1.11' });
      expect(resources.get('aws_lb_listener.broker_101')).not.toHaveProperty('tcp_idle_timeout_seconds');
    });

    it('WHEN health checks are tuned THEN every target group uses the spec\'s values', () => {
      const resources = synth((s) => (s.provider.healthCheck = { intervalSeconds: 30, healthyThreshold: 2, unhealthyThreshold: 5 }));
      expect(resources.get('aws_lb_target_group.broker_201')).toMatchObject({
        health_check: { enabled: true, protocol: 'TCP', port: 'traffic-port', interval: 30, healthy_threshold: 2, unhealthy_threshold: 5 },
      });
    });

    it('WHEN the spec sets deregistrationDelaySeconds THEN every target group of every shard drains for that long', () => {
      const resources = synth((s) => (s.provider.deregistrationDelaySeconds = 45));
      const groups = [...resources].filter(([address]) => address.startsWith('aws_lb_target_group.'));
      expect(groups).toHaveLength(4);
      for (const [, group] of groups) expect(group).toMatchObject({ deregistration_delay: '45' });
    });

    it('WHEN the spec leaves deregistrationDelaySeconds out THEN no target group writes it, and AWS keeps its own default', () => {
      for (const [address, block] of synth(() => undefined)) if (address.startsWith('aws_lb_target_group.')) expect(block).not.toHaveProperty('deregistration_delay');
    });

    describe('WHEN brokers leave and their ports are retired', () => {
      const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `10.${100 + i}.0.0/16`);
      const ids = Array.from({ length: 20 }, (_, i) => 1001 + i);
      const twenty = editYaml((s) => {
        s.brokers = ids.map((id) => broker(id, ((id % 3) + 1) as 1 | 2 | 3));
        s.consumers[0].allowedCidrs = cidrs(6);
      });
      const { lock } = planFromYaml(twenty);
      const everySecondGone = (extra: number[]) =>
        editYaml((s) => {
          s.brokers = s.brokers.filter((_: unknown, i: number) => i % 2 === 0);
          s.brokers.push(...extra.map((id) => broker(id)));
        }, twenty);

      it('THEN the rules span the retired ports, so they neither split nor count towards the quota', () => {
        const { plan, lock: after } = planFromYaml(everySecondGone([2001]), lock);
        expect(after.retired).toHaveLength(10);
        const resources = resourcesByAddress(synthProvider(plan));
        const rules = [...resources.keys()].filter((a) => a.startsWith('aws_vpc_security_group_ingress_rule.nlb_s0_'));
        expect(rules).toHaveLength(6);
        expect(resources.get('aws_vpc_security_group_ingress_rule.nlb_s0_from_10_100_0_0_16_port_10000')).toMatchObject({ from_port: 10000, to_port: 10021 });
      });

      it('THEN the rules are the ones from before the brokers left: same addresses, same ports', () => {
        const before = resourcesByAddress(synthProvider(planFromYaml(twenty, lock).plan));
        const after = resourcesByAddress(synthProvider(planFromYaml(everySecondGone([]), lock).plan));
        const rules = (r: Map<string, unknown>) => [...r].filter(([a]) => a.startsWith('aws_vpc_security_group_ingress_rule.nlb_s0_'));
        expect(rules(after)).toEqual(rules(before));
      });
    });

    it('fails when the port ranges times the client CIDRs exceed the security group rule quota', () => {
      const sharded = editYaml((s) => {
        s.ports.brokersPerShard = 2;
        s.ports.maxShards = 2;
        s.consumers[0].allowedCidrs = Array.from({ length: 31 }, (_, i) => `10.${100 + i}.0.0/16`);
      });
      expect(() => synthProvider(planFromYaml(sharded).plan)).toThrow(
        'security group of coban-nlb-s1 would need 62 inbound rules (2 port ranges × 31 client CIDRs), more than the 60 ' +
          "a security group holds by default: merge the consumers' allowedCidrs into fewer blocks",
      );
    });
  });
});
