import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addresses, exampleSpec, planOf, resources, synthesize } from './fixtures';

const manifestOf = (app: { outdir: string; synth(): void }) => {
  app.synth();
  return JSON.parse(readFileSync(join(app.outdir, 'manifest.json'), 'utf8'));
};

function twoConsumers() {
  const spec = exampleSpec();
  spec.consumers.push({ ...spec.consumers[0], name: 'grabpay', account: '444444444444', vpcId: 'vpc-0d1b2c3d4e5f60001' });
  return spec;
}

describe('acceptance stack', () => {
  it('GIVEN acceptance required WHEN synthesized THEN the acceptance stack deploys after the provider and every consumer', () => {
    const { app } = synthesize(planOf(twoConsumers()).plan);
    const manifest = manifestOf(app);
    expect(manifest.stacks.acceptance.dependencies.sort()).toEqual(['consumer-grabpay', 'consumer-kios', 'provider']);
  });

  it('GIVEN acceptance not required WHEN synthesized THEN there is no acceptance stack', () => {
    const spec = exampleSpec();
    spec.provider.acceptanceRequired = false;
    const { app, stacks } = synthesize(planOf(spec).plan);
    expect(Object.keys(stacks).sort()).toEqual(['consumer-kios', 'provider']);
    expect(Object.keys(manifestOf(app).stacks).sort()).toEqual(['consumer-kios', 'provider']);
  });

  it('GIVEN two consumers WHEN synthesized THEN exactly their endpoints are accepted, read from their states and the provider state', () => {
    const { acceptance } = synthesize(planOf(twoConsumers()).plan).stacks;
    expect(Object.keys(addresses(acceptance)).sort()).toEqual([
      'aws_vpc_endpoint_connection_accepter.grabpay_s0',
      'aws_vpc_endpoint_connection_accepter.kios_s0',
      'data.terraform_remote_state.consumer_grabpay',
      'data.terraform_remote_state.consumer_kios',
      'data.terraform_remote_state.provider',
    ]);
    expect(resources(acceptance, 'aws_vpc_endpoint_connection_accepter').kios_s0).toEqual(
      expect.objectContaining({
        vpc_endpoint_id: '${data.terraform_remote_state.consumer_kios.outputs.shard_0_endpoint_id}',
        vpc_endpoint_service_id: '${data.terraform_remote_state.provider.outputs.shard_0_endpoint_service_id}',
      }),
    );
  });

  it('GIVEN the local backend WHEN synthesized THEN the acceptance stack reads the state files the consumer stacks write', () => {
    const { stacks } = synthesize(planOf(exampleSpec()).plan);
    expect(stacks.acceptance.data.terraform_remote_state.consumer_kios.config.path).toBe(
      stacks['consumer-kios'].terraform.backend.local.path,
    );
    expect(stacks.acceptance.data.terraform_remote_state.provider.config.path).toBe(stacks.provider.terraform.backend.local.path);
  });

  it('GIVEN the example spec WHEN synthesized THEN acceptance runs in the provider account and region', () => {
    const { acceptance } = synthesize(planOf(exampleSpec()).plan).stacks;
    expect(acceptance.provider.aws).toEqual([
      { region: 'ap-southeast-1', allowed_account_ids: ['111111111111'], default_tags: [{ tags: { team: 'coban-platform', 'kafka-privatelink:cluster': 'coban' } }] },
    ]);
  });
});
