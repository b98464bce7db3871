/**
 * Terraform addresses of the consumer and acceptance stacks. They are set explicitly (not left to
 * cdktf's path-based ids) and built from stable keys only — consumer name, shard index, AZ ID,
 * port, client network — so adding a broker, a shard or a consumer never renames an existing
 * resource, and a reviewer can read `aws_route53_record.zonal_s0_apse1_az1` in a plan.
 */

/** A stable key turned into a Terraform identifier: `apse1-az1` → `apse1_az1`, `10.20.0.0/16` → `10_20_0_0_16`. */
export const terraformKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9_]/g, '_');

export const shardKey = (shard: number): string => `s${shard}`;
