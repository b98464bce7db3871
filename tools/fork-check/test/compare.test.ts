import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareOutputs, describeDifference, providerAddress } from '../src/compare';

const stack = (over: { version?: string; source?: string; core?: string; cidr?: string } = {}) =>
  JSON.stringify({
    '//': { metadata: { backend: 'local', stackName: 'provider', version: over.core ?? '0.21.0' } },
    resource: { aws_vpc: { v: { '//': { metadata: { path: 'provider/v' } }, cidr_block: over.cidr ?? '10.0.0.0/16' } } },
    terraform: { required_providers: { aws: { source: over.source ?? 'aws', version: over.version ?? '6.25.0' } } },
  });

/** The provider address that the real Terraform reads from a `required_providers` source. */
function terraformReads(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-source-'));
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { aws: { source } } } }));
    const result = spawnSync('terraform', ['providers', '-no-color'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
    if (result.error) throw result.error;
    return /provider\[([^\]]+)\]/.exec(result.stdout)?.[1] ?? `no provider in: ${result.stdout}${result.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('providerAddress', () => {
  it.each(['aws', 'hashicorp/aws', 'HashiCorp/AWS', 'registry.terraform.io/hashicorp/aws', 'example.com/acme/aws'])(
    'reads %s as Terraform does',
    (source) => {
      expect(providerAddress(source)).toBe(terraformReads(source));
    },
  );
});

describe('compareOutputs', () => {
  it('allows the core version in the metadata and manifest, the provider version and a source of the same address', () => {
    // GIVEN the same stack from two cores and their manifests
    const cdktf = { 'stacks/provider/cdk.tf.json': stack(), 'manifest.json': '{"version":"0.21.0","stacks":{}}', 'topology.md': '# coban\n' };
    const fork = {
      'stacks/provider/cdk.tf.json': stack({ core: '0.24.0', version: '6.66.0', source: 'hashicorp/aws' }),
      'manifest.json': '{"version":"0.24.0","stacks":{}}',
      'topology.md': '# coban\n',
    };

    // WHEN they are compared
    const result = compareOutputs(cdktf, fork);

    // THEN nothing is unexpected and each allowed difference is named
    expect(result.unexpected).toEqual([]);
    expect(result.allowed.map(describeDifference)).toEqual([
      'manifest.json: version: "0.21.0" → "0.24.0" (core version in the manifest)',
      'stacks/provider/cdk.tf.json: //.metadata.version: "0.21.0" → "0.24.0" (cdktf metadata)',
      'stacks/provider/cdk.tf.json: terraform.required_providers.aws.source: "aws" → "hashicorp/aws" (provider source, both registry.terraform.io/hashicorp/aws)',
      'stacks/provider/cdk.tf.json: terraform.required_providers.aws.version: "6.25.0" → "6.66.0" (provider version)',
    ]);
  });

  it('allows and names JSON laid out otherwise, also beside a changed value', () => {
    const result = compareOutputs(
      { 'manifest.json': '{\n  "a": [\n  ],\n  "version": "0.21.0"\n}' },
      { 'manifest.json': '{\n  "a": [],\n  "version": "0.24.0"\n}' },
    );
    expect(result.unexpected).toEqual([]);
    expect(result.allowed.map((d) => d.allowedAs)).toEqual(['core version in the manifest', 'JSON laid out otherwise']);
  });

  it('sees no layout difference where only values differ', () => {
    const result = compareOutputs({ 'manifest.json': '{"version": "0.21.0", "n": 1}' }, { 'manifest.json': '{"version": "10.24.0", "n": 100}' });
    expect(result.allowed.map((d) => d.allowedAs)).toEqual(['core version in the manifest']);
    expect(result.unexpected.map((d) => d.path)).toEqual(['n']);
  });

  it('fails when a resource attribute differs', () => {
    const result = compareOutputs({ 's.json': stack() }, { 's.json': stack({ cidr: '10.1.0.0/16' }) });
    expect(result.unexpected.map(describeDifference)).toEqual(['s.json: resource.aws_vpc.v.cidr_block: "10.0.0.0/16" → "10.1.0.0/16"']);
  });

  it('fails when the provider source names another provider', () => {
    const result = compareOutputs({ 's.json': stack() }, { 's.json': stack({ source: 'cdktn/aws' }) });
    expect(result.unexpected.map((d) => d.path)).toEqual(['terraform.required_providers.aws.source']);
  });

  it('fails when a key is on one side only', () => {
    const result = compareOutputs({ 's.json': '{"output":{"a":{"value":"1"}}}' }, { 's.json': '{"output":{}}' });
    expect(result.unexpected.map(describeDifference)).toEqual(['s.json: output.a: {"value":"1"} → (absent)']);
  });

  it('fails when a file is on one side only, or a plain file differs by a byte', () => {
    const result = compareOutputs({ 'ansible/vars.yml': 'a: 1\n', 'topology.md': 'x' }, { 'ansible/vars.yml': 'a: 2\n' });
    expect(result.unexpected.map(describeDifference)).toEqual(['ansible/vars.yml: 5 bytes → 5 bytes', 'topology.md: file → (no file)']);
  });
});
