import partitions from './aws-partitions.json';

/*
 * AWS's partitions (aws, aws-cn, aws-us-gov, the ISO partitions, …): their Regions and the DNS
 * domains of their service endpoints. aws-partitions.json is the AWS SDKs' partitions.json as
 * published (version 1.1, as in aws-sdk-go-v2 1.41.9 and botocore 1.43.11), copied verbatim: to
 * learn a newer Region, copy a newer one over it.
 */

interface Partition {
  readonly id: string;
  readonly outputs: { readonly dnsSuffix: string; readonly dualStackDnsSuffix: string };
  readonly regionRegex: string;
  readonly regions: Readonly<Record<string, unknown>>;
}

const PARTITIONS: readonly Partition[] = partitions.partitions;

/** Every Region of every partition, sorted; the file's pseudo-Regions (aws-global, …) left out. */
export const AWS_REGIONS: readonly string[] = PARTITIONS.flatMap((p) => Object.keys(p.regions).filter((r) => new RegExp(p.regionRegex).test(r))).sort();

/** The domains AWS's service endpoints live in (amazonaws.com, api.aws, amazonaws.com.cn, c2s.ic.gov, …), sorted. */
export const AWS_ENDPOINT_DOMAINS: readonly string[] = [...new Set(PARTITIONS.flatMap((p) => [p.outputs.dnsSuffix, p.outputs.dualStackDnsSuffix]))].sort();
