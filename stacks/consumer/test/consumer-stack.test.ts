import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TerraformStack, Testing, Token } from 'cdktf';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';
import { KafkaPrivateLinkConsumer, KafkaPrivateLinkConsumerProps } from '../src';
import { addresses, exampleSpec, planOf, resources, synthesize } from './fixtures';

const kios = () => synthesize(planOf(exampleSpec()).plan).stacks['consumer-kios'];

/** The ingress rules of a stack as `<source> <from>-<to>`, sorted. */
const ingress = (stack: Record<string, unknown>): string[] =>
  Object.values(resources(stack, 'aws_vpc_security_group_ingress_rule'))
    .map((r) => `${r.cidr_ipv4 ?? r.referenced_security_group_id} ${r.from_port}-${r.to_port}`)
    .sort();

describe('consumer stack of the example spec', () => {
  it('GIVEN the example spec WHEN synthesized THEN the stack has exactly the expected addresses', () => {
    expect(Object.keys(addresses(kios())).sort()).toEqual([
      'aws_route53_record.shared_s0',
      'aws_route53_record.zonal_s0_apse1_az1',
      'aws_route53_record.zonal_s0_apse1_az2',
      'aws_route53_record.zonal_s0_apse1_az3',
      'aws_route53_zone.kafka',
      'aws_security_group.kafka_s0',
      'aws_vpc_endpoint.kafka_s0',
      'aws_vpc_security_group_ingress_rule.kafka_s0_from_10_20_0_0_16_port_10000',
      'data.aws_availability_zone.apse1_az1',
      'data.aws_availability_zone.apse1_az2',
      'data.aws_availability_zone.apse1_az3',
      'data.aws_subnet.apse1_az1',
      'data.aws_subnet.apse1_az2',
      'data.aws_subnet.apse1_az3',
      'data.terraform_remote_state.provider',
    ]);
  });

  it('GIVEN the example spec WHEN synthesized THEN the AWS provider is pinned to the consumer account and region with the spec tags', () => {
    expect(kios().provider.aws).toEqual([
      { region: 'ap-southeast-1', allowed_account_ids: ['222222222222'], default_tags: [{ tags: { team: 'coban-platform', 'kafka-privatelink:cluster': 'coban' } }] },
    ]);
  });

  it('GIVEN a consumer role WHEN synthesized THEN the AWS provider assumes it', () => {
    const spec = exampleSpec();
    spec.consumers[0].assumeRoleArn = 'arn:aws:iam::222222222222:role/kafka-endpoint-deployer';
    const stack = synthesize(planOf(spec).plan).stacks['consumer-kios'];
    expect(stack.provider.aws[0].assume_role).toEqual([{ role_arn: 'arn:aws:iam::222222222222:role/kafka-endpoint-deployer' }]);
  });

  it('GIVEN the example spec WHEN synthesized THEN one Interface endpoint reads the service name from the provider output, without private DNS', () => {
    const endpoint = resources(kios(), 'aws_vpc_endpoint').kafka_s0;
    expect(endpoint).toMatchObject({
      vpc_id: 'vpc-0b1b2c3d4e5f60001',
      vpc_endpoint_type: 'Interface',
      private_dns_enabled: false,
      service_name: '${data.terraform_remote_state.provider.outputs.shard_0_endpoint_service_name}',
      subnet_ids: ['${data.aws_subnet.apse1_az1.id}', '${data.aws_subnet.apse1_az2.id}', '${data.aws_subnet.apse1_az3.id}'],
      security_group_ids: ['${aws_security_group.kafka_s0.id}'],
    });
    expect(endpoint).not.toHaveProperty('service_region');
  });

  it('GIVEN the example spec WHEN synthesized THEN each endpoint subnet is checked at plan time against the AZ ID and VPC of the spec', () => {
    const subnet = kios().data.aws_subnet.apse1_az2;
    expect(subnet.id).toBe('subnet-0b1b2c3d4e5f60012');
    expect(subnet.lifecycle.postcondition.map((c: { condition: string }) => c.condition)).toEqual([
      '${self.availability_zone_id == "apse1-az2"}',
      '${self.vpc_id == "vpc-0b1b2c3d4e5f60001"}',
    ]);
    expect(subnet.lifecycle.postcondition[0].error_message).toContain('consumers[kios].subnets.apse1-az2');
  });

  it('GIVEN the example spec WHEN synthesized THEN a private zone for the spec zone is associated with the consumer VPC', () => {
    const zone = resources(kios(), 'aws_route53_zone').kafka;
    expect(zone).toMatchObject({ name: 'grab', vpc: [{ vpc_id: 'vpc-0b1b2c3d4e5f60001' }] });
  });

  it('GIVEN the example spec WHEN synthesized THEN the shared name aliases the regional DNS entry, found by name not position', () => {
    const shared = resources(kios(), 'aws_route53_record').shared_s0;
    const regional =
      '[for e in aws_vpc_endpoint.kafka_s0.dns_entry : e if alltrue([for az in [data.aws_availability_zone.apse1_az1.name, ' +
      'data.aws_availability_zone.apse1_az2.name, data.aws_availability_zone.apse1_az3.name] : !endswith(split(".", e.dns_name)[0], "-${az}")])]';
    expect(shared).toMatchObject({
      name: 'kafka.grab',
      type: 'A',
      zone_id: '${aws_route53_zone.kafka.zone_id}',
      alias: { name: `\${one(${regional}).dns_name}`, zone_id: `\${one(${regional}).hosted_zone_id}`, evaluate_target_health: false },
    });
    expect(shared.lifecycle.precondition[0].condition).toBe(`\${length(${regional}) == 1}`);
  });

  it('GIVEN the example spec WHEN synthesized THEN each zonal name aliases the DNS entry of the AZ name its AZ ID has in the consumer account', () => {
    const stack = kios();
    expect(stack.data.aws_availability_zone).toEqual({
      apse1_az1: expect.objectContaining({ zone_id: 'apse1-az1' }),
      apse1_az2: expect.objectContaining({ zone_id: 'apse1-az2' }),
      apse1_az3: expect.objectContaining({ zone_id: 'apse1-az3' }),
    });
    const records = resources(stack, 'aws_route53_record');
    for (const [n, azId] of [[1, 'apse1_az1'], [2, 'apse1_az2'], [3, 'apse1_az3']] as const) {
      const zonal =
        '[for e in aws_vpc_endpoint.kafka_s0.dns_entry : e if ' +
        `endswith(split(".", e.dns_name)[0], "-\${data.aws_availability_zone.${azId}.name}")]`;
      expect(records[`zonal_s0_${azId}`]).toMatchObject({
        name: `kafka-az${n}.grab`,
        type: 'A',
        alias: { name: `\${one(${zonal}).dns_name}`, zone_id: `\${one(${zonal}).hosted_zone_id}` },
      });
    }
    expect(JSON.stringify(records)).not.toMatch(/dns_entry\[\d/);
  });

  it('GIVEN the example spec WHEN synthesized THEN the endpoint security group admits exactly the bootstrap and broker ports, from the allowed CIDR', () => {
    const stack = kios();
    expect(resources(stack, 'aws_security_group').kafka_s0).toMatchObject({ vpc_id: 'vpc-0b1b2c3d4e5f60001' });
    expect(resources(stack, 'aws_security_group').kafka_s0).not.toHaveProperty('ingress');
    expect(ingress(stack)).toEqual(['10.20.0.0/16 10000-10003']);
    expect(resources(stack, 'aws_vpc_security_group_ingress_rule').kafka_s0_from_10_20_0_0_16_port_10000).toMatchObject({
      security_group_id: '${aws_security_group.kafka_s0.id}',
      ip_protocol: 'tcp',
    });
  });

  it('GIVEN client CIDRs and security groups WHEN synthesized THEN every source gets the same port ranges and nothing else', () => {
    const spec = exampleSpec();
    spec.consumers[0].allowedCidrs = ['10.30.0.0/16', '10.20.0.0/16'];
    spec.consumers[0].allowedSecurityGroupIds = ['sg-0b1b2c3d4e5f60099'];
    const stack = synthesize(planOf(spec).plan).stacks['consumer-kios'];
    expect(ingress(stack)).toEqual(['10.20.0.0/16 10000-10003', '10.30.0.0/16 10000-10003', 'sg-0b1b2c3d4e5f60099 10000-10003']);
    expect(Object.keys(resources(stack, 'aws_vpc_security_group_ingress_rule'))).toContain('kafka_s0_from_sg_0b1b2c3d4e5f60099_port_10000');
    expect(JSON.stringify(stack)).not.toContain('0.0.0.0/0');
  });

  it('GIVEN more client networks than a security group holds by default WHEN synthesized THEN the synth warns about the quota', () => {
    const spec = exampleSpec();
    spec.provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic = false;
    spec.consumers[0].allowedCidrs = Array.from({ length: 61 }, (_, i) => `10.${100 + i}.0.0/16`);
    const { app } = synthesize(planOf(spec).plan);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'manifest.json'), 'utf8'));
    expect(manifest.stacks['consumer-kios'].annotations).toEqual([
      expect.objectContaining({
        level: '@cdktf/warn',
        message: expect.stringContaining('consumer kios, shard 0: 61 inbound rules (1 port ranges × 61 client sources) exceed the default quota of 60'),
      }),
    ]);
  });

  it('GIVEN a broker removed after allocation WHEN synthesized THEN the rule spans its retired port, which has no listener, and stays as it was', () => {
    const first = planOf(exampleSpec());
    const spec = exampleSpec();
    spec.brokers = spec.brokers.filter((b: { id: number }) => b.id !== 201);
    const { plan } = planOf(spec, first.lock);
    expect(plan.retiredPorts.map((r) => r.port)).toEqual([10002]);
    expect(ingress(synthesize(plan).stacks['consumer-kios'])).toEqual(['10.20.0.0/16 10000-10003']);
    expect(ingress(synthesize(first.plan).stacks['consumer-kios'])).toEqual(['10.20.0.0/16 10000-10003']);
  });

  it('GIVEN the example spec WHEN synthesized THEN the outputs give clients their bootstrap servers and idle timeout, and the acceptance stack the endpoint id', () => {
    expect(kios().output).toEqual({
      bootstrap_servers: expect.objectContaining({ value: 'kafka.grab:10000' }),
      connections_max_idle_ms: expect.objectContaining({ value: 320000 }),
      shard_0_endpoint_id: expect.objectContaining({ value: '${aws_vpc_endpoint.kafka_s0.id}' }),
    });
  });

  it('GIVEN an existing hosted zone id WHEN synthesized THEN no zone is created and the records go in the one checked at plan time', () => {
    const spec = exampleSpec();
    spec.consumers[0].hostedZoneId = 'Z0123456789ABCDEFGHIJ';
    const stack = synthesize(planOf(spec).plan).stacks['consumer-kios'];
    expect(resources(stack, 'aws_route53_zone')).toEqual({});
    expect(stack.data.aws_route53_zone.kafka).toMatchObject({ zone_id: 'Z0123456789ABCDEFGHIJ' });
    expect(stack.data.aws_route53_zone.kafka.lifecycle.postcondition[0].condition).toBe(
      '${self.private_zone && trimsuffix(self.name, ".") == "grab"}',
    );
    expect(resources(stack, 'aws_route53_record').shared_s0.zone_id).toBe('${data.aws_route53_zone.kafka.zone_id}');
  });
});

describe('remote state of the provider stack', () => {
  it('GIVEN the local backend WHEN synthesized THEN the consumer reads the very file the provider stack writes', () => {
    const { app, stacks } = synthesize(planOf(exampleSpec()).plan);
    const providerPath = stacks.provider.terraform.backend.local.path;
    const remote = stacks['consumer-kios'].data.terraform_remote_state.provider;
    expect(remote.backend).toBe('local');
    expect(resolve(app.outdir, 'stacks', 'consumer-kios', remote.config.path)).toBe(resolve(app.outdir, 'stacks', 'provider', providerPath));
    expect(stacks['consumer-kios'].terraform.backend.local.path).toMatch(/coban\/consumer-kios\.tfstate$/);
  });

  it('GIVEN an absolute local backend directory WHEN synthesized THEN every stack uses it as given, not moved under the repository', () => {
    const spec = exampleSpec();
    spec.backend = { type: 'local', directory: '/var/lib/kafka-tfstate' };
    const { stacks } = synthesize(planOf(spec).plan);
    expect(stacks.provider.terraform.backend.local.path).toBe('/var/lib/kafka-tfstate/coban/provider.tfstate');
    expect(stacks['consumer-kios'].terraform.backend.local.path).toBe('/var/lib/kafka-tfstate/coban/consumer-kios.tfstate');
    expect(stacks['consumer-kios'].data.terraform_remote_state.provider.config.path).toBe('/var/lib/kafka-tfstate/coban/provider.tfstate');
    expect(JSON.stringify(stacks.acceptance)).toContain('/var/lib/kafka-tfstate/coban/consumer-kios.tfstate');
  });

  it('GIVEN the S3 backend WHEN synthesized THEN the consumer reads the provider state object with the same settings', () => {
    const spec = exampleSpec();
    spec.backend = { type: 's3', bucket: 'coban-terraform-state', region: 'ap-southeast-1', roleArn: 'arn:aws:iam::111111111111:role/state-reader' };
    const { stacks } = synthesize(planOf(spec).plan);
    // Locking is the writer's concern; a reader of the state needs the rest, unchanged.
    const providerBackend = { ...stacks.provider.terraform.backend.s3 };
    delete providerBackend.use_lockfile;
    const remote = stacks['consumer-kios'].data.terraform_remote_state.provider;
    expect(remote.backend).toBe('s3');
    expect(remote.config).toEqual(providerBackend);
    expect(remote.config.key).toBe('kafka-privatelink/coban/provider.tfstate');
    expect(stacks['consumer-kios'].terraform.backend.s3.key).toBe('kafka-privatelink/coban/consumer-kios.tfstate');
  });
});

describe('KafkaPrivateLinkConsumer props', () => {
  const props = (change: Partial<KafkaPrivateLinkConsumerProps> = {}): KafkaPrivateLinkConsumerProps => ({
    ...KafkaPrivateLinkConsumer.propsFromPlan(planOf(exampleSpec()).plan, planOf(exampleSpec()).plan.consumers[0], () => 'com.amazonaws.vpce.ap-southeast-1.vpce-svc-0123'),
    ...change,
  });
  const build = (change: Partial<KafkaPrivateLinkConsumerProps>) => () => new KafkaPrivateLinkConsumer(new TerraformStack(Testing.app(), 'team'), 'kafka', props(change));

  it('GIVEN props in its own stack WHEN built THEN it adds no AWS provider and no backend, and exposes the endpoint and zone', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    const kafka = new KafkaPrivateLinkConsumer(stack, 'kafka', props());
    const json = JSON.parse(Testing.synth(stack));
    expect(json.provider).toBeUndefined();
    expect(json.terraform?.backend).toBeUndefined();
    expect([...kafka.endpoints.keys()]).toEqual([0]);
    expect(json.resource.aws_route53_record.shared_s0.zone_id).toBe('${aws_route53_zone.kafka.zone_id}');
    expect(Token.isUnresolved(kafka.hostedZoneId)).toBe(true);
  });

  it('fails when a consumer allows no client', () => {
    expect(build({ allowedCidrs: [], allowedSecurityGroupIds: [] })).toThrow(
      'KafkaPrivateLinkConsumer kios: allowedCidrs and allowedSecurityGroupIds are both empty: the endpoint would admit no client',
    );
  });

  it('fails when a consumer allows every address', () => {
    expect(build({ allowedCidrs: ['0.0.0.0/0'] })).toThrow(
      "KafkaPrivateLinkConsumer kios: allowedCidrs must not contain 0.0.0.0/0: allow the clients' own networks only",
    );
  });

  it('fails when it is given no subnet, naming every problem at once', () => {
    expect(build({ subnets: {}, endpointServices: [] })).toThrow(
      'KafkaPrivateLinkConsumer kios: subnets must name at least one subnet by AZ ID, got none; endpointServices must hold at least one endpoint service, got none',
    );
  });

  it('fails with an error the app reports without a stack trace', () => {
    expect(build({ subnets: {} })).toThrow(KafkaPrivateLinkError);
  });
});
