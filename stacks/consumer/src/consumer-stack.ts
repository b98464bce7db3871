import { Annotations, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsAvailabilityZone } from '@cdktf/provider-aws/lib/data-aws-availability-zone';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import {
  AzSubnet,
  CONSUMER_OUTPUTS,
  MAX_INBOUND_RULES_PER_SECURITY_GROUP,
  ConsumerPlan,
  ExposurePlan,
  PROVIDER_OUTPUTS,
  PROVIDER_STACK,
  ShardPlan,
} from '@kafka-privatelink/plan';
import { accountProvider, configureBackend, remoteState, shardKey, terraformKey } from '@kafka-privatelink/plumbing';

export interface ConsumerStackProps {
  readonly plan: ExposurePlan;
  /** The consumer VPC this stack serves: one of `plan.consumers`. */
  readonly consumer: ConsumerPlan;
  /** The synth output folder (for local state paths). */
  readonly outdir: string;
  /** What a relative local state directory is relative to: the repository root. */
  readonly stateRoot: string;
}

/** An AZ the endpoint has a network interface in, with the Terraform expression of its AZ name. */
interface EndpointAz extends AzSubnet {
  /** e.g. `data.aws_availability_zone.apse1_az1.name`: the name this AZ ID has in the consumer's account. */
  readonly azNameExpression: string;
}

/** The first DNS label of a `dns_entry` element `e`: `vpce-…-ap-southeast-1a` for a zonal entry. */
const FIRST_LABEL = 'split(".", e.dns_name)[0]';

/** HCL: the endpoint's DNS entries that satisfy `test`, a condition over the entry `e`. */
const dnsEntries = (endpoint: string, test: string): string => `[for e in ${endpoint}.dns_entry : e if ${test}]`;

/** HCL condition: `e` is the zonal entry of the AZ whose name `azName` evaluates to. */
const zonalEntry = (azName: string): string => `endswith(${FIRST_LABEL}, "-\${${azName}}")`;

/** HCL condition: `e` is the regional entry, i.e. the zonal entry of none of the endpoint's AZs. */
const regionalEntry = (azNames: readonly string[]): string =>
  `alltrue([for az in [${azNames.join(', ')}] : !endswith(${FIRST_LABEL}, "-\${az}")])`;

/**
 * One consumer VPC: an interface endpoint per provider shard, its security group, and the private
 * DNS names the brokers advertise. The endpoint service names come from the provider stack's state
 * through its named outputs, so this stack can be deployed from another pipeline or account.
 */
export class ConsumerStack extends TerraformStack {
  readonly consumer: ConsumerPlan;
  private readonly plan: ExposurePlan;
  private readonly endpointAzs: readonly EndpointAz[];
  private readonly zoneId: string;

  constructor(scope: Construct, props: ConsumerStackProps) {
    super(scope, props.consumer.stackName);
    const { plan, consumer, outdir, stateRoot } = props;
    this.plan = plan;
    this.consumer = consumer;
    validate(plan, consumer);

    accountProvider(this, plan, consumer);
    configureBackend(this, { plan, stackName: consumer.stackName, outdir, stateRoot });
    const providerState = remoteState(this, 'provider-state', {
      plan,
      stackName: PROVIDER_STACK,
      outdir,
      stateRoot,
      fromStack: consumer.stackName,
    });
    providerState.overrideLogicalId(PROVIDER_STACK);

    // A same-region endpoint must sit in exactly the NLB's AZ IDs: the service is offered only there.
    // A cross-region endpoint lives in the consumer region's own AZs.
    const subnets = consumer.crossRegion ? consumer.subnets : consumer.subnets.filter((s) => plan.azIds.includes(s.azId));
    this.endpointAzs = subnets.map((subnet) => this.checkedAz(subnet));
    this.zoneId = this.hostedZoneId();

    for (const shard of plan.shards) this.addShard(shard, providerState.getString(PROVIDER_OUTPUTS.endpointServiceName(shard.index)));

    new TerraformOutput(this, 'bootstrap-servers', {
      value: plan.shards.map((s) => `${s.sharedName}:${plan.bootstrapPort}`).join(','),
      description: 'Kafka bootstrap.servers for clients in this VPC.',
    }).overrideLogicalId(CONSUMER_OUTPUTS.bootstrapServers);
    new TerraformOutput(this, 'connections-max-idle-ms', {
      value: plan.recommendedConnectionsMaxIdleMs,
      description: 'Kafka client connections.max.idle.ms: below the NLB idle timeout, so clients close idle connections first.',
    }).overrideLogicalId(CONSUMER_OUTPUTS.connectionsMaxIdleMs);
  }

  /**
   * Looks up the AZ name of a subnet's AZ ID in the consumer's account, and checks at plan time that
   * the subnet really is in that AZ ID and in the consumer's VPC: the spec's AZ IDs decide which
   * zonal name each endpoint interface serves, so a wrong one would send clients across AZs.
   */
  private checkedAz(subnet: AzSubnet): EndpointAz {
    const key = terraformKey(subnet.azId);
    const where = `consumers[${this.consumer.name}].subnets.${subnet.azId}`;
    new DataAwsSubnet(this, `subnet-${subnet.azId}`, {
      id: subnet.subnetId,
      lifecycle: {
        postcondition: [
          {
            condition: `\${self.availability_zone_id == "${subnet.azId}"}`,
            errorMessage: `${subnet.subnetId} (${where}) is in \${self.availability_zone_id}, not in ${subnet.azId} as the spec says.`,
          },
          {
            condition: `\${self.vpc_id == "${this.consumer.vpcId}"}`,
            errorMessage: `${subnet.subnetId} (${where}) is in \${self.vpc_id}, not in the consumer VPC ${this.consumer.vpcId}.`,
          },
        ],
      },
    }).overrideLogicalId(key);
    const az = new DataAwsAvailabilityZone(this, `az-${subnet.azId}`, { zoneId: subnet.azId });
    az.overrideLogicalId(key);
    return { ...subnet, azNameExpression: `data.aws_availability_zone.${key}.name` };
  }

  /**
   * The private zone the names go in: a new one on the consumer VPC, or the consumer's own when the
   * spec names one (its VPC associations are then the consumer's business; its name and privacy are
   * checked at plan time, since records in a public or differently named zone would never resolve).
   */
  private hostedZoneId(): string {
    const zone = this.plan.dns.zone;
    if (this.consumer.hostedZoneId !== undefined) {
      const existing = new DataAwsRoute53Zone(this, 'zone', {
        zoneId: this.consumer.hostedZoneId,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.private_zone && trimsuffix(self.name, ".") == "${zone}"}`,
              errorMessage: `hosted zone ${this.consumer.hostedZoneId} (consumers[${this.consumer.name}].hostedZoneId) must be a private zone named ${zone}, not \${self.name}.`,
            },
          ],
        },
      });
      existing.overrideLogicalId('kafka');
      return existing.zoneId;
    }
    const created = new Route53Zone(this, 'zone', {
      name: zone,
      comment: `Kafka cluster ${this.plan.cluster} through PrivateLink`,
      vpc: [{ vpcId: this.consumer.vpcId }],
    });
    created.overrideLogicalId('kafka');
    return created.zoneId;
  }

  private addShard(shard: ShardPlan, serviceName: string): void {
    const s = shardKey(shard.index);
    const securityGroup = new SecurityGroup(this, `security-group-${s}`, {
      name: `${this.plan.cluster}-kafka-${s}`,
      description: `Kafka clients to the PrivateLink endpoint of cluster ${this.plan.cluster}, shard ${shard.index}`,
      vpcId: this.consumer.vpcId,
      tags: { Name: `${this.plan.cluster}-kafka-${s}` },
    });
    securityGroup.overrideLogicalId(`kafka_${s}`);
    this.addIngressRules(shard, securityGroup.id);

    const endpoint = new VpcEndpoint(this, `endpoint-${s}`, {
      vpcId: this.consumer.vpcId,
      serviceName,
      vpcEndpointType: 'Interface',
      // The service has no private DNS name of its own; the names clients use are the records below.
      privateDnsEnabled: false,
      subnetIds: this.endpointAzs.map((az) => `\${data.aws_subnet.${terraformKey(az.azId)}.id}`),
      securityGroupIds: [securityGroup.id],
      ...(this.consumer.crossRegion ? { serviceRegion: this.plan.provider.region } : {}),
      tags: { Name: `${this.plan.cluster}-kafka-${s}` },
    });
    endpoint.overrideLogicalId(`kafka_${s}`);
    const address = `aws_vpc_endpoint.kafka_${s}`;

    this.addAlias(`shared_${s}`, shard.sharedName, address, regionalEntry(this.endpointAzs.map((az) => az.azNameExpression)), 'regional');
    for (const zonal of shard.zonalNames) {
      const az = this.endpointAzs.find((a) => a.azId === zonal.azId);
      const record = `zonal_${s}_${terraformKey(zonal.azId)}`;
      if (az === undefined) {
        // Cross-region: the provider's AZ IDs do not exist in this region, so there is no zonal
        // entry to match. The name still has to resolve (brokers advertise it), through any AZ.
        this.addAlias(record, zonal.name, address, regionalEntry(this.endpointAzs.map((a) => a.azNameExpression)), 'regional');
      } else {
        this.addAlias(record, zonal.name, address, zonalEntry(az.azNameExpression), `zonal (${zonal.azId}, AZ name \${${az.azNameExpression}})`);
      }
    }

    new TerraformOutput(this, `endpoint-id-${s}`, {
      value: endpoint.id,
      description: `Interface endpoint of shard ${shard.index}; the acceptance stack accepts it.`,
    }).overrideLogicalId(CONSUMER_OUTPUTS.endpointId(shard.index));
  }

  /**
   * Ingress on the shard's bootstrap and broker ports only (merged into ranges by the plan, so a
   * shard costs a rule or two per client source, not one per broker), from the configured clients
   * only. Each rule is keyed by the first port of its range: a new broker widens its range in place
   * (AWS modifies the rule), and a retired port splits a range into a kept rule and a new one.
   */
  private addIngressRules(shard: ShardPlan, securityGroupId: string): void {
    const s = shardKey(shard.index);
    const ranges = shard.portRanges;
    const sources = [
      ...this.consumer.allowedCidrs.map((cidr) => ({ key: terraformKey(cidr), source: { cidrIpv4: cidr } })),
      ...this.consumer.allowedSecurityGroupIds.map((id) => ({ key: terraformKey(id), source: { referencedSecurityGroupId: id } })),
    ];
    for (const range of ranges) {
      for (const { key, source } of sources) {
        new VpcSecurityGroupIngressRule(this, `ingress-${s}-${range.from}-${key}`, {
          securityGroupId,
          ipProtocol: 'tcp',
          fromPort: range.from,
          toPort: range.to,
          description: `Kafka bootstrap and brokers, shard ${shard.index}`,
          ...source,
        }).overrideLogicalId(`kafka_${s}_from_${key}_port_${range.from}`);
      }
    }
    // A warning, not an error: the quota is adjustable, and a consumer account may have raised it.
    const rules = ranges.length * sources.length;
    if (rules > MAX_INBOUND_RULES_PER_SECURITY_GROUP) {
      Annotations.of(this).addWarning(
        `consumer ${this.consumer.name}, shard ${shard.index}: ${rules} inbound rules (${ranges.length} port ranges × ${sources.length} client sources) ` +
          `exceed the default quota of ${MAX_INBOUND_RULES_PER_SECURITY_GROUP} per security group; ` +
          'raise "Inbound or outbound rules per security group" in Service Quotas or allow fewer client networks',
      );
    }
  }

  /**
   * A name → one of the endpoint's DNS entries, chosen by what the entry's name says, never by its
   * position: the order of `dns_entry` is not documented.
   *
   * Alias A records rather than CNAMEs (the Grab article used CNAMEs; either resolves to the same
   * addresses): an alias answers with the interface addresses directly and carries the endpoint
   * zone's own TTL, so there is no TTL of ours to choose and a replaced endpoint is followed as
   * soon as AWS's own names are, and it costs no extra lookup for the CNAME chain.
   */
  private addAlias(id: string, name: string, endpoint: string, test: string, what: string): void {
    const entries = dnsEntries(endpoint, test);
    new Route53Record(this, id, {
      zoneId: this.zoneId,
      name,
      type: 'A',
      alias: { name: `\${one(${entries}).dns_name}`, zoneId: `\${one(${entries}).hosted_zone_id}`, evaluateTargetHealth: false },
      lifecycle: {
        precondition: [
          {
            condition: `\${length(${entries}) == 1}`,
            errorMessage: `${endpoint} has no single ${what} DNS entry for ${name}; its entries: \${join(", ", ${endpoint}.dns_entry[*].dns_name)}`,
          },
        ],
      },
    }).overrideLogicalId(id);
  }
}

function validate(plan: ExposurePlan, consumer: ConsumerPlan): void {
  const where = `consumers[${consumer.name}]`;
  if (consumer.allowedCidrs.length === 0 && consumer.allowedSecurityGroupIds.length === 0) {
    throw new Error(`${where} allows no client: set allowedCidrs and/or allowedSecurityGroupIds`);
  }
  const open = consumer.allowedCidrs.find((cidr) => cidr.endsWith('/0'));
  if (open !== undefined) throw new Error(`${where}.allowedCidrs must not contain ${open}: allow the clients' own networks only`);
  if (consumer.crossRegion) {
    if (consumer.subnets.length === 0) throw new Error(`${where}.subnets is empty: the endpoint needs at least one subnet`);
    return;
  }
  const missing = plan.azIds.filter((azId) => !consumer.subnets.some((s) => s.azId === azId));
  if (missing.length > 0) {
    throw new Error(
      `${where}.subnets has no subnet in ${missing.join(', ')}; the NLB serves ${plan.azIds.join(', ')} and the endpoint needs a subnet in each`,
    );
  }
}
