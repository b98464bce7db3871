import {
  azIdRegionCode,
  bootstrapTargetGroupName,
  brokerTargetGroupName,
  inventoryHostnameOf,
  MAX_LB_NAME_LENGTH,
  nlbName,
  regionCode,
  sharedDnsName,
  zonalDnsName,
  zonalLabel,
} from './names';
import { Spec } from './schema';

export type SpecPath = readonly (string | number)[];

export interface SpecIssue {
  readonly path: SpecPath;
  readonly message: string;
}

/** The top-level sections of a spec that passed the schema; checks needing a missing one are skipped. */
export type SpecSections = Partial<Spec>;

type Check = (s: SpecSections, report: (path: SpecPath, message: string) => void) => void;

const list = (items: readonly string[]): string => items.join(', ');

const uniqueBrokerIds: Check = ({ brokers }, report) => {
  if (!brokers) return;
  const first = new Map<number, number>();
  brokers.forEach((b, i) => {
    const earlier = first.get(b.id);
    if (earlier === undefined) first.set(b.id, i);
    else report(['brokers', i, 'id'], `broker id ${b.id} is already used by brokers[${earlier}]; broker ids must be unique`);
  });
  const ips = new Map<string, number>();
  brokers.forEach((b, i) => {
    const earlier = ips.get(b.privateIp);
    if (earlier === undefined) ips.set(b.privateIp, i);
    else report(['brokers', i, 'privateIp'], `${b.privateIp} is already the private IP of brokers[${earlier}]`);
  });
  const hosts = new Map<string, number>();
  brokers.forEach((b, i) => {
    const host = inventoryHostnameOf(b);
    const earlier = hosts.get(host.toLowerCase());
    if (earlier === undefined) hosts.set(host.toLowerCase(), i);
    // Two default names collide only when the ids do, which is reported above.
    else if (b.inventoryHostname !== undefined || brokers[earlier]!.inventoryHostname !== undefined)
      report(['brokers', i, 'inventoryHostname'], `inventory host ${host} is already the host of brokers[${earlier}]; inventory host names must be unique`);
  });
};

const brokersHaveNlbSubnets: Check = ({ brokers, provider }, report) => {
  if (!brokers || !provider) return;
  const azIds = Object.keys(provider.nlbSubnets);
  brokers.forEach((b, i) => {
    if (!azIds.includes(b.azId)) {
      report(
        ['brokers', i, 'azId'],
        `broker ${b.id} is in ${b.azId}, where the NLB has no subnet; provider.nlbSubnets covers ${list(azIds)}`,
      );
    }
  });
};

const brokerTargets: Check = ({ brokers, provider }, report) => {
  if (!brokers || !provider || provider.targetType !== 'instance') return;
  brokers.forEach((b, i) => {
    if (b.instanceId === undefined) {
      report(['brokers', i, 'instanceId'], `broker ${b.id} needs an instanceId because provider.targetType is instance (or set targetType: ip)`);
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
  if (!provider) return;
  const azIds = Object.keys(provider.nlbSubnets);
  if (azIds.length === 0) report(['provider', 'nlbSubnets'], 'must name at least one subnet, keyed by AZ ID');
  azIdsMatchRegion(['provider', 'nlbSubnets'], azIds, provider.region, 'provider.region', report);
};

const consumersCoverAzs: Check = ({ consumers, provider }, report) => {
  if (!consumers || !provider) return;
  const providerAzs = Object.keys(provider.nlbSubnets);
  const names = new Map<string, number>();
  consumers.forEach((c, i) => {
    const earlier = names.get(c.name);
    if (earlier !== undefined) report(['consumers', i, 'name'], `consumer name ${c.name} is already used by consumers[${earlier}]`);
    else names.set(c.name, i);
    if (c.allowedCidrs.length === 0 && c.allowedSecurityGroupIds.length === 0) {
      report(['consumers', i], `consumer ${c.name} allows no client: set allowedCidrs and/or allowedSecurityGroupIds`);
    }
    const region = c.region ?? provider.region;
    const consumerAzs = Object.keys(c.subnets);
    if (region !== provider.region) {
      // A cross-region endpoint lives in its own region's AZs; only their region is checked.
      if (consumerAzs.length === 0) report(['consumers', i, 'subnets'], 'must name at least one subnet, keyed by AZ ID');
      azIdsMatchRegion(['consumers', i, 'subnets'], consumerAzs, region, `consumers[${i}].region`, report);
      return;
    }
    const missing = providerAzs.filter((az) => !consumerAzs.includes(az));
    if (missing.length > 0) {
      report(
        ['consumers', i, 'subnets'],
        `consumer ${c.name} has no subnet in ${list(missing)}; the NLB serves ${list(providerAzs)} and the endpoint needs a subnet in each`,
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
    if (c.allowedCidrs.length === 0 && c.allowedSecurityGroupIds.length > 0) {
      report(
        ['consumers', i, 'allowedSecurityGroupIds'],
        `consumer ${c.name} admits clients by security group only, but provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic ` +
          'is true: the NLB then filters on client IPs and cannot reference security groups of another VPC; ' +
          "list the clients' networks in allowedCidrs too, or set the enforcement to false",
      );
    }
  });
};

const portLayout: Check = ({ ports, kafka }, report) => {
  if (!ports) return;
  if (ports.lastBroker < ports.firstBroker) {
    report(['ports', 'lastBroker'], `${ports.lastBroker} is below ports.firstBroker ${ports.firstBroker}`);
    return;
  }
  if (ports.bootstrap >= ports.firstBroker && ports.bootstrap <= ports.lastBroker) {
    report(['ports', 'bootstrap'], `${ports.bootstrap} lies inside the broker port range ${ports.firstBroker}-${ports.lastBroker}`);
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
    if (l.port === ports.bootstrap || (l.port >= ports.firstBroker && l.port <= ports.lastBroker)) {
      report(
        ['kafka', field, 'port'],
        `${l.port} overlaps the NLB ports (bootstrap ${ports.bootstrap}, brokers ${ports.firstBroker}-${ports.lastBroker}); keep broker listener ports outside them`,
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

const lbNameLengths: Check = ({ cluster, brokers, ports }, report) => {
  if (cluster === undefined) return;
  const shards = ports?.maxShards ?? 1;
  const candidates = [
    nlbName(cluster, shards - 1),
    bootstrapTargetGroupName(cluster, shards - 1),
    ...(brokers ?? []).map((b) => brokerTargetGroupName(cluster, b.id)),
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
};

const dnsNames: Check = ({ dns, provider, ports }, report) => {
  if (!dns) return;
  const azIds = provider ? Object.keys(provider.nlbSubnets) : [];
  const shards = ports?.maxShards ?? 1;
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
  const lastShard = shards - 1;
  if (!label.test(zonalLabel(dns, azIds[0] ?? 'use1-az1', lastShard))) {
    report(['dns', 'zonalName'], `"${dns.zonalName}" does not give a valid DNS label (letters, digits, hyphens; 63 at most)`);
    return;
  }
  const byName = new Map<string, string>();
  for (const azId of azIds) {
    const name = zonalDnsName(dns, azId, 0);
    const other = byName.get(name);
    if (other) report(['dns', 'zonalName'], `"${dns.zonalName}" gives ${name} for both ${other} and ${azId}; use {azId} to tell them apart`);
    byName.set(name, azId);
  }
  const shared = sharedDnsName(dns, lastShard);
  if (byName.has(sharedDnsName(dns, 0))) report(['dns', 'sharedName'], `${sharedDnsName(dns, 0)} is also a zonal name`);
  if (shared.length > 253) report(['dns', 'zone'], `names like ${shared} exceed 253 characters`);
};

const CHECKS: readonly Check[] = [
  uniqueBrokerIds,
  brokersHaveNlbSubnets,
  brokerTargets,
  providerAzIds,
  consumersCoverAzs,
  privateLinkFiltering,
  portLayout,
  lbNameLengths,
  dnsNames,
];

/** Checks that span fields. Runs every check whose sections are valid, so all problems show at once. */
export function crossFieldIssues(sections: SpecSections): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const check of CHECKS) check(sections, (path, message) => issues.push({ path, message }));
  return issues;
}
