import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpointService } from '@cdktf/provider-aws/lib/vpc-endpoint-service';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { BrokerPlan, MAX_INBOUND_RULES_PER_SECURITY_GROUP, PlanLimitError, ProviderPlan, ShardPlan } from '@kafka-privatelink/plan';
import { ref, terraformKey } from '@kafka-privatelink/plumbing';

export interface NlbShardProps {
  readonly provider: ProviderPlan;
  readonly shard: ShardPlan;
  /** The shard's brokers, in the order of `shard.brokerIds`. */
  readonly brokers: readonly BrokerPlan[];
  readonly bootstrapPort: number;
  /** The brokers' PrivateLink client listener port: every target group forwards to it. */
  readonly clientPort: number;
  /**
   * Client networks that may reach the listeners. Used only when the NLB enforces its inbound
   * rules on PrivateLink traffic, which then carries the clients' own private IPs as source.
   */
  readonly clientCidrs: readonly string[];
}

/**
 * One NLB with its security group, a bootstrap listener over all of the shard's brokers, one
 * listener per broker, and the VPC Endpoint Service in front of it. Every Terraform address is
 * set from the shard index and broker ids, so adding a broker only adds resources.
 */
export class NlbShard extends Construct {
  readonly shard: ShardPlan;
  readonly loadBalancer: Lb;
  readonly endpointService: VpcEndpointService;

  constructor(scope: Construct, id: string, props: NlbShardProps) {
    super(scope, id);
    const { provider, shard, clientPort } = props;
    this.shard = shard;
    const s = `s${shard.index}`;
    const enforce = provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic;

    const sg = new SecurityGroup(this, 'security-group', {
      // Name and description force replacement, and an NLB cannot swap its only group: both stay fixed.
      name: shard.nlbName,
      description: `Kafka PrivateLink NLB ${shard.nlbName}`,
      vpcId: provider.vpcId,
      tags: { Name: shard.nlbName },
    });
    sg.overrideLogicalId(`nlb_${s}`);
    const sgId = ref(sg, 'id');

    // With enforcement off, inbound rules do not apply to PrivateLink traffic at all; writing none
    // then keeps everything else in the VPC off the listeners. With enforcement on, the rules see
    // the clients' private IPs (not the endpoint's), so the consumers' client CIDRs are the source;
    // the provider VPC's CIDR would admit nobody who comes through PrivateLink.
    const ingress: VpcSecurityGroupIngressRule[] = [];
    if (enforce) {
      const count = shard.portRanges.length * props.clientCidrs.length;
      if (count > MAX_INBOUND_RULES_PER_SECURITY_GROUP) {
        throw new PlanLimitError(
          `security group of ${shard.nlbName} would need ${count} inbound rules (${shard.portRanges.length} port ranges × ` +
            `${props.clientCidrs.length} client CIDRs), more than the ${MAX_INBOUND_RULES_PER_SECURITY_GROUP} a security group ` +
            'holds by default: merge the consumers\' allowedCidrs into fewer blocks',
        );
      }
      for (const cidr of props.clientCidrs) {
        for (const range of shard.portRanges) {
          const rule = new VpcSecurityGroupIngressRule(this, `ingress-${terraformKey(cidr)}-${range.from}`, {
            securityGroupId: sgId,
            description: 'Kafka clients through PrivateLink',
            ipProtocol: 'tcp',
            cidrIpv4: cidr,
            fromPort: range.from,
            toPort: range.to,
          });
          // Keyed by the range's first port: a new broker's port extends the range in place.
          rule.overrideLogicalId(`nlb_${s}_from_${terraformKey(cidr)}_port_${range.from}`);
          ingress.push(rule);
        }
      }
    }

    // Health checks are bound by outbound rules too; they probe the same port as the traffic.
    new VpcSecurityGroupEgressRule(this, 'egress-brokers', {
      securityGroupId: sgId,
      description: 'Kafka client listener and health checks of the brokers',
      ipProtocol: 'tcp',
      referencedSecurityGroupId: provider.brokerSecurityGroupId,
      fromPort: clientPort,
      toPort: clientPort,
    }).overrideLogicalId(`nlb_${s}_to_brokers`);

    new VpcSecurityGroupIngressRule(this, 'brokers-ingress', {
      securityGroupId: provider.brokerSecurityGroupId,
      description: `Kafka client listener from ${shard.nlbName}`,
      ipProtocol: 'tcp',
      referencedSecurityGroupId: sgId,
      fromPort: clientPort,
      toPort: clientPort,
    }).overrideLogicalId(`brokers_from_nlb_${s}`);

    this.loadBalancer = new Lb(this, 'nlb', {
      name: shard.nlbName,
      loadBalancerType: 'network',
      internal: true,
      subnets: provider.subnets.map((subnet) => subnet.subnetId),
      // An NLB takes security groups only when it is created.
      securityGroups: [sgId],
      enableCrossZoneLoadBalancing: provider.crossZoneLoadBalancing,
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: enforce ? 'on' : 'off',
      // Replacing the NLB replaces the endpoint service and its name, which every consumer holds.
      enableDeletionProtection: true,
      // Enforcement must never start before the rules that let the clients in exist.
      dependsOn: ingress,
    });
    this.loadBalancer.overrideLogicalId(`nlb_${s}`);
    const nlbArn = ref(this.loadBalancer, 'arn');

    const healthCheck = {
      enabled: true,
      protocol: 'TCP',
      port: 'traffic-port',
      interval: provider.healthCheck.intervalSeconds,
      healthyThreshold: provider.healthCheck.healthyThreshold,
      unhealthyThreshold: provider.healthCheck.unhealthyThreshold,
    };
    const idleTimeout = provider.idleTimeoutSeconds !== undefined ? { tcpIdleTimeoutSeconds: provider.idleTimeoutSeconds } : {};
    const targetGroup = (id: string, name: string): LbTargetGroup =>
      new LbTargetGroup(this, id, {
        name,
        port: clientPort,
        protocol: 'TCP',
        targetType: provider.targetType,
        vpcId: provider.vpcId,
        healthCheck,
      });
    const listener = (id: string, port: number, to: LbTargetGroup): LbListener =>
      new LbListener(this, id, {
        loadBalancerArn: nlbArn,
        port,
        protocol: 'TCP',
        defaultAction: [{ type: 'forward', targetGroupArn: ref(to, 'arn') }],
        ...idleTimeout,
      });
    const attach = (id: string, to: LbTargetGroup, broker: BrokerPlan): LbTargetGroupAttachment =>
      new LbTargetGroupAttachment(this, id, { targetGroupArn: ref(to, 'arn'), targetId: broker.targetId, port: clientPort });

    const bootstrap = targetGroup('bootstrap', shard.bootstrapTargetGroupName);
    bootstrap.overrideLogicalId(`bootstrap_${s}`);
    listener('bootstrap-listener', props.bootstrapPort, bootstrap).overrideLogicalId(`bootstrap_${s}`);

    for (const broker of props.brokers) {
      const b = `broker_${broker.id}`;
      attach(`bootstrap-${broker.id}`, bootstrap, broker).overrideLogicalId(`bootstrap_${s}_${b}`);
      const own = targetGroup(`broker-${broker.id}`, broker.targetGroupName);
      own.overrideLogicalId(b);
      listener(`broker-${broker.id}-listener`, broker.port, own).overrideLogicalId(b);
      attach(`broker-${broker.id}-attachment`, own, broker).overrideLogicalId(b);
    }

    // A list of supported Regions replaces the default (the service's own Region only), so the own
    // Region stays in it for the local consumers.
    const supportedRegions =
      provider.supportedRegions.length > 0 ? [...new Set([provider.region, ...provider.supportedRegions])].sort() : undefined;
    this.endpointService = new VpcEndpointService(this, 'endpoint-service', {
      networkLoadBalancerArns: [nlbArn],
      acceptanceRequired: provider.acceptanceRequired,
      allowedPrincipals: [...provider.allowedPrincipals],
      ...(supportedRegions ? { supportedRegions } : {}),
      tags: { Name: shard.nlbName },
    });
    this.endpointService.overrideLogicalId(`endpoint_service_${s}`);
  }
}
