import { TerraformOutput, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

/*
 * Terraform addresses of every stack. They are set explicitly (not left to cdktf's path-based ids)
 * and built from stable keys only — consumer name, shard index, AZ ID, port, client network — so
 * adding a broker, a shard or a consumer never renames an existing resource, and a reviewer can
 * read `aws_route53_record.zonal_s0_apse1_az1` in a plan.
 */

/** A stable key turned into a Terraform identifier: `apse1-az1` → `apse1_az1`, `10.20.0.0/16` → `10_20_0_0_16`. */
export const terraformKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9_]/g, '_');

export const shardKey = (shard: number): string => `s${shard}`;

/**
 * A reference to a resource's attribute by its address, e.g. `${aws_lb.nlb_s0.arn}`. The stacks
 * fix every address with `overrideLogicalId` (call it first), so a plain string does what a cdktf
 * token would, without creating a token, and capturing a stack trace, per reference.
 */
export const ref = (resource: TerraformResource, attribute: string): string =>
  `\${${resource.terraformResourceType}.${resource.friendlyUniqueId}.${attribute}}`;

/**
 * A Terraform output whose name is exactly `name`: stacks in other pipelines read it through
 * remote state by that name, so it must not carry cdktf's path-derived prefix. `id` is its
 * construct id, which synth records beside the name. @default id - the output name
 */
export function namedOutput(scope: Construct, name: string, value: unknown, description: string, id = name): TerraformOutput {
  const output = new TerraformOutput(scope, id, { value, description });
  output.overrideLogicalId(name);
  return output;
}
