import { PortLock, PortPolicy, RetiredPort } from '@kafka-privatelink/port-allocation';
import { PlanLimitError } from './errors';
import {
  bootstrapTargetGroupName,
  brokerTargetGroupName,
  inventoryHostnameOf,
  Listener,
  MAX_INBOUND_RULES_PER_SECURITY_GROUP,
  NLB_IDLE_TIMEOUT_SECONDS,
  nlbName,
  NlbSettings,
  pickNlbSettings,
  sharedDnsName,
  Spec,
  zonalDnsName,
} from '@kafka-privatelink/cluster-spec';

/** One AZ ID with the subnet used there. Lists of these are sorted by AZ ID. */
export interface AzSubnet {
  readonly azId: string;
  readonly subnetId: string;
}

export interface BrokerPlan {
  /** Kafka broker id: the stable key of everything made for this broker. */
  readonly id: number;
  readonly azId: string;
  readonly privateIp: string;
  /** What the target groups register: the instance id or the private IP, as `targetType` says. */
  readonly targetId: string;
  /** The broker's own NLB listener port, from the lockfile. */
  readonly port: number;
  readonly shard: number;
  readonly targetGroupName: string;
  /** The name this broker advertises on its client listener, e.g. `kafka-az1.grab`. */
  readonly zonalName: string;
  /** Host name in the Ansible inventory, e.g. `broker-101`. */
  readonly inventoryHostname: string;
}

export interface ShardPlan {
  readonly index: number;
  readonly nlbName: string;
  readonly bootstrapTargetGroupName: string;
  /** Brokers served by this shard's NLB, by id. */
  readonly brokerIds: readonly number[];
  /** Bootstrap name for this shard's endpoint, e.g. `kafka.grab` (shard 0) or `kafka-s1.grab`. */
  readonly sharedName: string;
  /** Zonal name per provider AZ ID, sorted by AZ ID. */
  readonly zonalNames: readonly { readonly azId: string; readonly name: string }[];
  /**
   * The shard's NLB listener ports (bootstrap and brokers) merged into contiguous ranges, spanning
   * the shard's retired ports, ascending: what security groups in front of and behind the shard's
   * endpoint must open.
   */
  readonly portRanges: readonly PortRange[];
}

/** Ports `from` to `to`, both included. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Merges ports into the fewest contiguous ranges, ascending. Security group rules count against
 * a quota (60 per group by default), so consecutive ports share one rule.
 */
export function portRanges(ports: readonly number[]): PortRange[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const ranges: { from: number; to: number }[] = [];
  for (const port of sorted) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && port === last.to + 1) last.to = port;
    else ranges.push({ from: port, to: port });
  }
  return ranges;
}

/**
 * The ranges of the listener ports, bridged over the shard's retired ports: those have no
 * listener, so opening them admits nothing, and rules then neither split when a broker leaves nor
 * multiply towards the quota. A range of retired ports alone is left out.
 */
export function listenerPortRanges(listenerPorts: readonly number[], retiredPorts: readonly number[]): PortRange[] {
  return portRanges([...listenerPorts, ...retiredPorts]).filter((r) => listenerPorts.some((p) => p >= r.from && p <= r.to));
}

export interface ConsumerPlan {
  readonly name: string;
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** The consumer's endpoint is in another region than the NLB (cross-region PrivateLink). */
  readonly crossRegion: boolean;
  readonly assumeRoleArn?: string;
  readonly vpcId: string;
  readonly subnets: readonly AzSubnet[];
  /**
   * The subnets the interface endpoint goes in. In the provider's region exactly the NLB's AZ IDs
   * (the service is offered only there); across regions, all of the consumer's.
   */
  readonly endpointSubnets: readonly AzSubnet[];
  readonly allowedCidrs: readonly string[];
  readonly allowedSecurityGroupIds: readonly string[];
  readonly hostedZoneId?: string;
  /**
   * Inbound rules per endpoint security group (port ranges × client sources) over the default
   * quota, one line per shard. Warnings, not errors: the quota is adjustable, and the consumer's
   * account may have raised it.
   */
  readonly quotaWarnings: readonly string[];
}

export type BackendPlan =
  | { readonly type: 'local'; readonly directory: string }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly region: string;
      readonly keyPrefix: string;
      readonly dynamodbTable?: string;
      readonly roleArn?: string;
    };

export interface KafkaPlan {
  readonly internal: Listener;
  /** The PrivateLink client listener, advertised as `<zonal name>:<NLB port>`. */
  readonly client: Listener;
  readonly controller?: Listener;
  readonly interBrokerListenerName: string;
}

/** The provider side; the settings that reach the NLB as written come in one piece, {@link NlbSettings}. */
export interface ProviderPlan extends NlbSettings {
  readonly account: string;
  readonly region: string;
  readonly assumeRoleArn?: string;
  readonly vpcId: string;
  readonly subnets: readonly AzSubnet[];
  readonly brokerSecurityGroupId: string;
  readonly enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: boolean;
  /** Consumer account roots plus the spec's extra principals, sorted, without duplicates. */
  readonly allowedPrincipals: readonly string[];
  /**
   * The Regions the endpoint services are offered in, sorted: the provider's own and every
   * cross-region consumer's. Empty when all consumers are local: a list replaces the default
   * (the own Region only), so it is written only when needed.
   */
  readonly supportedRegions: readonly string[];
  /**
   * Client networks the NLB security groups admit, sorted. Only when they filter PrivateLink
   * traffic, which then carries the clients' own IPs (the spec refuses consumers known only by
   * security groups then); empty otherwise, so nothing else in the VPC reaches the listeners.
   */
  readonly clientCidrs: readonly string[];
}

/** Everything about the exposure that can be known without AWS. Stacks and emitters only render it. */
export interface ExposurePlan {
  readonly cluster: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly provider: ProviderPlan;
  /** The provider's NLB AZ IDs, sorted. */
  readonly azIds: readonly string[];
  readonly kafka: KafkaPlan;
  readonly bootstrapPort: number;
  /** Kafka `bootstrap.servers` for the consumers' clients: every shard's shared name, e.g. `kafka.grab:10000`. */
  readonly bootstrapServers: string;
  readonly brokerPortRange: { readonly first: number; readonly last: number };
  readonly dns: { readonly zone: string; readonly sharedName: string; readonly zonalName: string };
  /** Sorted by index; only shards that hold brokers. */
  readonly shards: readonly ShardPlan[];
  /** Sorted by broker id. */
  readonly brokers: readonly BrokerPlan[];
  /** Sorted by name. */
  readonly consumers: readonly ConsumerPlan[];
  readonly retiredPorts: readonly RetiredPort[];
  readonly backend: BackendPlan;
  /** A Kafka client `connections.max.idle.ms` that stays below the NLB idle timeout. */
  readonly recommendedConnectionsMaxIdleMs: number;
}

export const PROVIDER_STACK = 'provider';
export const ACCEPTANCE_STACK = 'acceptance';
export const consumerStackName = (consumer: string): string => `consumer-${consumer}`;

export function portPolicyOf(spec: Spec): PortPolicy {
  return {
    bootstrapPort: spec.ports.bootstrap,
    firstBrokerPort: spec.ports.firstBroker,
    lastBrokerPort: spec.ports.lastBroker,
    brokersPerShard: spec.ports.brokersPerShard,
    maxShards: spec.ports.maxShards,
  };
}

/**
 * Order by code point, the same on every machine: `localeCompare` follows the process's locale
 * (in Estonian, "z" sorts before "t"), which would reorder stacks and reports between a laptop and CI.
 */
export const byCodePoint = (a: string, b: string): number => {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
};

const byAz = (subnets: Readonly<Record<string, string>>): AzSubnet[] =>
  Object.entries(subnets)
    .map(([azId, subnetId]) => ({ azId, subnetId }))
    .sort((a, b) => byCodePoint(a.azId, b.azId));

const sortedUnique = (items: readonly string[]): string[] => [...new Set(items)].sort(byCodePoint);

/**
 * Builds the plan from a validated spec and the lock allocated for it. Pure: no AWS, no files.
 * Throws if the lock does not hold a port for every broker (the caller allocates first).
 */
export function buildPlan(spec: Spec, lock: PortLock): ExposurePlan {
  const azIds = Object.keys(spec.provider.nlbSubnets).sort(byCodePoint);
  const brokers: BrokerPlan[] = [...spec.brokers]
    .sort((a, b) => a.id - b.id)
    .map((b) => {
      const allocation = lock.brokers.get(b.id);
      if (allocation === undefined) throw new Error(`internal: the port lock has no entry for broker ${b.id}`);
      return {
        id: b.id,
        azId: b.azId,
        privateIp: b.privateIp,
        targetId: spec.provider.targetType === 'instance' ? b.instanceId! : b.privateIp,
        port: allocation.port,
        shard: allocation.shard,
        targetGroupName: brokerTargetGroupName(spec.cluster, b.id),
        zonalName: zonalDnsName(spec.dns, b.azId, allocation.shard),
        inventoryHostname: inventoryHostnameOf(b),
      };
    });

  const shardIndexes = [...new Set(brokers.map((b) => b.shard))].sort((a, b) => a - b);
  const shards: ShardPlan[] = shardIndexes.map((index) => {
    const members = brokers.filter((b) => b.shard === index);
    return {
      index,
      nlbName: nlbName(spec.cluster, index),
      bootstrapTargetGroupName: bootstrapTargetGroupName(spec.cluster, index),
      brokerIds: members.map((b) => b.id),
      sharedName: sharedDnsName(spec.dns, index),
      zonalNames: azIds.map((azId) => ({ azId, name: zonalDnsName(spec.dns, azId, index) })),
      portRanges: listenerPortRanges(
        [spec.ports.bootstrap, ...members.map((b) => b.port)],
        lock.retired.filter((r) => r.shard === index).map((r) => r.port),
      ),
    };
  });

  const consumers: ConsumerPlan[] = [...spec.consumers]
    .sort((a, b) => byCodePoint(a.name, b.name))
    .map((c) => {
      const region = c.region ?? spec.provider.region;
      return {
        name: c.name,
        stackName: consumerStackName(c.name),
        account: c.account,
        region,
        crossRegion: region !== spec.provider.region,
        ...(c.assumeRoleArn ? { assumeRoleArn: c.assumeRoleArn } : {}),
        vpcId: c.vpcId,
        subnets: byAz(c.subnets),
        endpointSubnets: region !== spec.provider.region ? byAz(c.subnets) : byAz(c.subnets).filter((s) => azIds.includes(s.azId)),
        allowedCidrs: sortedUnique(c.allowedCidrs),
        allowedSecurityGroupIds: sortedUnique(c.allowedSecurityGroupIds),
        ...(c.hostedZoneId ? { hostedZoneId: c.hostedZoneId } : {}),
        quotaWarnings: consumerQuotaWarnings(c.name, shards, new Set(c.allowedCidrs).size + new Set(c.allowedSecurityGroupIds).size),
      };
    });

  const p = spec.provider;
  const principals = sortedUnique([
    ...consumers.map((c) => `arn:aws:iam::${c.account}:root`),
    ...p.allowedPrincipals,
  ]);
  const internal = spec.kafka.internalListener;
  const client = spec.kafka.clientListener;
  const idleTimeout = p.idleTimeoutSeconds ?? NLB_IDLE_TIMEOUT_SECONDS.default;
  const crossRegions = consumers.filter((c) => c.crossRegion).map((c) => c.region);
  const clientCidrs = p.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic ? sortedUnique(consumers.flatMap((c) => c.allowedCidrs)) : [];
  for (const shard of shards) checkNlbRuleQuota(shard, clientCidrs);

  return {
    cluster: spec.cluster,
    tags: spec.tags,
    provider: {
      account: p.account,
      region: p.region,
      ...(p.assumeRoleArn ? { assumeRoleArn: p.assumeRoleArn } : {}),
      vpcId: p.vpcId,
      subnets: byAz(p.nlbSubnets),
      brokerSecurityGroupId: p.brokerSecurityGroupId,
      ...pickNlbSettings(p),
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: p.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic,
      allowedPrincipals: principals.includes('*') ? ['*'] : principals,
      supportedRegions: crossRegions.length > 0 ? sortedUnique([p.region, ...crossRegions]) : [],
      clientCidrs,
    },
    azIds,
    kafka: {
      internal,
      client,
      ...(spec.kafka.controllerListener ? { controller: spec.kafka.controllerListener } : {}),
      interBrokerListenerName: spec.kafka.interBrokerListener === 'internal' ? internal.name : client.name,
    },
    bootstrapPort: spec.ports.bootstrap,
    bootstrapServers: shards.map((s) => `${s.sharedName}:${spec.ports.bootstrap}`).join(','),
    brokerPortRange: { first: spec.ports.firstBroker, last: spec.ports.lastBroker },
    dns: { zone: spec.dns.zone, sharedName: spec.dns.sharedName, zonalName: spec.dns.zonalName },
    shards,
    brokers,
    consumers,
    retiredPorts: lock.retired,
    backend: spec.backend,
    // Leave the client a margin below the NLB's timeout so the client, not the NLB, closes idle
    // connections: an NLB drops an idle flow silently and the client only notices on next use.
    recommendedConnectionsMaxIdleMs: Math.max(30, idleTimeout - 30) * 1000,
  };
}

/**
 * The NLB security group holds one inbound rule per port range and client CIDR. It cannot be
 * swapped once the NLB exists, so its rules must fit the default quota from the start.
 */
function checkNlbRuleQuota(shard: ShardPlan, clientCidrs: readonly string[]): void {
  const count = shard.portRanges.length * clientCidrs.length;
  if (count <= MAX_INBOUND_RULES_PER_SECURITY_GROUP) return;
  throw new PlanLimitError(
    `security group of ${shard.nlbName} would need ${count} inbound rules (${shard.portRanges.length} port ranges × ` +
      `${clientCidrs.length} client CIDRs), more than the ${MAX_INBOUND_RULES_PER_SECURITY_GROUP} a security group ` +
      "holds by default: merge the consumers' allowedCidrs into fewer blocks",
  );
}

function consumerQuotaWarnings(consumer: string, shards: readonly ShardPlan[], sources: number): string[] {
  return shards
    .filter((shard) => shard.portRanges.length * sources > MAX_INBOUND_RULES_PER_SECURITY_GROUP)
    .map(
      (shard) =>
        `consumer ${consumer}, shard ${shard.index}: ${shard.portRanges.length * sources} inbound rules (${shard.portRanges.length} port ranges × ${sources} client sources) ` +
        `exceed the default quota of ${MAX_INBOUND_RULES_PER_SECURITY_GROUP} per security group; ` +
        'raise "Inbound or outbound rules per security group" in Service Quotas or allow fewer client networks',
    );
}
