import { AWS_ENDPOINT_DOMAINS } from './aws-partitions';

/*
 * The cluster's private hosted zone is associated with every consumer VPC, and a private zone
 * answers for its whole name space there: a zone named like an AWS domain, or above one, makes the
 * VPC's own lookups of AWS API endpoints or EC2 host names fail. See SECURITY.md for the choice of
 * the lists below.
 */

/** Domains whose every name is AWS's: its partitions' endpoint domains, EC2's host names and the aws TLD. */
const AWS_DOMAINS: readonly string[] = [
  ...AWS_ENDPOINT_DOMAINS,
  // EC2 private host names: ip-10-0-1-11.ec2.internal in us-east-1, ….<region>.compute.internal elsewhere.
  'ec2.internal',
  'compute.internal',
  // Amazon's own top-level domain (api.aws, on.aws, …).
  'aws',
];

/** Reverse lookups (in-addr.arpa, ip6.arpa) and localhost (RFC 6761): never a place for Kafka's names. */
const SPECIAL_DOMAINS: readonly string[] = ['arpa', 'localhost'];

/**
 * Top-level domains a VPC's software resolves names in all the time, beyond the two-letter
 * country codes: the generic TLDs delegated before 2012, and app and dev (package and tool hosts).
 * Brand TLDs (grab, the Grab article's zone) are their owner's alone and stay allowed.
 */
const SHADOWED_TLDS: ReadonlySet<string> = new Set([
  'aero', 'app', 'asia', 'biz', 'cat', 'com', 'coop', 'dev', 'edu', 'gov', 'info', 'int', 'jobs',
  'mil', 'mobi', 'museum', 'name', 'net', 'org', 'post', 'pro', 'tel', 'travel', 'xxx',
]);

const isAtOrBelow = (name: string, domain: string): boolean => name === domain || name.endsWith(`.${domain}`);

/** Why `zone` must not be the cluster's private zone, or undefined when it may. */
export function shadowingZone(zone: string): string | undefined {
  const name = zone.toLowerCase();
  const within = AWS_DOMAINS.find((domain) => isAtOrBelow(name, domain));
  if (within !== undefined) {
    return `${within === name ? 'is' : 'lies in'} AWS's domain ${within}: a private zone of that name hides AWS's own names from the consumer VPCs`;
  }
  const above = AWS_DOMAINS.filter((domain) => isAtOrBelow(domain, name));
  if (above.length > 0) return `lies above AWS's domains ${above.join(', ')}: a private zone of that name hides them from the consumer VPCs`;
  for (const domain of SPECIAL_DOMAINS) {
    if (isAtOrBelow(name, domain)) return `lies in ${domain}, a special-use domain (reverse lookups, localhost)`;
  }
  if (!name.includes('.') && (name.length === 2 || SHADOWED_TLDS.has(name))) {
    return `is the top-level domain .${name}: a private zone of that name hides every .${name} name from the consumer VPCs; use a name below a domain the team owns, like kafka.example.${name}`;
  }
  return undefined;
}
