import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleSpec, planOf, resources, synthesize } from './fixtures';

// The record expressions are evaluated by Terraform itself, over a dns_entry list as AWS returns it,
// with the endpoint and AZ references swapped for locals: no provider is needed, so this runs offline.
// Terraform must be on PATH (`npm test` puts the one tools/emulator/provision.sh provides there).
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;

/** An account where apse1-az1 is called ap-southeast-1b: AZ names are shuffled per account. */
const AZ_NAMES = { apse1_az1: 'ap-southeast-1b', apse1_az2: 'ap-southeast-1c', apse1_az3: 'ap-southeast-1a' };
const SERVICE = 'vpce-svc-0a1b2c3d4e5f60001.ap-southeast-1.vpce.amazonaws.com';
const entry = (label: string, zone: string) => ({ dns_name: `vpce-0b1b2c3d4e5f60001-k3y9sq1a${label}.${SERVICE}`, hosted_zone_id: zone });
/** Zonal entries first and out of AZ order: the order of `dns_entry` is not documented. */
const DNS_ENTRY = [
  entry('-ap-southeast-1c', 'ZC'),
  entry('-ap-southeast-1a', 'ZA'),
  entry('', 'ZREGIONAL'),
  entry('-ap-southeast-1b', 'ZB'),
];

const asLocals = (expression: string): string =>
  expression
    .replaceAll('aws_vpc_endpoint.kafka_s0.dns_entry', 'local.dns_entry')
    .replace(/data\.aws_availability_zone\.(\w+)\.name/g, 'local.az_names.$1');

/** Evaluates named Terraform expressions (JSON-syntax templates) over the locals above. */
function evaluate(expressions: Record<string, string>, dnsEntry: readonly object[] = DNS_ENTRY): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-dns-'));
  const locals = Object.fromEntries(Object.entries(expressions).map(([name, e]) => [name, asLocals(e)]));
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ locals: { dns_entry: dnsEntry, az_names: AZ_NAMES, ...locals } }));
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const init = spawnSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const names = Object.keys(expressions).map((n) => `${n} = local.${n}`);
  const run = spawnSync('terraform', ['console', '-no-color'], { cwd: dir, env, encoding: 'utf8', input: `jsonencode({ ${names.join(', ')} })\n` });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(JSON.parse(run.stdout.trim()));
}

describe('DNS entry selection, evaluated by Terraform', () => {
  beforeAll(() => {
    if (!terraform) throw new Error('terraform is not on PATH: `bash tools/emulator/provision.sh --terraform-only` provides it');
  });
  const records = resources(synthesize(planOf(exampleSpec()).plan).stacks['consumer-kios'], 'aws_route53_record');
  const expressions = (field: (r: { alias: { name: string; zone_id: string }; lifecycle: { precondition: { condition: string }[] } }) => string) =>
    Object.fromEntries(Object.entries(records).map(([name, r]) => [name, field(r)]));

  it('GIVEN shuffled DNS entries and account-specific AZ names WHEN evaluated THEN each name gets the entry of its own AZ ID', () => {
    expect(evaluate(expressions((r) => r.alias.name))).toEqual({
      shared_s0: DNS_ENTRY[2].dns_name,
      zonal_s0_apse1_az1: DNS_ENTRY[3].dns_name,
      zonal_s0_apse1_az2: DNS_ENTRY[0].dns_name,
      zonal_s0_apse1_az3: DNS_ENTRY[1].dns_name,
    });
    expect(evaluate(expressions((r) => r.alias.zone_id))).toEqual({
      shared_s0: 'ZREGIONAL',
      zonal_s0_apse1_az1: 'ZB',
      zonal_s0_apse1_az2: 'ZC',
      zonal_s0_apse1_az3: 'ZA',
    });
  }, 60_000);

  it('GIVEN every entry present WHEN evaluated THEN every record precondition holds', () => {
    const conditions = evaluate(expressions((r) => r.lifecycle.precondition[0].condition));
    expect(Object.values(conditions)).toEqual([true, true, true, true]);
  }, 60_000);

  it('fails the precondition of a zonal record when the endpoint has no entry in its AZ', () => {
    const conditions = evaluate(
      expressions((r) => r.lifecycle.precondition[0].condition),
      DNS_ENTRY.filter((e) => !e.dns_name.includes('-ap-southeast-1b.')),
    );
    expect(conditions).toEqual({ shared_s0: true, zonal_s0_apse1_az1: false, zonal_s0_apse1_az2: true, zonal_s0_apse1_az3: true });
  }, 60_000);
});
