import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpointService } from '@cdktf/provider-aws/lib/vpc-endpoint-service';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import {
  KAFKA_DEFAULTS,
  MAX_LB_NAME_LENGTH,
  MAX_LISTENERS_PER_NLB,
  NlbSettings,
  NlbSettingsInput,
  pickNlbSettings,
  PORT_DEFAULTS,
  resolveNlbSettings,
} from '@kafka-privatelink/cluster-spec';
import { byCodePoint, ExposurePlan, portRanges, PortRange, ShardPlan } from '@kafka-privatelink/plan';
import { ownAddresses, PropsCheck, ref, setAddress, shardKey, terraformKey, UniqueName } from '@kafka-privatelink/plumbing';
import { KafkaRetiredPort, PortGuards } from './port-guards';

/** A broker behind the NLB: its own listener and target group, and a member of the bootstrap target group. */
export interface KafkaBrokerTarget {
  /** Kafka `node.id`: the stable key of the broker's Terraform addresses. */
  readonly id: number;
  /** The broker's own NLB listener port, e.g. from the port lockfile. */
  readonly port: number;
  /** What the target groups register: the instance id, or the private IP with `targetType: 'ip'`. */
  readonly targetId: string;
  /** Name of the broker's own target group (at most 32 characters), e.g. `coban-b101`. */
  readonly targetGroupName: string;
}

/** TCP health checks of the target groups, on the port the traffic goes to. */
export type KafkaHealthCheck = NonNullable<NlbSettingsInput['healthCheck']>;

/**
 * The NLB settings (`targetType`, `crossZoneLoadBalancing`, `acceptanceRequired`,
 * `idleTimeoutSeconds`, `healthCheck`, `deregistrationDelaySeconds`) are the spec's `provider`
 * fields of the same names, with the same defaults and the same checks: see {@link NlbSettingsInput}.
 */
export interface KafkaPrivateLinkProviderProps extends NlbSettingsInput {
  /** Name of the NLB and of its security group (at most 32 characters), e.g. `coban-nlb-s0`. */
  readonly name: string;
  /** The Kafka VPC. */
  readonly vpcId: string;
  /** One NLB subnet per AZ ID (`apse1-az1: subnet-…`): the AZs the endpoint service is offered in. */
  readonly subnets: Readonly<Record<string, string>>;
  /** The brokers' security group: gets ingress on the broker listener port from the NLB's security group. */
  readonly brokerSecurityGroupId: string;
  /** The brokers this NLB serves, at most 49 (50 listeners per NLB, one is the bootstrap listener). */
  readonly brokers: readonly KafkaBrokerTarget[];
  /**
   * Ports that removed brokers of this NLB held, e.g. the lockfile's `retired` entries. With the
   * brokers' own ports, they are what `terraform plan` refuses to hand to another broker.
   * @default []
   */
  readonly retiredPorts?: readonly KafkaRetiredPort[];
  /** Name of the bootstrap target group, which holds every broker (at most 32 characters). */
  readonly bootstrapTargetGroupName: string;
  /**
   * Whether the NLB's security group filters PrivateLink traffic. A security choice, so it has no
   * default: with it on, only `clientCidrs` reach the listeners.
   */
  readonly enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: boolean;
  /**
   * The shard index: the key of every Terraform address (`aws_lb.nlb_s0`), so that several NLBs of
   * one cluster can share a stack.
   * @default 0
   */
  readonly shard?: number;
  /**
   * What every Terraform address of this construct begins with (`orders` gives `aws_lb.orders_nlb_s0`),
   * so that the NLBs of several clusters can share a stack: a lowercase letter, then lowercase
   * letters, digits or underscores. The addresses come from it, the shard and the broker ids only,
   * never from the construct's id or its place in the tree, so renaming or moving the construct
   * moves nothing in Terraform. Changing it later renames every address: Terraform then plans to
   * destroy and recreate the NLB and its endpoint service, whose name every consumer holds.
   * @default - none (`aws_lb.nlb_s0`): the addresses of a construct alone in its stack, as earlier
   * versions wrote them, so upgrading moves nothing. A second construct in the stack needs a prefix
   * of its own; the first keeps none. A construct whose addresses meet another's is refused, naming both.
   */
  readonly addressPrefix?: string;
  /** @default - the spec's `ports.bootstrap` default ({@link PORT_DEFAULTS}) */
  readonly bootstrapPort?: number;
  /**
   * The brokers' PrivateLink client listener port, which every target group forwards to.
   * @default - the spec's `kafka.clientListener` port ({@link KAFKA_DEFAULTS})
   */
  readonly brokerListenerPort?: number;
  /**
   * Client networks admitted when the NLB enforces its inbound rules on PrivateLink traffic (the
   * rules then see the clients' own IPs); unused otherwise.
   * @default []
   */
  readonly clientCidrs?: readonly string[];
  /**
   * The listener port ranges the client rules open, each rule keyed by its first port.
   * @default - the bootstrap and broker ports merged into contiguous ranges
   */
  readonly clientPortRanges?: readonly PortRange[];
  /** Principals allowed to create endpoints (account roots, roles, or `*`). @default [] */
  readonly allowedPrincipals?: readonly string[];
  /** Regions the service is offered in, its own included. @default - its own Region only */
  readonly supportedRegions?: readonly string[];
}

/**
 * One NLB that exposes Kafka brokers through a VPC Endpoint Service: its security group, a
 * bootstrap listener over all of its brokers, one listener per broker reaching only that broker,
 * and the endpoint service in front of it. It creates no AWS provider and no backend: the stack
 * it is placed in has them. Every Terraform address is set from `addressPrefix`, the shard index
 * and broker ids, so adding a broker only adds resources (and widens a rule's port range in place),
 * and several of these constructs share a stack without meeting.
 */
export class KafkaPrivateLinkProvider extends Construct {
  /**
   * One construct per shard of the plan, with the ids `shard-<index>`, in `scope`, each with
   * `addressPrefix` (see the prop).
   */
  static fromPlan(scope: Construct, plan: ExposurePlan, addressPrefix?: string): KafkaPrivateLinkProvider[] {
    const brokersById = new Map(plan.brokers.map((b) => [b.id, b]));
    return plan.shards.map(
      (shard) =>
        new KafkaPrivateLinkProvider(scope, `shard-${shard.index}`, {
          ...providerPropsOf(plan, shard, brokersById),
          ...(addressPrefix !== undefined ? { addressPrefix } : {}),
        }),
    );
  }

  readonly shard: number;
  readonly bootstrapPort: number;
  readonly loadBalancer: Lb;
  readonly securityGroup: SecurityGroup;
  readonly endpointService: VpcEndpointService;
  readonly bootstrapTargetGroup: LbTargetGroup;
  /** Each broker's own target group, by broker id. */
  readonly brokerTargetGroups: ReadonlyMap<number, LbTargetGroup>;

  constructor(scope: Construct, id: string, props: KafkaPrivateLinkProviderProps) {
    super(scope, id);
    const nlb = validate(this, props);
    ownAddresses(this, 'KafkaPrivateLinkProvider', props.addressPrefix);
    this.shard = props.shard ?? 0;
    this.bootstrapPort = bootstrapPortOf(props);
    const clientPort = props.brokerListenerPort ?? KAFKA_DEFAULTS.clientListener.port;
    const enforce = props.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic;
    const s = shardKey(this.shard);
    const name = props.name;

    const sg = new SecurityGroup(this, 'security-group', {
      // Name and description force replacement, and an NLB cannot swap its only group: both stay fixed.
      name,
      description: `Kafka PrivateLink NLB ${name}`,
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    this.securityGroup = setAddress(sg, `nlb_${s}`);
    const sgId = ref(sg, 'id');

    // With enforcement off, inbound rules do not apply to PrivateLink traffic at all; writing none
    // then keeps everything else in the VPC off the listeners. With enforcement on, the rules see
    // the clients' private IPs (not the endpoint's), so the consumers' client CIDRs are the source;
    // the provider VPC's CIDR would admit nobody who comes through PrivateLink.
    const ingress: VpcSecurityGroupIngressRule[] = [];
    if (enforce) {
      const ranges = props.clientPortRanges ?? portRanges([this.bootstrapPort, ...props.brokers.map((b) => b.port)]);
      for (const cidr of props.clientCidrs ?? []) {
        for (const range of ranges) {
          const rule = new VpcSecurityGroupIngressRule(this, `ingress-${terraformKey(cidr)}-${range.from}`, {
            securityGroupId: sgId,
            description: 'Kafka clients through PrivateLink',
            ipProtocol: 'tcp',
            cidrIpv4: cidr,
            fromPort: range.from,
            toPort: range.to,
          });
          // Keyed by the range's first port: a new broker's port extends the range in place.
          ingress.push(setAddress(rule, `nlb_${s}_from_${terraformKey(cidr)}_port_${range.from}`));
        }
      }
    }

    // Health checks are bound by outbound rules too; they probe the same port as the traffic.
    setAddress(
      new VpcSecurityGroupEgressRule(this, 'egress-brokers', {
        securityGroupId: sgId,
        description: 'Kafka client listener and health checks of the brokers',
        ipProtocol: 'tcp',
        referencedSecurityGroupId: props.brokerSecurityGroupId,
        fromPort: clientPort,
        toPort: clientPort,
      }),
      `nlb_${s}_to_brokers`,
    );

    setAddress(
      new VpcSecurityGroupIngressRule(this, 'brokers-ingress', {
        securityGroupId: props.brokerSecurityGroupId,
        description: `Kafka client listener from ${name}`,
        ipProtocol: 'tcp',
        referencedSecurityGroupId: sgId,
        fromPort: clientPort,
        toPort: clientPort,
      }),
      `brokers_from_nlb_${s}`,
    );

    const lb = new Lb(this, 'nlb', {
      name,
      loadBalancerType: 'network',
      internal: true,
      subnets: Object.entries(props.subnets)
        .sort(([a], [b]) => byCodePoint(a, b))
        .map(([, subnetId]) => subnetId),
      // An NLB takes security groups only when it is created.
      securityGroups: [sgId],
      enableCrossZoneLoadBalancing: nlb.crossZoneLoadBalancing,
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: enforce ? 'on' : 'off',
      // Replacing the NLB replaces the endpoint service and its name, which every consumer holds.
      enableDeletionProtection: true,
      // Enforcement must never start before the rules that let the clients in exist.
      dependsOn: ingress,
    });
    this.loadBalancer = setAddress(lb, `nlb_${s}`);
    const nlbArn = ref(this.loadBalancer, 'arn');

    const healthCheck = {
      enabled: true,
      protocol: 'TCP',
      port: 'traffic-port',
      interval: nlb.healthCheck.intervalSeconds,
      healthyThreshold: nlb.healthCheck.healthyThreshold,
      unhealthyThreshold: nlb.healthCheck.unhealthyThreshold,
    };
    // A setting left out writes no attribute: AWS's own default applies, and no plan shows a change.
    const idleTimeout = nlb.idleTimeoutSeconds !== undefined ? { tcpIdleTimeoutSeconds: nlb.idleTimeoutSeconds } : {};
    const deregistration = nlb.deregistrationDelaySeconds !== undefined ? { deregistrationDelay: String(nlb.deregistrationDelaySeconds) } : {};
    const targetGroup = (id: string, groupName: string): LbTargetGroup =>
      new LbTargetGroup(this, id, {
        name: groupName,
        port: clientPort,
        protocol: 'TCP',
        targetType: nlb.targetType,
        vpcId: props.vpcId,
        healthCheck,
        ...deregistration,
      });
    const listener = (id: string, port: number, to: LbTargetGroup): LbListener =>
      new LbListener(this, id, {
        loadBalancerArn: nlbArn,
        port,
        protocol: 'TCP',
        defaultAction: [{ type: 'forward', targetGroupArn: ref(to, 'arn') }],
        ...idleTimeout,
      });
    const attach = (id: string, to: LbTargetGroup, broker: KafkaBrokerTarget): LbTargetGroupAttachment =>
      new LbTargetGroupAttachment(this, id, { targetGroupArn: ref(to, 'arn'), targetId: broker.targetId, port: clientPort });

    this.bootstrapTargetGroup = setAddress(targetGroup('bootstrap', props.bootstrapTargetGroupName), `bootstrap_${s}`);
    setAddress(listener('bootstrap-listener', this.bootstrapPort, this.bootstrapTargetGroup), `bootstrap_${s}`);

    const own = new Map<number, LbTargetGroup>();
    for (const broker of props.brokers) {
      const b = `broker_${broker.id}`;
      setAddress(attach(`bootstrap-${broker.id}`, this.bootstrapTargetGroup, broker), `bootstrap_${s}_${b}`);
      const group = setAddress(targetGroup(`broker-${broker.id}`, broker.targetGroupName), b);
      setAddress(listener(`broker-${broker.id}-listener`, broker.port, group), b);
      setAddress(attach(`broker-${broker.id}-attachment`, group, broker), b);
      own.set(broker.id, group);
    }
    this.brokerTargetGroups = own;
    new PortGuards(this, 'port-guards', { ...props, shard: this.shard });

    const supportedRegions = props.supportedRegions ?? [];
    this.endpointService = setAddress(
      new VpcEndpointService(this, 'endpoint-service', {
        networkLoadBalancerArns: [nlbArn],
        acceptanceRequired: nlb.acceptanceRequired,
        allowedPrincipals: [...(props.allowedPrincipals ?? [])],
        ...(supportedRegions.length > 0 ? { supportedRegions: [...supportedRegions] } : {}),
        tags: { Name: name },
      }),
      `endpoint_service_${s}`,
    );
  }
}

// The security group's name is the NLB's: unique with it, in a wider scope than the VPC that AWS asks for.
const LB_NAME: UniqueName = { kind: 'load balancer name', rule: 'AWS holds one per account and Region' };
const TARGET_GROUP_NAME: UniqueName = { kind: 'target group name', rule: 'AWS holds one per account and Region' };

const bootstrapPortOf = (props: KafkaPrivateLinkProviderProps): number => props.bootstrapPort ?? PORT_DEFAULTS.bootstrap;

/** Checks the props, reporting every problem at once; gives the NLB settings with their defaults. */
function validate(scope: Construct, props: KafkaPrivateLinkProviderProps): NlbSettings {
  const check = new PropsCheck(`KafkaPrivateLinkProvider ${props.name}`);
  check.addressPrefix(props.addressPrefix);
  check.name(props.name, 'name', MAX_LB_NAME_LENGTH);
  check.unique(scope, LB_NAME, props.name, 'name');
  check.name(props.bootstrapTargetGroupName, 'bootstrapTargetGroupName', MAX_LB_NAME_LENGTH);
  check.unique(scope, TARGET_GROUP_NAME, props.bootstrapTargetGroupName, 'bootstrapTargetGroupName');
  check.distinct(props.clientCidrs ?? [], 'clientCidrs');
  check.expect(Object.keys(props.subnets).length > 0, 'subnets', 'must name at least one subnet by AZ ID, got none');
  check.expect(
    props.brokers.length >= 1 && props.brokers.length < MAX_LISTENERS_PER_NLB,
    'brokers',
    `must hold 1 to ${MAX_LISTENERS_PER_NLB - 1} brokers (${MAX_LISTENERS_PER_NLB} listeners per NLB, one is the bootstrap listener), got ${props.brokers.length}`,
  );
  check.integer(props.shard, 'shard', 0, Number.MAX_SAFE_INTEGER);
  check.integer(props.bootstrapPort, 'bootstrapPort', 1, 65535);
  check.integer(props.brokerListenerPort, 'brokerListenerPort', 1, 65535);
  const nlb = resolveNlbSettings(props, (value) => !Token.isUnresolved(value), ({ prop, problem }) => check.expect(false, prop, problem));
  const portOwners = new Map<number, string>([[bootstrapPortOf(props), 'bootstrapPort']]);
  const ids = new Map<number, number>();
  props.brokers.forEach((broker, i) => {
    const at = `brokers[${i}]`;
    check.integer(broker.port, `${at}.port`, 1, 65535);
    check.name(broker.targetGroupName, `${at}.targetGroupName`, MAX_LB_NAME_LENGTH);
    check.unique(scope, TARGET_GROUP_NAME, broker.targetGroupName, `${at}.targetGroupName`);
    const owner = portOwners.get(broker.port);
    check.expect(owner === undefined, `${at}.port`, `must differ from every other listener port, got ${broker.port}, already used by ${owner}`);
    portOwners.set(broker.port, `${at}.port`);
    const twin = ids.get(broker.id);
    check.expect(twin === undefined, `${at}.id`, `must be unique, got ${broker.id}, already used by brokers[${twin}]`);
    ids.set(broker.id, i);
  });
  check.done();
  return nlb;
}

/** The props of one shard's NLB, as the plan derived them from the spec. */
function providerPropsOf(plan: ExposurePlan, shard: ShardPlan, brokersById: ReadonlyMap<number, ExposurePlan['brokers'][number]>): KafkaPrivateLinkProviderProps {
  const p = plan.provider;
  return {
    name: shard.nlbName,
    vpcId: p.vpcId,
    subnets: Object.fromEntries(p.subnets.map((s) => [s.azId, s.subnetId])),
    brokerSecurityGroupId: p.brokerSecurityGroupId,
    brokers: shard.brokerIds.map((id) => {
      const broker = brokersById.get(id)!;
      return { id, port: broker.port, targetId: broker.targetId, targetGroupName: broker.targetGroupName };
    }),
    retiredPorts: plan.retiredPorts.filter((r) => r.shard === shard.index),
    bootstrapTargetGroupName: shard.bootstrapTargetGroupName,
    enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: p.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic,
    shard: shard.index,
    bootstrapPort: plan.bootstrapPort,
    brokerListenerPort: plan.kafka.client.port,
    ...pickNlbSettings(p),
    clientCidrs: p.clientCidrs,
    clientPortRanges: shard.portRanges,
    allowedPrincipals: p.allowedPrincipals,
    supportedRegions: p.supportedRegions,
  };
}
