import { BrokerFacts } from './ansible-output';
import { cidrSize, formatIpv4, parseCidr, parseIpv4 } from './ipv4';
import { ConsumerModel, HealthCheck, IngressRule, ProviderModel } from './terraform-json';

/** Facts about the AWS accounts that no stack holds: where each subnet is, who the clients are. */
export interface World {
  /** Subnet id → AZ ID (as the consumer accounts have them). */
  readonly subnetAz: ReadonlyMap<string, string>;
  /** Consumer stack name → the CIDR blocks its Kafka clients live in. */
  readonly clientCidrs: ReadonlyMap<string, readonly string[]>;
}

export interface ConsumerInput {
  /** Stack name, e.g. `consumer-kios`. */
  readonly stack: string;
  readonly model: ConsumerModel;
}

/** One endpoint network interface: an address in a consumer VPC, in one AZ, in front of one NLB. */
export interface Eni {
  readonly consumer: string;
  readonly endpoint: string;
  readonly loadBalancer: string;
  readonly azId: string;
  readonly address: string;
}

/** A client host of a consumer VPC in one AZ. */
export interface Client {
  readonly consumer: string;
  readonly azId: string;
  readonly address: string;
}

/** Who may pass one frontend through some of its bind addresses (the ENIs of one endpoint). */
export interface Admission {
  readonly enis: readonly string[];
  /** The endpoint's security groups, for this port. */
  readonly cidrs: readonly string[];
  /** The NLB's security groups, for this port, when it enforces them on PrivateLink traffic. */
  readonly nlbCidrs?: readonly string[];
}

/** One NLB listener, reached through every ENI of every endpoint of its NLB. */
export interface Frontend {
  /** The `aws_lb_listener` resource name. */
  readonly name: string;
  readonly loadBalancer: string;
  readonly port: number;
  readonly backend: string;
  readonly idleTimeoutSeconds?: number;
  readonly binds: readonly string[];
  readonly admissions: readonly Admission[];
}

export interface Server {
  /** The broker's inventory host name. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
}

/** One target group. */
export interface Backend {
  readonly name: string;
  readonly healthCheck: HealthCheck;
  readonly servers: readonly Server[];
}

export interface DnsRecord {
  readonly consumer: string;
  readonly name: string;
  /** ENI addresses the name resolves to. */
  readonly addresses: readonly string[];
  /** True for the endpoint's regional name: any AZ, in random order. */
  readonly regional: boolean;
}

export interface Topology {
  readonly brokers: readonly BrokerFacts[];
  /** The NLB's own address in the provider VPC: the source the brokers see. */
  readonly nlbAddress: string;
  /** A host of the provider VPC for clients that use the internal listener (the rollout's traffic). */
  readonly providerClientAddress: string;
  readonly enis: readonly Eni[];
  readonly clients: readonly Client[];
  readonly frontends: readonly Frontend[];
  readonly backends: readonly Backend[];
  readonly records: readonly DnsRecord[];
}

const covering = (rules: readonly IngressRule[], groups: readonly string[], port: number): string[] => [
  ...new Set(rules.filter((r) => groups.includes(r.securityGroup) && r.fromPort <= port && port <= r.toPort).map((r) => r.cidr)),
];

function nlbAddressFor(brokers: readonly BrokerFacts[], taken: ReadonlySet<number>): string {
  const base = Math.floor(parseIpv4(brokers[0]!.privateIp) / 256) * 256;
  for (let host = 250; host > 1; host--) if (!taken.has(base + host)) return formatIpv4(base + host);
  throw new Error(`no free address for the NLB in ${formatIpv4(base)}/24`);
}

/**
 * Lays the synthesized exposure out as hosts and addresses. Brokers keep their private IPs; each
 * consumer's clients and endpoint ENIs get one /24 per AZ inside the consumer's first client CIDR
 * (AZ n of the endpoint's sorted AZ IDs → the n-th /24: clients at .10, ENIs at .100 + endpoint index).
 */
export function buildTopology(provider: ProviderModel, consumers: readonly ConsumerInput[], brokers: readonly BrokerFacts[], world: World): Topology {
  if (brokers.length === 0) throw new Error('the Ansible inventory lists no brokers');
  const brokerByTarget = new Map(brokers.map((b) => [b.targetId, b] as const));

  const backends: Backend[] = [...provider.targetGroups.values()]
    .map((tg) => ({
      name: tg.resource,
      healthCheck: tg.healthCheck,
      servers: tg.targets.map((t) => {
        const broker = brokerByTarget.get(t.targetId);
        if (broker === undefined) {
          throw new Error(`aws_lb_target_group.${tg.resource} registers ${t.targetId}, which is no broker's target id in the Ansible host vars`);
        }
        return { name: broker.host, address: broker.privateIp, port: t.port };
      }),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

  const enis: Eni[] = [];
  const clients: Client[] = [];
  const records: DnsRecord[] = [];
  for (const { stack, model } of [...consumers].sort((a, b) => a.stack.localeCompare(b.stack))) {
    const endpoints = [...model.endpoints].sort((a, b) => a.resource.localeCompare(b.resource));
    const azOf = (subnet: string, endpoint: string): string => {
      const az = world.subnetAz.get(subnet);
      if (az === undefined) throw new Error(`${stack}: aws_vpc_endpoint.${endpoint} uses subnet ${subnet}, whose AZ the spec does not give`);
      return az;
    };
    const azIds = [...new Set(endpoints.flatMap((e) => e.subnetIds.map((s) => azOf(s, e.resource))))].sort();
    const cidrText = world.clientCidrs.get(stack)?.[0];
    if (cidrText === undefined) throw new Error(`${stack}: the twin places clients in the consumer's first client CIDR, and it has none`);
    const cidr = parseCidr(cidrText);
    if (cidrSize(cidr) < (azIds.length + 1) * 256) {
      throw new Error(`${stack}: client CIDR ${cidrText} is too small for one /24 per AZ (${azIds.length} AZs)`);
    }
    const block = (azId: string): number => cidr.base + (azIds.indexOf(azId) + 1) * 256;
    for (const azId of azIds) clients.push({ consumer: stack, azId, address: formatIpv4(block(azId) + 10) });

    endpoints.forEach((endpoint, index) => {
      const service = endpoint.service ?? provider.serviceOutputs.get(endpoint.serviceOutput ?? '');
      const lbs = provider.endpointServices.get(service ?? '');
      if (lbs === undefined || lbs.length !== 1) {
        throw new Error(
          `${stack}: aws_vpc_endpoint.${endpoint.resource} should reach one NLB through an endpoint service of the provider stack ` +
            `(service_name from output ${endpoint.serviceOutput ?? '?'}), found ${lbs?.length ?? 0}`,
        );
      }
      for (const subnet of endpoint.subnetIds) {
        const azId = azOf(subnet, endpoint.resource);
        enis.push({ consumer: stack, endpoint: endpoint.resource, loadBalancer: lbs[0]!, azId, address: formatIpv4(block(azId) + 100 + index) });
      }
    });

    for (const record of model.records) {
      const addresses = enis
        .filter((e) => e.consumer === stack && e.endpoint === record.endpoint && (record.azId === undefined || e.azId === record.azId))
        .map((e) => e.address);
      if (addresses.length === 0) {
        throw new Error(`${stack}: aws_route53_record.${record.resource} (${record.name}) points to no ENI of aws_vpc_endpoint.${record.endpoint}`);
      }
      records.push({ consumer: stack, name: record.name, addresses, regional: record.azId === undefined });
    }
  }

  const frontends: Frontend[] = provider.loadBalancers.flatMap((lb) => {
    const lbEnis = enis.filter((e) => e.loadBalancer === lb.resource);
    return lb.listeners.map((listener): Frontend => {
      const admissions = consumers.flatMap(({ stack, model }) =>
        model.endpoints
          .map((endpoint) => ({
            enis: lbEnis.filter((e) => e.consumer === stack && e.endpoint === endpoint.resource).map((e) => e.address),
            cidrs: covering(model.ingress, endpoint.securityGroups, listener.port),
            ...(lb.enforceInboundRulesOnPrivateLink ? { nlbCidrs: covering(provider.ingress, lb.securityGroups, listener.port) } : {}),
          }))
          .filter((a) => a.enis.length > 0),
      );
      return {
        name: listener.resource,
        loadBalancer: lb.resource,
        port: listener.port,
        backend: listener.targetGroup,
        ...(listener.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: listener.idleTimeoutSeconds } : {}),
        binds: lbEnis.map((e) => e.address),
        admissions,
      };
    });
  });

  const taken = new Map<number, string>();
  const claim = (address: string, what: string): void => {
    const n = parseIpv4(address);
    const other = taken.get(n);
    if (other !== undefined) throw new Error(`the twin would give ${address} to both ${other} and ${what}`);
    taken.set(n, what);
  };
  for (const b of brokers) claim(b.privateIp, b.host);
  for (const e of enis) claim(e.address, `ENI ${e.consumer}/${e.endpoint}/${e.azId}`);
  for (const c of clients) claim(c.address, `client ${c.consumer}/${c.azId}`);
  const nlbAddress = nlbAddressFor(brokers, new Set(taken.keys()));
  const providerClientAddress = nlbAddressFor(brokers, new Set([...taken.keys(), parseIpv4(nlbAddress)]));

  return { brokers, nlbAddress, providerClientAddress, enis, clients, frontends, backends, records };
}
