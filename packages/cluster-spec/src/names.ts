/**
 * Every name the product derives from the spec. Names are functions of stable keys (cluster,
 * shard, broker id, AZ ID) only, so a name never moves when brokers or consumers are added.
 */

/** AWS refuses load balancer names with this prefix. */
export const LB_RESERVED_PREFIX = 'internal-';
/** AWS refuses security group names with this prefix. */
export const SG_RESERVED_PREFIX = 'sg-';

export const nlbName = (cluster: string, shard: number): string => `${cluster}-nlb-s${shard}`;
export const bootstrapTargetGroupName = (cluster: string, shard: number): string => `${cluster}-boot-s${shard}`;
export const brokerTargetGroupName = (cluster: string, brokerId: number): string => `${cluster}-b${brokerId}`;

/** The broker's host in the Ansible inventory: the spec's `inventoryHostname`, else `broker-<id>`. */
export const inventoryHostnameOf = (broker: { readonly id: number; readonly inventoryHostname?: string | undefined }): string =>
  broker.inventoryHostname ?? `broker-${broker.id}`;

/** `apse1-az1` → `az1`. */
export const azSuffix = (azId: string): string => azId.slice(azId.lastIndexOf('-') + 1);

export interface DnsNaming {
  readonly zone: string;
  readonly sharedName: string;
  readonly zonalName: string;
}

/** Shard 0 uses the names as written; shard n > 0 appends `-s<n>` to the first label. */
const shardLabel = (label: string, shard: number): string => (shard === 0 ? label : `${label}-s${shard}`);

export const zonalLabel = (dns: DnsNaming, azId: string, shard: number): string =>
  shardLabel(dns.zonalName.replaceAll('{azId}', azId).replaceAll('{az}', azSuffix(azId)), shard);

/** The bootstrap name, e.g. `kafka.grab`. */
export const sharedDnsName = (dns: DnsNaming, shard: number): string => `${shardLabel(dns.sharedName, shard)}.${dns.zone}`;

/** The name brokers of an AZ advertise, e.g. `kafka-az1.grab`. */
export const zonalDnsName = (dns: DnsNaming, azId: string, shard: number): string =>
  `${zonalLabel(dns, azId, shard)}.${dns.zone}`;

const REGION_WORDS: Readonly<Record<string, string>> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  gov: 'g',
};

/**
 * The prefix AWS uses in a region's AZ IDs: `ap-southeast-1` → `apse1`, `us-gov-west-1` → `usgw1`.
 * Undefined for regions whose words are not known, so that no check is made on a guess.
 */
export function regionCode(region: string): string | undefined {
  const [area, ...rest] = region.split('-');
  const number = rest.pop();
  const words = rest.map((w) => REGION_WORDS[w]);
  if (words.some((w) => w === undefined)) return undefined;
  return `${area}${words.join('')}${number}`;
}

/** `apse1-az1` → `apse1`; `usw2-lax1-az1` → `usw2`. */
export const azIdRegionCode = (azId: string): string => azId.slice(0, azId.indexOf('-'));
