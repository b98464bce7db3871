import {
  azIdRegionCode,
  bootstrapTargetGroupName,
  brokerTargetGroupName,
  inventoryHostnameOf,
  LB_RESERVED_PREFIX,
  nlbName,
  regionCode,
  SG_RESERVED_PREFIX,
  sharedDnsName,
  zonalDnsName,
  zonalLabel,
} from './names';
import { MAX_LB_NAME_LENGTH } from './aws-limits';
import { AWS_REGIONS } from './aws-partitions';
import { closest } from './closest';
import { cidrContains, cidrUnionSize, DNS_LABEL, Spec } from './schema';
import { MAX_SPEC_TAGS, reservedTagKey } from './tags';

export type SpecPath = readonly (string | number)[];

/** A spec path as the YAML writes it: `consumers[1].region`, `tags."team name"`. */
export const formatSpecPath = (path: SpecPath): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    return out === '' ? safe : `${out}.${safe}`;
  }, '') || '(top level)';

export interface SpecIssue {
  readonly path: SpecPath;
  readonly message: string;
}

/**
 * What of a spec passed the schema: of an object section, each valid field; of a list, each
 * element's valid fields (`undefined` for an element that is not an object, so indexes stay those
 * of the file). Each check runs on what it needs that is valid, so one run reports every problem.
 */
export type SpecSections = {
  readonly [K in keyof Spec]?: Spec[K] extends readonly (infer E)[]
    ? readonly (Partial<E> | undefined)[]
    : Spec[K] extends object
      ? Partial<Spec[K]>
      : Spec[K];
};

type Check = (s: SpecSections, report: (path: SpecPath, message: string) => void) => void;

const list = (items: readonly string[]): string => items.join(', ');
const brokerName = (b: { readonly id?: number }, i: number): string => (b.id !== undefined ? `broker ${b.id}` : `brokers[${i}]`);
const consumerName = (c: { readonly name?: string }, i: number): string => (c.name !== undefined ? `consumer ${c.name}` : `consumers[${i}]`);

/** Calls `repeated(i, earlier)` for every item whose key an earlier item already has. */
function forEachRepeat<T>(
  items: readonly (T | undefined)[],
  key: (item: T) => string | number | undefined,
  repeated: (i: number, earlier: number) => void,
): void {
  const first = new Map<string | number, number>();
  items.forEach((item, i) => {
    const k = item === undefined ? undefined : key(item);
    if (k === undefined) return;
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, i);
    else repeated(i, earlier);
  });
}

// A repeated broker key routes one broker's listener to another broker: the NLB forwards by
// target, and Kafka clients trust the advertised name and port.
const uniqueBrokerKeys: Check = ({ brokers }, report) => {
  if (!brokers) return;
  forEachRepeat(brokers, (b) => b.id, (i, earlier) =>
    report(['brokers', i, 'id'], `broker id ${brokers[i]!.id} is already used by brokers[${earlier}]; broker ids must be unique`),
  );
  forEachRepeat(brokers, (b) => b.privateIp, (i, earlier) =>
    report(['brokers', i, 'privateIp'], `${brokers[i]!.privateIp} is already the private IP of brokers[${earlier}]`),
  );
  forEachRepeat(brokers, (b) => b.instanceId, (i, earlier) =>
    report(
      ['brokers', i, 'instanceId'],
      `${brokers[i]!.instanceId} is already the instance of brokers[${earlier}]; every broker runs on its own EC2 instance`,
    ),
  );
  // Case-blind, as host names are; two default names collide only when the ids do (reported above).
  const hosts = brokers.map((b) => (b?.id === undefined ? undefined : inventoryHostnameOf({ id: b.id, inventoryHostname: b.inventoryHostname })));
  forEachRepeat(hosts, (host) => host.toLowerCase(), (i, earlier) => {
    if (brokers[i]!.inventoryHostname === undefined && brokers[earlier]!.inventoryHostname === undefined) return;
    report(['brokers', i, 'inventoryHostname'], `inventory host ${hosts[i]} is already the host of brokers[${earlier}]; inventory host names must be unique`);
  });
};

const uniqueSubnets = (where: SpecPath, subnets: Readonly<Record<string, string>>, report: (path: SpecPath, message: string) => void) => {
  const entries = Object.entries(subnets);
  forEachRepeat(entries, ([, subnet]) => subnet, (i, earlier) =>
    report([...where, entries[i][0]], `${entries[i][1]} is already the subnet of ${entries[earlier][0]}; a subnet lies in one AZ only`),
  );
};

const uniqueConsumerKeys: Check = ({ consumers }, report) => {
  if (!consumers) return;
  forEachRepeat(consumers, (c) => c.name, (i, earlier) =>
    report(['consumers', i, 'name'], `consumer name ${consumers[i]!.name} is already used by consumers[${earlier}]`),
  );
  // Route 53 refuses a second private zone of the same name on one VPC, and one endpoint per
  // shard already serves every client of a VPC.
  forEachRepeat(consumers, (c) => c.vpcId, (i, earlier) =>
    report(
      ['consumers', i, 'vpcId'],
      `${consumers[i]!.vpcId} is already the VPC of consumers[${earlier}] (${consumers[earlier]!.name}); list all clients of a VPC under one consumer`,
    ),
  );
  // Each consumer's records point at its own endpoint; in one shared zone they would overwrite
  // each other and send one VPC's clients to an endpoint of another VPC.
  forEachRepeat(consumers, (c) => c.hostedZoneId, (i, earlier) =>
    report(
      ['consumers', i, 'hostedZoneId'],
      `${consumers[i]!.hostedZoneId} is already the hosted zone of consumers[${earlier}] (${consumers[earlier]!.name}); ` +
        "each consumer's records point at its own endpoint, so each needs its own zone (leave hostedZoneId out to create one)",
    ),
  );
  consumers.forEach((c, i) => c?.subnets && uniqueSubnets(['consumers', i, 'subnets'], c.subnets, report));
};

const brokersHaveNlbSubnets: Check = ({ brokers, provider }, report) => {
  if (!brokers || !provider?.nlbSubnets) return;
  const azIds = Object.keys(provider.nlbSubnets);
  brokers.forEach((b, i) => {
    if (b?.azId !== undefined && !azIds.includes(b.azId)) {
      report(
        ['brokers', i, 'azId'],
        `${brokerName(b, i)} is in ${b.azId}, where the NLB has no subnet; provider.nlbSubnets covers ${list(azIds)}`,
      );
    }
  });
};

const brokerTargets: Check = ({ brokers, provider }, report) => {
  if (!brokers || provider?.targetType !== 'instance') return;
  brokers.forEach((b, i) => {
    if (b && b.instanceId === undefined) {
      report(['brokers', i, 'instanceId'], `${brokerName(b, i)} needs an instanceId because provider.targetType is instance (or set targetType: ip)`);
    }
  });
};

const azIdsMatchRegion = (where: SpecPath, azIds: readonly string[], region: string, regionField: string, report: (path: SpecPath, message: string) => void) => {
  const code = regionCode(region);
  if (code === undefined) return;
  for (const azId of azIds) {
    if (azIdRegionCode(azId) !== code) {
      report([...where, azId], `AZ ID ${azId} is not in ${regionField} ${region}, whose AZ IDs start with ${code}-`);
    }
  }
};

const providerAzIds: Check = ({ provider }, report) => {
  if (!provider?.nlbSubnets) return;
  const azIds = Object.keys(provider.nlbSubnets);
  if (azIds.length === 0) report(['provider', 'nlbSubnets'], 'must name at least one subnet, keyed by AZ ID');
  if (provider.region) azIdsMatchRegion(['provider', 'nlbSubnets'], azIds, provider.region, 'provider.region', report);
  uniqueSubnets(['provider', 'nlbSubnets'], provider.nlbSubnets, report);
};

const consumersAllowClients: Check = ({ consumers }, report) => {
  consumers?.forEach((c, i) => {
    if (c?.allowedCidrs?.length === 0 && c.allowedSecurityGroupIds?.length === 0) {
      report(['consumers', i], `${consumerName(c, i)} allows no client: set allowedCidrs and/or allowedSecurityGroupIds`);
    }
  });
};

const consumersCoverAzs: Check = ({ consumers, provider }, report) => {
  if (!consumers || !provider?.nlbSubnets || !provider.region) return;
  const providerAzs = Object.keys(provider.nlbSubnets);
  const providerRegion = provider.region;
  consumers.forEach((c, i) => {
    if (!c?.subnets) return;
    const region = c.region ?? providerRegion;
    const consumerAzs = Object.keys(c.subnets);
    if (region !== providerRegion) {
      // A cross-region endpoint lives in its own region's AZs; only their region is checked.
      if (consumerAzs.length === 0) report(['consumers', i, 'subnets'], 'must name at least one subnet, keyed by AZ ID');
      azIdsMatchRegion(['consumers', i, 'subnets'], consumerAzs, region, `consumers[${i}].region`, report);
      return;
    }
    const missing = providerAzs.filter((az) => !consumerAzs.includes(az));
    if (missing.length > 0) {
      report(
        ['consumers', i, 'subnets'],
        `${consumerName(c, i)} has no subnet in ${list(missing)}; the NLB serves ${list(providerAzs)} and the endpoint needs a subnet in each`,
      );
    }
    for (const az of consumerAzs.filter((a) => !providerAzs.includes(a))) {
      report(['consumers', i, 'subnets', az], `the NLB has no subnet in ${az}, so the endpoint service is not offered there; NLB AZ IDs: ${list(providerAzs)}`);
    }
  });
};

// With enforcement on, the NLB's security group filters PrivateLink traffic by the clients' IPs;
// a consumer VPC's security groups cannot be referenced from the provider's VPC.
const privateLinkFiltering: Check = ({ consumers, provider }, report) => {
  if (!consumers || !provider?.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic) return;
  consumers.forEach((c, i) => {
    if (c?.allowedCidrs?.length === 0 && (c.allowedSecurityGroupIds?.length ?? 0) > 0) {
      report(
        ['consumers', i, 'allowedSecurityGroupIds'],
        `${consumerName(c, i)} admits clients by security group only, but provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic ` +
          'is true: the NLB then filters on client IPs and cannot reference security groups of another VPC; ' +
          "list the clients' networks in allowedCidrs too, or set the enforcement to false",
      );
    }
  });
};

const portLayout: Check = ({ ports, kafka }, report) => {
  const { bootstrap, firstBroker, lastBroker } = ports ?? {};
  if (bootstrap === undefined || firstBroker === undefined || lastBroker === undefined) return;
  if (lastBroker < firstBroker) {
    report(['ports', 'lastBroker'], `${lastBroker} is below ports.firstBroker ${firstBroker}`);
    return;
  }
  if (bootstrap >= firstBroker && bootstrap <= lastBroker) {
    report(['ports', 'bootstrap'], `${bootstrap} lies inside the broker port range ${firstBroker}-${lastBroker}`);
  }
  if (!kafka) return;
  const listeners = [
    ['internalListener', kafka.internalListener],
    ['clientListener', kafka.clientListener],
    ['controllerListener', kafka.controllerListener],
  ] as const;
  const seenPorts = new Map<number, string>();
  const seenNames = new Map<string, string>();
  for (const [field, l] of listeners) {
    if (!l) continue;
    if (l.port === bootstrap || (l.port >= firstBroker && l.port <= lastBroker)) {
      report(
        ['kafka', field, 'port'],
        `${l.port} overlaps the NLB ports (bootstrap ${bootstrap}, brokers ${firstBroker}-${lastBroker}); keep broker listener ports outside them`,
      );
    }
    const portOwner = seenPorts.get(l.port);
    if (portOwner) report(['kafka', field, 'port'], `${l.port} is already the port of kafka.${portOwner}`);
    seenPorts.set(l.port, field);
    const nameOwner = seenNames.get(l.name);
    if (nameOwner) report(['kafka', field, 'name'], `${l.name} is already the name of kafka.${nameOwner}`);
    seenNames.set(l.name, field);
  }
};

const lbNameRules: Check = ({ cluster, brokers, ports }, report) => {
  if (cluster === undefined) return;
  const shards = ports?.maxShards ?? 1;
  const candidates = [
    nlbName(cluster, shards - 1),
    bootstrapTargetGroupName(cluster, shards - 1),
    ...(brokers ?? []).flatMap((b) => (b?.id !== undefined ? [brokerTargetGroupName(cluster, b.id)] : [])),
  ];
  const longest = candidates.reduce((a, b) => (b.length > a.length ? b : a));
  if (longest.length > MAX_LB_NAME_LENGTH) {
    const allowed = cluster.length - (longest.length - MAX_LB_NAME_LENGTH);
    report(
      ['cluster'],
      `"${cluster}" would make the load balancer/target group name "${longest}" ${longest.length} characters long; ` +
        `AWS allows ${MAX_LB_NAME_LENGTH}, so the cluster name may have at most ${allowed} characters`,
    );
  }
  // Both prefixes are reserved by AWS (CreateLoadBalancer, CreateSecurityGroup); every NLB and
  // security group name starts with the cluster name.
  for (const [prefix, what, example] of [
    [LB_RESERVED_PREFIX, 'load balancer', nlbName(cluster, 0)],
    [SG_RESERVED_PREFIX, 'security group', nlbName(cluster, 0)],
  ] as const) {
    if (example.startsWith(prefix)) {
      report(['cluster'], `"${cluster}" would make the ${what} name "${example}", and AWS refuses ${what} names that begin with "${prefix}"`);
    }
  }
};

const dnsNames: Check = ({ dns, provider, ports }, report) => {
  if (!dns?.zone || !dns.sharedName || !dns.zonalName) return;
  const naming = { zone: dns.zone, sharedName: dns.sharedName, zonalName: dns.zonalName };
  const azIds = provider?.nlbSubnets ? Object.keys(provider.nlbSubnets) : [];
  const shards = ports?.maxShards ?? 1;
  const lastShard = shards - 1;
  if (!DNS_LABEL.test(zonalLabel(naming, azIds[0] ?? 'use1-az1', lastShard))) {
    report(['dns', 'zonalName'], `"${dns.zonalName}" does not give a valid DNS label (lower-case letters, digits, hyphens; 63 at most)`);
    return;
  }
  if (!DNS_LABEL.test(`${dns.sharedName}-s${lastShard}`)) {
    report(['dns', 'sharedName'], `"${dns.sharedName}" does not give a valid DNS label for shard ${lastShard} (63 characters at most)`);
    return;
  }
  // Every name of every shard the cluster may grow to: a name given twice would send one
  // shard's or AZ's clients to another's endpoint.
  const owner = new Map<string, string>();
  const field = new Map<string, 'sharedName' | 'zonalName'>();
  const reported = new Set<string>();
  for (let shard = 0; shard < shards; shard++) {
    const names: [string, string, 'sharedName' | 'zonalName'][] = [
      [sharedDnsName(naming, shard), `the bootstrap name of shard ${shard}`, 'sharedName'],
      ...azIds.map((azId): [string, string, 'zonalName'] => [zonalDnsName(naming, azId, shard), `the zonal name of ${azId} on shard ${shard}`, 'zonalName']),
    ];
    for (const [name, what, from] of names) {
      const earlier = owner.get(name);
      if (earlier === undefined) {
        owner.set(name, what);
        field.set(name, from);
        continue;
      }
      if (reported.has(name)) continue;
      reported.add(name);
      const blame = field.get(name) === 'sharedName' || from === 'sharedName' ? 'sharedName' : 'zonalName';
      const hint = blame === 'zonalName' ? '; use {azId} to tell AZs apart' : '; shards append -s<N> to the first label, so avoid names that end like that';
      report(['dns', blame], `gives ${name} as both ${earlier} and ${what}${hint}`);
    }
  }
  const shared = sharedDnsName(naming, lastShard);
  if (shared.length > 253) report(['dns', 'zone'], `names like ${shared} exceed 253 characters`);
};

/**
 * The client listener is advertised under the zonal names, which resolve only in VPCs the
 * cluster's private zone is associated with: consumer VPCs. Brokers replicating over it must
 * resolve and reach those names too, so the provider VPC has to be a consumer itself, admitting
 * the brokers as clients.
 */
const interBrokerListener: Check = ({ kafka, provider, consumers, brokers }, report) => {
  if (kafka?.interBrokerListener !== 'client' || !provider?.vpcId || !consumers) return;
  const inVpc = consumers.find((c) => c?.vpcId === provider.vpcId);
  if (inVpc === undefined) {
    report(
      ['kafka', 'interBrokerListener'],
      'client makes the brokers replicate through the zonal names, which resolve only in the consumer VPCs; ' +
        `use internal, or add a consumer for the provider VPC ${provider.vpcId} whose allowedCidrs cover the brokers`,
    );
    return;
  }
  const cidrs = inVpc.allowedCidrs ?? [];
  const outside = (brokers ?? []).flatMap((b, i) =>
    b?.privateIp !== undefined && !cidrs.some((cidr) => cidrContains(cidr, b.privateIp!)) ? [`${brokerName(b, i)} (${b.privateIp})`] : [],
  );
  if (outside.length > 0) {
    report(
      ['kafka', 'interBrokerListener'],
      `client makes the brokers replicate through the endpoint of ${consumerName(inVpc, consumers.indexOf(inVpc))}, whose allowedCidrs do not cover ` +
        list(outside),
    );
  }
};

const userTags: Check = ({ tags }, report) => {
  if (!tags) return;
  for (const key of Object.keys(tags)) {
    const reserved = reservedTagKey(key);
    if (reserved !== undefined) report(['tags', key], `the tag key ${key} is not for specs: ${reserved}; choose another key`);
  }
  const count = Object.keys(tags).length;
  if (count > MAX_SPEC_TAGS) {
    report(['tags'], `holds ${count} tags; AWS allows 50 per resource and the product sets two of them, so at most ${MAX_SPEC_TAGS}`);
  }
};

/**
 * A Region the product does not know is most likely a typo, and a typo makes a consumer
 * cross-region without a word: its AZ checks are skipped and the endpoint service is offered in a
 * Region that does not exist.
 */
const knownRegions: Check = ({ provider, consumers, backend, additionalRegions }, report) => {
  const known = [...AWS_REGIONS, ...(additionalRegions ?? [])];
  const check = (path: SpecPath, region: string | undefined) => {
    if (region === undefined || known.includes(region)) return;
    const nearest = closest(region, AWS_REGIONS);
    const hint = nearest !== undefined && nearest.distance <= 3 ? `did you mean ${nearest.candidate}? ` : '';
    report(
      path,
      `"${region}" is not an AWS Region: ${hint}known are ${AWS_REGIONS.length} Regions of the AWS SDKs' partitions file; ` +
        'a Region newer than that list goes in additionalRegions',
    );
  };
  check(['provider', 'region'], provider?.region);
  consumers?.forEach((c, i) => check(['consumers', i, 'region'], c?.region));
  if (backend?.type === 's3') check(['backend', 'region'], backend.region);
};

/**
 * A cross-region endpoint's traffic enters the NLB in any of its AZs, and each broker's listener
 * has its one target in one AZ: without cross-zone load balancing, connections that enter in
 * another AZ than the broker's find no target.
 */
const crossRegionNeedsCrossZone: Check = ({ provider, consumers }, report) => {
  if (provider?.crossZoneLoadBalancing !== false || !provider.region || !consumers) return;
  const crossRegion = consumers.flatMap((c, i) =>
    c?.region !== undefined && c.region !== provider.region ? [`${consumerName(c, i)} (consumers[${i}].region ${c.region})`] : [],
  );
  if (crossRegion.length === 0) return;
  report(
    ['provider', 'crossZoneLoadBalancing'],
    `false, but ${list(crossRegion)} reaches the NLB from another Region than provider.region ${provider.region}: a cross-region ` +
      "endpoint cannot keep a connection in the broker's AZ, and each broker's listener has its one target in one AZ; set crossZoneLoadBalancing: true",
  );
};

/**
 * A /7's worth of addresses: all private address space (RFC 1918 and RFC 6598 together, about
 * 2^24.4 addresses) fits with room to spare, and no client population behind one endpoint needs
 * more. Blocks that cover more together are 0.0.0.0/0 in all but name.
 */
const MAX_CLIENT_ADDRESSES = 2 ** 25;

function cidrCoverage(entries: readonly { readonly path: SpecPath; readonly cidr: string }[], report: (path: SpecPath, message: string) => void, at: SpecPath): void {
  const size = cidrUnionSize(entries.map((e) => e.cidr));
  if (size <= MAX_CLIENT_ADDRESSES) return;
  const named = entries.map((e) => `${e.cidr} (${formatSpecPath(e.path)})`).join(', ');
  const extent = size === 2 ** 32 ? 'every IPv4 address, as 0.0.0.0/0 would' : `${size} addresses, more than the ${MAX_CLIENT_ADDRESSES} (a /7) that all private address space fits in`;
  report(at, `${named} ${entries.length === 1 ? 'covers' : 'together cover'} ${extent}; allow the clients' own networks only`);
}

const clientNetworks: Check = ({ consumers, provider }, report) => {
  if (!consumers) return;
  const all: { path: SpecPath; cidr: string }[] = [];
  consumers.forEach((c, i) => {
    const entries = (c?.allowedCidrs ?? []).map((cidr, j) => ({ path: ['consumers', i, 'allowedCidrs', j], cidr }));
    all.push(...entries);
    cidrCoverage(entries, report, ['consumers', i, 'allowedCidrs']);
  });
  // With enforcement on, the NLB's security group admits every consumer's networks at once.
  if (provider?.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic && consumers.every((c) => cidrUnionSize(c?.allowedCidrs ?? []) <= MAX_CLIENT_ADDRESSES)) {
    cidrCoverage(all, report, ['provider', 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic']);
  }
};

/**
 * Who may connect is restricted by the principals allowed to create endpoints, by acceptance of
 * each connection, or by Kafka authenticating each client (SASL). Client CIDRs restrict nobody
 * here: any account may give its VPC the same private networks. Without any of the three, the
 * client listener is open to every AWS account, which needs a written reason in the spec.
 */
const isOpen = (provider: SpecSections['provider'], clientListener: Spec['kafka']['clientListener'] | undefined): boolean =>
  provider?.allowedPrincipals?.includes('*') === true &&
  provider.acceptanceRequired === false &&
  clientListener !== undefined &&
  !['SASL_SSL', 'SASL_PLAINTEXT'].includes(clientListener.securityProtocol);

const openExposure: Check = ({ provider, kafka }, report) => {
  const listener = kafka?.clientListener;
  if (!provider?.allowedPrincipals || !isOpen(provider, listener) || provider.publicExposure !== undefined) return;
  report(
    ['provider', 'allowedPrincipals', provider.allowedPrincipals.indexOf('*')],
    `"*" with provider.acceptanceRequired false lets any AWS account connect to the ${listener?.name} listener ` +
      `(${listener?.securityProtocol}, no authentication) without anyone's approval; list the consumer accounts instead of "*", ` +
      'set acceptanceRequired: true, or use SASL_SSL on kafka.clientListener; if it is meant to be public, say why in provider.publicExposure.reason',
  );
};

const CHECKS: readonly Check[] = [
  uniqueBrokerKeys,
  brokersHaveNlbSubnets,
  brokerTargets,
  providerAzIds,
  consumersAllowClients,
  consumersCoverAzs,
  uniqueConsumerKeys,
  privateLinkFiltering,
  portLayout,
  lbNameRules,
  dnsNames,
  interBrokerListener,
  userTags,
  knownRegions,
  crossRegionNeedsCrossZone,
  clientNetworks,
  openExposure,
];

/** Checks that span fields. Runs every check whose inputs are valid, so all problems show at once. */
export function crossFieldIssues(sections: SpecSections): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const check of CHECKS) check(sections, (path, message) => issues.push({ path, message }));
  return issues;
}

/** What is valid but likely not what the author meant. */
export function specWarnings(spec: Spec): SpecIssue[] {
  return [...roleWarnings(spec), ...staleOverrides(spec)];
}

/**
 * An override that nothing needs: a Region the list knows, or a consent to a public exposure that
 * is restricted anyway, which would silently cover a later change that opens it.
 */
function staleOverrides(spec: Spec): SpecIssue[] {
  const known = spec.additionalRegions.flatMap((region, i) =>
    AWS_REGIONS.includes(region)
      ? [{ path: ['additionalRegions', i], message: `${region} is a Region the product knows; remove it from additionalRegions` }]
      : [],
  );
  const consent =
    spec.provider.publicExposure !== undefined && !isOpen(spec.provider, spec.kafka.clientListener)
      ? [{ path: ['provider', 'publicExposure'], message: 'the exposure is restricted (principals, acceptance or SASL), so nothing needs this consent; remove it, lest it cover a later change' }]
      : [];
  return [...known, ...consent];
}

/**
 * A consumer in another account without a role is deployed with whatever credentials run its
 * stack; its AWS provider allows only the consumer's account (allowed_account_ids), so under the
 * provider account's credentials Terraform stops at plan ("AWS account ID not allowed") before
 * changing anything.
 */
function roleWarnings(spec: Spec): SpecIssue[] {
  return spec.consumers.flatMap((c, i) =>
    c.account === spec.provider.account || c.assumeRoleArn !== undefined
      ? []
      : [
          {
            path: ['consumers', i, 'assumeRoleArn'],
            message:
              `consumer ${c.name} is in account ${c.account}, not the provider's ${spec.provider.account}, and has no assumeRoleArn: ` +
              `stack consumer-${c.name} runs with whatever credentials deploy it, and Terraform refuses credentials of any other ` +
              `account at plan ("AWS account ID not allowed"); deploy it with credentials of ${c.account}, or set assumeRoleArn`,
          },
        ],
  );
}
