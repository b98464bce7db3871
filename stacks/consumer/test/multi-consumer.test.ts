import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleSpec, planOf, resources, SpecDoc, synthesize } from './fixtures';

/** The example plus a consumer in another account and another region (us-east-1). */
function twoAccountsTwoRegions(): SpecDoc {
  const spec = exampleSpec();
  spec.consumers.push({
    name: 'ride',
    account: '333333333333',
    region: 'us-east-1',
    assumeRoleArn: 'arn:aws:iam::333333333333:role/kafka-endpoint-deployer',
    vpcId: 'vpc-0c1b2c3d4e5f60001',
    subnets: { 'use1-az4': 'subnet-0c1b2c3d4e5f60014', 'use1-az1': 'subnet-0c1b2c3d4e5f60011' },
    allowedCidrs: ['10.40.0.0/16'],
  });
  return spec;
}

describe('two consumers in two accounts, one in another region', () => {
  const { app, stacks } = synthesize(planOf(twoAccountsTwoRegions()).plan);

  it('GIVEN two consumers WHEN synthesized THEN each has its own stack, after the provider', () => {
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['acceptance', 'consumer-kios', 'consumer-ride', 'provider']);
    expect(manifest.stacks['consumer-kios'].dependencies).toEqual(['provider']);
    expect(manifest.stacks['consumer-ride'].dependencies).toEqual(['provider']);
  });

  it('GIVEN two consumer accounts and regions WHEN synthesized THEN each endpoint service allows both accounts and serves the other region', () => {
    const services = Object.values(resources(stacks.provider, 'aws_vpc_endpoint_service'));
    expect(services).toHaveLength(1);
    expect(services[0].allowed_principals).toEqual(['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root']);
    expect(services[0].supported_regions).toEqual(expect.arrayContaining(['us-east-1']));
    expect(services[0].acceptance_required).toBe(true);
  });

  it('GIVEN a cross-region consumer WHEN synthesized THEN its stack runs in its own account and region', () => {
    expect(stacks['consumer-ride'].provider.aws).toEqual([
      {
        region: 'us-east-1',
        allowed_account_ids: ['333333333333'],
        assume_role: [{ role_arn: 'arn:aws:iam::333333333333:role/kafka-endpoint-deployer' }],
        default_tags: [{ tags: { team: 'coban-platform', 'kafka-privatelink:cluster': 'coban' } }],
      },
    ]);
    expect(stacks['consumer-kios'].provider.aws[0].allowed_account_ids).toEqual(['222222222222']);
  });

  it('GIVEN a cross-region consumer WHEN synthesized THEN its endpoint reaches the service region from its own subnets', () => {
    const ride = stacks['consumer-ride'];
    expect(resources(ride, 'aws_vpc_endpoint').kafka_s0).toMatchObject({
      vpc_id: 'vpc-0c1b2c3d4e5f60001',
      service_name: '${data.terraform_remote_state.provider.outputs.shard_0_endpoint_service_name}',
      service_region: 'ap-southeast-1',
      subnet_ids: ['${data.aws_subnet.use1_az1.id}', '${data.aws_subnet.use1_az4.id}'],
    });
    expect(Object.keys(ride.data.aws_availability_zone)).toEqual(['use1_az1', 'use1_az4']);
    expect(ride.data.aws_subnet.use1_az4.lifecycle.postcondition[0].condition).toBe('${self.availability_zone_id == "use1-az4"}');
  });

  it('GIVEN a cross-region consumer WHEN synthesized THEN the zonal names the brokers advertise resolve to the regional entry', () => {
    const records = resources(stacks['consumer-ride'], 'aws_route53_record');
    expect(Object.keys(records).sort()).toEqual(['shared_s0', 'zonal_s0_apse1_az1', 'zonal_s0_apse1_az2', 'zonal_s0_apse1_az3']);
    for (const name of ['zonal_s0_apse1_az1', 'zonal_s0_apse1_az2', 'zonal_s0_apse1_az3']) {
      expect(records[name].alias).toEqual(records.shared_s0.alias);
    }
    expect(records.zonal_s0_apse1_az2.name).toBe('kafka-az2.grab');
    expect(records.shared_s0.alias.name).toContain(
      '[for az in [data.aws_availability_zone.use1_az1.name, data.aws_availability_zone.use1_az4.name] : !endswith(split(".", e.dns_name)[0], "-${az}")]',
    );
  });

  it('GIVEN a same-region consumer next to a cross-region one WHEN synthesized THEN it has no service_region', () => {
    expect(resources(stacks['consumer-kios'], 'aws_vpc_endpoint').kafka_s0).not.toHaveProperty('service_region');
  });
});
