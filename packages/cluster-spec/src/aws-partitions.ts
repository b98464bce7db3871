import partitions from '@aws-sdk/util-endpoints/dist-cjs/lib/aws/partitions.json';

/*
 * AWS's partitions (aws, aws-cn, aws-us-gov, the ISO partitions, …): their Regions and the DNS
 * domains of their service endpoints, from the partitions.json the AWS SDK for JavaScript ships
 * (@aws-sdk/util-endpoints, pinned in package.json: a newer version is how a new Region is
 * learnt; versions from 3.996.10 on no longer ship the file, and this import fails loudly there).
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
