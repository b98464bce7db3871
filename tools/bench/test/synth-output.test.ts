import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countStack, outputDigest } from '../src/synth-output';

describe('countStack', () => {
  it('counts resources and data sources by name across types, and outputs', () => {
    const counts = countStack({
      resource: { aws_lb: { nlb_s0: {}, nlb_s1: {} }, aws_lb_listener: { b101: {} } },
      data: { aws_availability_zones: { zones: {} } },
      output: { service_name: {}, bootstrap_port: {} },
    });

    expect(counts).toEqual({ resources: 3, dataSources: 1, outputs: 2 });
  });

  it('counts nothing in a stack with only a provider', () => {
    expect(countStack({})).toEqual({ resources: 0, dataSources: 0, outputs: 0 });
  });
});

describe('outputDigest', () => {
  const outputIn = (root: string, statePath: string, topology = 'ports') => {
    const out = join(root, 'out');
    mkdirSync(join(out, 'stacks', 'provider'), { recursive: true });
    writeFileSync(join(out, 'stacks', 'provider', 'cdk.tf.json'), `{ "backend": { "local": { "path": "${statePath}" } } }`);
    writeFileSync(join(out, 'topology.md'), topology);
    return out;
  };

  it('is the same for the same output wherever the output and the checkout are', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'digest-')), join(mkdtempSync(join(tmpdir(), 'digest-')), 'deeper')];

    expect(outputDigest(outputIn(a, '../../../../work/terraform-state/coban/provider.tfstate'))).toBe(
      outputDigest(outputIn(b, '../../../../../../home/ci/repo/terraform-state/coban/provider.tfstate')),
    );
  });

  it('changes with any other byte, and with the state file\'s name', () => {
    const root = () => mkdtempSync(join(tmpdir(), 'digest-'));
    const reference = outputDigest(outputIn(root(), '../terraform-state/coban/provider.tfstate'));

    expect(outputDigest(outputIn(root(), '../terraform-state/coban/provider.tfstate', 'ports '))).not.toBe(reference);
    expect(outputDigest(outputIn(root(), '../terraform-state/coban/consumer.tfstate'))).not.toBe(reference);
  });

  it('hashes only what synth writes, not what terraform init left beside it in the stack folders', () => {
    // GIVEN an output folder (as the README's synth command uses: cdktf.out) whose stack was
    // initialized: Terraform keeps provider binaries of hundreds of MB there, beside the lock file and a plan
    const out = outputIn(mkdtempSync(join(tmpdir(), 'digest-')), '../terraform-state/coban/provider.tfstate');
    const before = outputDigest(out);
    const stack = join(out, 'stacks', 'provider');
    mkdirSync(join(stack, '.terraform', 'providers', 'registry.terraform.io', 'hashicorp', 'aws'), { recursive: true });
    writeFileSync(join(stack, '.terraform', 'providers', 'registry.terraform.io', 'hashicorp', 'aws', 'terraform-provider-aws'), Buffer.alloc(1024, 0xff));
    writeFileSync(join(stack, '.terraform.lock.hcl'), 'provider "registry.terraform.io/hashicorp/aws" {}');
    writeFileSync(join(stack, 'plan'), 'plan');

    // WHEN the output is hashed again
    // THEN Terraform's files change nothing
    expect(outputDigest(out)).toBe(before);
  });
});
