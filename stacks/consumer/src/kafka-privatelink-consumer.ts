import { Construct } from 'constructs';
import { DataAwsAvailabilityZone } from '@cdktf/provider-aws/lib/data-aws-availability-zone';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { byCodePoint, ConsumerPlan, ExposurePlan, PortRange } from '@kafka-privatelink/plan';
import { addressOf, ownAddresses, PropsCheck, ref, setAddress, shardKey, terraformKey, UniqueName } from '@kafka-privatelink/plumbing';

/** One endpoint service (one NLB shard) of the Kafka cluster, as the consumer side reaches it. */
export interface KafkaEndpointServiceRef {
  /** The shard index: the key of this endpoint's Terraform addresses (`aws_vpc_endpoint.kafka_s0`). */
  readonly shard: number;
  /** e.g. `com.amazonaws.vpce.ap-southeast-1.vpce-svc-…`, typically read from the provider stack's remote state. */
  readonly serviceName: string;
  /** The bootstrap name in the zone, e.g. `kafka.grab`. */
  readonly sharedName: string;
  /** The name the brokers of each of the provider's AZ IDs advertise, e.g. `apse1-az1: kafka-az1.grab`. */
  readonly zonalNames: Readonly<Record<string, string>>;
  /** The NLB listener ports (bootstrap and brokers) as contiguous ranges: what the clients may reach. */
  readonly portRanges: readonly PortRange[];
}

export interface KafkaPrivateLinkConsumerProps {
  /** The consumer's name, in resource descriptions and plan-time messages. */
  readonly name: string;
  /** The Kafka cluster's name: prefixes the security group names. */
  readonly cluster: string;
  /** The consumer VPC. */
  readonly vpcId: string;
  /**
   * The endpoint's subnets by AZ ID (`apse1-az1: subnet-…`). In the provider's Region, exactly the
   * NLB's AZ IDs: each zonal name then resolves to the endpoint's interface in its own AZ.
   */
  readonly subnets: Readonly<Record<string, string>>;
  /** The cluster's endpoint services, one per shard. */
  readonly endpointServices: readonly KafkaEndpointServiceRef[];
  /** The private hosted zone the names go in, e.g. `grab`. */
  readonly zoneName: string;
  /**
   * The zone to put the names in. AWS refuses a second private zone of one name on one VPC, so a
   * second consumer of the same VPC and zone name (one VPC reaching two clusters) takes the
   * first's: `hostedZoneId: first.hostedZoneId`; the names of the two clusters must then differ.
   * @default - a new private zone on the VPC
   */
  readonly hostedZoneId?: string;
  /** Client networks that may connect. @default [] */
  readonly allowedCidrs?: readonly string[];
  /** Client security groups that may connect. @default [] */
  readonly allowedSecurityGroupIds?: readonly string[];
  /** The endpoint services' Region, for an endpoint in another Region. @default - the endpoint's own Region */
  readonly serviceRegion?: string;
  /**
   * What every Terraform address of this construct begins with (`orders` gives
   * `aws_vpc_endpoint.orders_kafka_s0`), so that several consumers (one VPC reaching several
   * clusters) can share a stack: a lowercase letter, then lowercase letters, digits or
   * underscores. The addresses come from it, the shards and the AZ IDs only, never from the
   * construct's id or its place in the tree. Changing it later renames every address: Terraform
   * then plans to destroy and recreate the endpoints and the names.
   * @default - none (`aws_vpc_endpoint.kafka_s0`): the addresses of a consumer alone in its stack,
   * as earlier versions wrote them, so upgrading moves nothing. A second consumer in the stack needs
   * a prefix of its own; the first keeps none. A construct whose addresses meet another's is refused, naming both.
   */
  readonly addressPrefix?: string;
}

/** An AZ the endpoint has a network interface in, with the Terraform expressions of its subnet and AZ name. */
interface EndpointAz {
  readonly azId: string;
  /** e.g. `${data.aws_subnet.apse1_az1.id}`: the checked subnet. */
  readonly subnetIdExpression: string;
  /** e.g. `data.aws_availability_zone.apse1_az1.name`: the name this AZ ID has in the consumer's account. */
  readonly azNameExpression: string;
}

/** The name of a shard's endpoint security group (and the Name tag of the endpoint), unique in the VPC. */
const securityGroupName = (cluster: string, shard: number): string => `${cluster}-kafka-${shardKey(shard)}`;

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
 * One consumer VPC's side of a Kafka cluster exposed through PrivateLink: an interface endpoint
 * per endpoint service, its security group, and the private DNS names the brokers advertise (a
 * shared bootstrap name and one zonal name per AZ). It creates no AWS provider and no backend: the
 * stack it is placed in has them.
 */
export class KafkaPrivateLinkConsumer extends Construct {
  /** The props of a consumer of the plan, reading each shard's service name through `serviceName`. */
  static propsFromPlan(plan: ExposurePlan, consumer: ConsumerPlan, serviceName: (shard: number) => string): KafkaPrivateLinkConsumerProps {
    return {
      name: consumer.name,
      cluster: plan.cluster,
      vpcId: consumer.vpcId,
      subnets: Object.fromEntries(consumer.endpointSubnets.map((s) => [s.azId, s.subnetId])),
      endpointServices: plan.shards.map((shard) => ({
        shard: shard.index,
        serviceName: serviceName(shard.index),
        sharedName: shard.sharedName,
        zonalNames: Object.fromEntries(shard.zonalNames.map((z) => [z.azId, z.name])),
        portRanges: shard.portRanges,
      })),
      zoneName: plan.dns.zone,
      ...(consumer.hostedZoneId !== undefined ? { hostedZoneId: consumer.hostedZoneId } : {}),
      allowedCidrs: consumer.allowedCidrs,
      allowedSecurityGroupIds: consumer.allowedSecurityGroupIds,
      ...(consumer.crossRegion ? { serviceRegion: plan.provider.region } : {}),
    };
  }

  /** The interface endpoint of each endpoint service, by shard. */
  readonly endpoints: ReadonlyMap<number, VpcEndpoint>;
  /** The endpoint security group of each endpoint service, by shard. */
  readonly securityGroups: ReadonlyMap<number, SecurityGroup>;
  /** The private hosted zone that holds the names: another consumer of the VPC puts its names in it too. */
  readonly hostedZoneId: string;

  private readonly props: KafkaPrivateLinkConsumerProps;
  private readonly endpointAzs: readonly EndpointAz[];

  constructor(scope: Construct, id: string, props: KafkaPrivateLinkConsumerProps) {
    super(scope, id);
    validate(this, props);
    ownAddresses(this, 'KafkaPrivateLinkConsumer', props.addressPrefix);
    this.props = props;
    this.endpointAzs = Object.entries(props.subnets)
      .sort(([a], [b]) => byCodePoint(a, b))
      .map(([azId, subnetId]) => this.checkedAz(azId, subnetId));
    this.hostedZoneId = this.zone();
    // Known only now: the zone of a record is its identity, and a zone made here has a token for its id.
    validateRecordNames(this, props, props.hostedZoneId ?? this.hostedZoneId);
    const endpoints = new Map<number, VpcEndpoint>();
    const securityGroups = new Map<number, SecurityGroup>();
    for (const service of props.endpointServices) {
      const [endpoint, securityGroup] = this.addEndpoint(service);
      endpoints.set(service.shard, endpoint);
      securityGroups.set(service.shard, securityGroup);
    }
    this.endpoints = endpoints;
    this.securityGroups = securityGroups;
  }

  /**
   * Looks up the AZ name of a subnet's AZ ID in the consumer's account, and checks at plan time that
   * the subnet really is in that AZ ID and in the consumer's VPC: the AZ IDs decide which zonal
   * name each endpoint interface serves, so a wrong one would send clients across AZs.
   */
  private checkedAz(azId: string, subnetId: string): EndpointAz {
    const key = terraformKey(azId);
    const where = `consumers[${this.props.name}].subnets.${azId}`;
    const subnet = new DataAwsSubnet(this, `subnet-${azId}`, {
      id: subnetId,
      lifecycle: {
        postcondition: [
          {
            condition: `\${self.availability_zone_id == "${azId}"}`,
            errorMessage: `${subnetId} (${where}) is in \${self.availability_zone_id}, not in ${azId} as the spec says.`,
          },
          {
            condition: `\${self.vpc_id == "${this.props.vpcId}"}`,
            errorMessage: `${subnetId} (${where}) is in \${self.vpc_id}, not in the consumer VPC ${this.props.vpcId}.`,
          },
        ],
      },
    });
    setAddress(subnet, key);
    const az = setAddress(new DataAwsAvailabilityZone(this, `az-${azId}`, { zoneId: azId }), key);
    return { azId, subnetIdExpression: ref(subnet, 'id'), azNameExpression: `${addressOf(az)}.name` };
  }

  /**
   * The private zone the names go in: a new one on the consumer VPC, or the consumer's own when
   * the props name one (its VPC associations are then the consumer's business; its name and privacy
   * are checked at plan time, since records in a public or differently named zone would never resolve).
   */
  private zone(): string {
    const { zoneName, hostedZoneId } = this.props;
    if (hostedZoneId !== undefined) {
      const existing = new DataAwsRoute53Zone(this, 'zone', {
        zoneId: hostedZoneId,
        lifecycle: {
          postcondition: [
            {
              condition: `\${self.private_zone && trimsuffix(self.name, ".") == "${zoneName}"}`,
              errorMessage: `hosted zone ${hostedZoneId} (consumers[${this.props.name}].hostedZoneId) must be a private zone named ${zoneName}, not \${self.name}.`,
            },
          ],
        },
      });
      return setAddress(existing, 'kafka').zoneId;
    }
    const created = new Route53Zone(this, 'zone', {
      name: zoneName,
      comment: `Kafka cluster ${this.props.cluster} through PrivateLink`,
      vpc: [{ vpcId: this.props.vpcId }],
    });
    return setAddress(created, 'kafka').zoneId;
  }

  private addEndpoint(service: KafkaEndpointServiceRef): [VpcEndpoint, SecurityGroup] {
    const { cluster, vpcId } = this.props;
    const s = shardKey(service.shard);
    const groupName = securityGroupName(cluster, service.shard);
    const securityGroup = new SecurityGroup(this, `security-group-${s}`, {
      name: groupName,
      description: `Kafka clients to the PrivateLink endpoint of cluster ${cluster}, shard ${service.shard}`,
      vpcId,
      tags: { Name: groupName },
    });
    setAddress(securityGroup, `kafka_${s}`);
    this.addIngressRules(service, securityGroup.id);

    const endpoint = new VpcEndpoint(this, `endpoint-${s}`, {
      vpcId,
      serviceName: service.serviceName,
      vpcEndpointType: 'Interface',
      // The service has no private DNS name of its own; the names clients use are the records below.
      privateDnsEnabled: false,
      subnetIds: this.endpointAzs.map((az) => az.subnetIdExpression),
      securityGroupIds: [securityGroup.id],
      ...(this.props.serviceRegion !== undefined ? { serviceRegion: this.props.serviceRegion } : {}),
      tags: { Name: groupName },
    });
    const address = addressOf(setAddress(endpoint, `kafka_${s}`));
    const anyAz = regionalEntry(this.endpointAzs.map((az) => az.azNameExpression));

    this.addAlias(`shared_${s}`, service.sharedName, address, anyAz, 'regional');
    for (const [azId, name] of Object.entries(service.zonalNames).sort(([a], [b]) => byCodePoint(a, b))) {
      const az = this.endpointAzs.find((a) => a.azId === azId);
      const record = `zonal_${s}_${terraformKey(azId)}`;
      if (az === undefined) {
        // Cross-region: the provider's AZ IDs do not exist in this region, so there is no zonal
        // entry to match. The name still has to resolve (brokers advertise it), through any AZ.
        this.addAlias(record, name, address, anyAz, 'regional');
      } else {
        this.addAlias(record, name, address, zonalEntry(az.azNameExpression), `zonal (${azId}, AZ name \${${az.azNameExpression}})`);
      }
    }
    return [endpoint, securityGroup];
  }

  /**
   * Ingress on the shard's bootstrap and broker ports only (as ranges, so a shard costs a rule or
   * two per client source, not one per broker), from the configured clients only. Each rule is
   * keyed by the first port of its range: a new broker widens its range in place (AWS modifies
   * the rule), and a retired port splits a range into a kept rule and a new one.
   */
  private addIngressRules(service: KafkaEndpointServiceRef, securityGroupId: string): void {
    const s = shardKey(service.shard);
    const sources = [
      ...(this.props.allowedCidrs ?? []).map((cidr) => ({ key: terraformKey(cidr), source: { cidrIpv4: cidr } })),
      ...(this.props.allowedSecurityGroupIds ?? []).map((id) => ({ key: terraformKey(id), source: { referencedSecurityGroupId: id } })),
    ];
    for (const range of service.portRanges) {
      for (const { key, source } of sources) {
        setAddress(
          new VpcSecurityGroupIngressRule(this, `ingress-${s}-${range.from}-${key}`, {
            securityGroupId,
            ipProtocol: 'tcp',
            fromPort: range.from,
            toPort: range.to,
            description: `Kafka bootstrap and brokers, shard ${service.shard}`,
            ...source,
          }),
          `kafka_${s}_from_${key}_port_${range.from}`,
        );
      }
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
    const record = new Route53Record(this, id, {
      zoneId: this.hostedZoneId,
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
    });
    setAddress(record, id);
  }
}

function validate(scope: Construct, props: KafkaPrivateLinkConsumerProps): void {
  const check = new PropsCheck(`KafkaPrivateLinkConsumer ${props.name}`);
  check.addressPrefix(props.addressPrefix);
  const cidrs = props.allowedCidrs ?? [];
  check.distinct(cidrs, 'allowedCidrs');
  check.distinct(props.allowedSecurityGroupIds ?? [], 'allowedSecurityGroupIds');
  check.expect(
    cidrs.length + (props.allowedSecurityGroupIds ?? []).length > 0,
    'allowedCidrs',
    'and allowedSecurityGroupIds are both empty: the endpoint would admit no client; name the client networks or security groups',
  );
  const open = cidrs.find((cidr) => cidr.endsWith('/0'));
  check.expect(open === undefined, 'allowedCidrs', `must not contain ${open}: allow the clients' own networks only`);
  check.expect(Object.keys(props.subnets).length > 0, 'subnets', 'must name at least one subnet by AZ ID, got none');
  check.expect(props.endpointServices.length > 0, 'endpointServices', 'must hold at least one endpoint service, got none');
  const shards = new Map<number, number>();
  props.endpointServices.forEach((service, i) => {
    const twin = shards.get(service.shard);
    check.expect(twin === undefined, `endpointServices[${i}].shard`, `must be unique, got ${service.shard}, already used by endpointServices[${twin}]`);
    shards.set(service.shard, i);
  });
  const perVpc = `AWS holds one per VPC (${props.vpcId})`;
  for (const shard of shards.keys()) {
    check.unique(scope, { kind: 'security group name', within: props.vpcId, rule: perVpc }, securityGroupName(props.cluster, shard), 'cluster');
  }
  if (props.hostedZoneId === undefined) {
    const rule =
      `AWS refuses a second private zone of one name on one VPC (${props.vpcId}); ` +
      "pass the other consumer's hostedZoneId as hostedZoneId to put these names in its zone";
    check.unique(scope, { kind: 'private zone name', within: props.vpcId, rule }, props.zoneName, 'zoneName');
  }
  check.done();
}

/** Every name of the consumer is one record of its zone: another construct's record of the name would take it. */
function validateRecordNames(scope: Construct, props: KafkaPrivateLinkConsumerProps, zone: string): void {
  const check = new PropsCheck(`KafkaPrivateLinkConsumer ${props.name}`);
  const record: UniqueName = { kind: 'record name', within: zone, rule: `a zone holds one record of a name and type (zone ${props.zoneName}); give each cluster names of its own` };
  props.endpointServices.forEach((service, i) => {
    check.unique(scope, record, service.sharedName, `endpointServices[${i}].sharedName`);
    for (const [azId, name] of Object.entries(service.zonalNames)) check.unique(scope, record, name, `endpointServices[${i}].zonalNames.${azId}`);
  });
  check.done();
}
