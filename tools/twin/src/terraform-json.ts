/**
 * Reads the synthesized Terraform JSON (cdk.tf.json) into the few facts the twin plays: the NLB
 * listeners and their targets, the endpoint services, the consumers' endpoints, security group
 * rules and DNS records. Wiring is followed through Terraform references (`${aws_lb.x.arn}`),
 * never through resource names or list positions, so any naming the stacks choose works.
 */

type Json = Record<string, unknown>;

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Json>>;
  readonly data?: Record<string, Record<string, Json>>;
  readonly output?: Record<string, { readonly value?: unknown }>;
}

/** A reference inside a Terraform expression: `aws_lb.nlb_s0.arn`, `data.aws_subnet.a.id`. */
export interface Reference {
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  /** The attribute path after the name, e.g. `['outputs', 'shard_0_endpoint_service_name']`. */
  readonly path: readonly string[];
}

const REFERENCE = /(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*)*)/g;

/** Every reference to a resource or data source in a value (strings, arrays and objects, deeply). */
export function referencesIn(value: unknown): Reference[] {
  const found: Reference[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const body of v.matchAll(/\$\{([\s\S]*)\}/g)) {
        for (const m of body[1]!.matchAll(REFERENCE)) {
          found.push({ data: m[1] !== undefined, type: m[2]!, name: m[3]!, path: m[4] ? m[4].slice(1).split('.') : [] });
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return found;
}

/** Names of the resources (or data sources) of one type that a value refers to, without duplicates. */
export function referencedNames(value: unknown, type: string, data = false): string[] {
  return [...new Set(referencesIn(value).filter((r) => r.type === type && r.data === data).map((r) => r.name))];
}

function onlyReference(value: unknown, type: string, where: string): string {
  const names = referencedNames(value, type);
  if (names.length !== 1) {
    throw new Error(`${where} should refer to exactly one ${type}, found ${names.length}: ${JSON.stringify(value)}`);
  }
  return names[0]!;
}

const resourcesOf = (json: TerraformJson, type: string): [string, Json][] => Object.entries(json.resource?.[type] ?? {});
const dataOf = (json: TerraformJson, type: string): [string, Json][] => Object.entries(json.data?.[type] ?? {});

function numberOf(value: unknown, where: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`${where} should be a number, got ${JSON.stringify(value)}`);
  return n;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** An inbound TCP rule of a security group, by CIDR. Rules between security groups are not modelled. */
export interface IngressRule {
  /** Terraform name of the `aws_security_group`. */
  readonly securityGroup: string;
  readonly cidr: string;
  readonly fromPort: number;
  readonly toPort: number;
}

function ingressRules(json: TerraformJson): IngressRule[] {
  const rules: IngressRule[] = [];
  const tcp = (protocol: unknown): boolean => protocol === 'tcp' || protocol === '6' || protocol === '-1' || protocol === 'all';
  for (const [name, r] of resourcesOf(json, 'aws_vpc_security_group_ingress_rule')) {
    const group = referencedNames(r.security_group_id, 'aws_security_group');
    if (group.length !== 1 || typeof r.cidr_ipv4 !== 'string' || !tcp(r.ip_protocol)) continue;
    const all = r.ip_protocol === '-1' || r.ip_protocol === 'all';
    rules.push({
      securityGroup: group[0]!,
      cidr: r.cidr_ipv4,
      fromPort: all ? 0 : numberOf(r.from_port, `aws_vpc_security_group_ingress_rule.${name}.from_port`),
      toPort: all ? 65535 : numberOf(r.to_port, `aws_vpc_security_group_ingress_rule.${name}.to_port`),
    });
  }
  for (const [name, r] of resourcesOf(json, 'aws_security_group_rule')) {
    const group = referencedNames(r.security_group_id, 'aws_security_group');
    if (r.type !== 'ingress' || group.length !== 1 || !tcp(r.protocol)) continue;
    for (const cidr of asArray(r.cidr_blocks)) {
      rules.push({
        securityGroup: group[0]!,
        cidr: String(cidr),
        fromPort: numberOf(r.from_port, `aws_security_group_rule.${name}.from_port`),
        toPort: numberOf(r.to_port, `aws_security_group_rule.${name}.to_port`),
      });
    }
  }
  for (const [name, sg] of resourcesOf(json, 'aws_security_group')) {
    for (const block of asArray(sg.ingress) as Json[]) {
      if (!tcp(block.protocol)) continue;
      for (const cidr of asArray(block.cidr_blocks)) {
        rules.push({
          securityGroup: name,
          cidr: String(cidr),
          fromPort: numberOf(block.from_port, `aws_security_group.${name}.ingress.from_port`),
          toPort: numberOf(block.to_port, `aws_security_group.${name}.ingress.to_port`),
        });
      }
    }
  }
  return rules;
}

export interface HealthCheck {
  readonly intervalSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface TargetGroupModel {
  /** Terraform name: `aws_lb_target_group.<name>`. */
  readonly resource: string;
  readonly port: number;
  readonly targetType: string;
  readonly healthCheck: HealthCheck;
  /** The registered targets: an instance id or an IP, with the port traffic goes to. */
  readonly targets: readonly { readonly targetId: string; readonly port: number }[];
}

export interface ListenerModel {
  readonly resource: string;
  readonly port: number;
  readonly targetGroup: string;
  readonly idleTimeoutSeconds?: number;
}

export interface LoadBalancerModel {
  readonly resource: string;
  readonly name: string;
  readonly crossZone: boolean;
  /** Whether the NLB's security groups also filter PrivateLink traffic (by the clients' own IPs). */
  readonly enforceInboundRulesOnPrivateLink: boolean;
  readonly securityGroups: readonly string[];
  /** Sorted by port. */
  readonly listeners: readonly ListenerModel[];
}

export interface ProviderModel {
  readonly loadBalancers: readonly LoadBalancerModel[];
  readonly targetGroups: ReadonlyMap<string, TargetGroupModel>;
  /** Endpoint service → the NLBs behind it. */
  readonly endpointServices: ReadonlyMap<string, readonly string[]>;
  /** Provider output name → the endpoint service its value comes from (only such outputs). */
  readonly serviceOutputs: ReadonlyMap<string, string>;
  readonly ingress: readonly IngressRule[];
}

const DEFAULT_HEALTH_CHECK: HealthCheck = { intervalSeconds: 30, healthyThreshold: 3, unhealthyThreshold: 3 };

export function readProviderStack(json: TerraformJson): ProviderModel {
  const targetGroups = new Map<string, TargetGroupModel>();
  const attachments = resourcesOf(json, 'aws_lb_target_group_attachment');
  for (const [name, tg] of resourcesOf(json, 'aws_lb_target_group')) {
    const port = numberOf(tg.port, `aws_lb_target_group.${name}.port`);
    const hc = (asArray(tg.health_check)[0] ?? {}) as Json;
    targetGroups.set(name, {
      resource: name,
      port,
      targetType: String(tg.target_type ?? 'instance'),
      healthCheck: {
        intervalSeconds: hc.interval === undefined ? DEFAULT_HEALTH_CHECK.intervalSeconds : numberOf(hc.interval, `${name}.health_check.interval`),
        healthyThreshold:
          hc.healthy_threshold === undefined ? DEFAULT_HEALTH_CHECK.healthyThreshold : numberOf(hc.healthy_threshold, `${name}.health_check.healthy_threshold`),
        unhealthyThreshold:
          hc.unhealthy_threshold === undefined
            ? DEFAULT_HEALTH_CHECK.unhealthyThreshold
            : numberOf(hc.unhealthy_threshold, `${name}.health_check.unhealthy_threshold`),
      },
      targets: attachments
        .filter(([, a]) => referencedNames(a.target_group_arn, 'aws_lb_target_group').includes(name))
        .map(([attachment, a]) => ({
          targetId: String(a.target_id),
          port: a.port === undefined ? port : numberOf(a.port, `aws_lb_target_group_attachment.${attachment}.port`),
        })),
    });
  }

  const listeners = resourcesOf(json, 'aws_lb_listener').map(([name, l]) => {
    const forward = (asArray(l.default_action) as Json[]).filter((a) => a.type === 'forward');
    if (forward.length !== 1) throw new Error(`aws_lb_listener.${name} should have one forward default_action, found ${forward.length}`);
    const targetGroup = onlyReference(forward[0]!.target_group_arn, 'aws_lb_target_group', `aws_lb_listener.${name}.default_action`);
    if (!targetGroups.has(targetGroup)) throw new Error(`aws_lb_listener.${name} forwards to aws_lb_target_group.${targetGroup}, which the stack does not hold`);
    return {
      loadBalancer: onlyReference(l.load_balancer_arn, 'aws_lb', `aws_lb_listener.${name}.load_balancer_arn`),
      listener: {
        resource: name,
        port: numberOf(l.port, `aws_lb_listener.${name}.port`),
        targetGroup,
        ...(l.tcp_idle_timeout_seconds !== undefined
          ? { idleTimeoutSeconds: numberOf(l.tcp_idle_timeout_seconds, `aws_lb_listener.${name}.tcp_idle_timeout_seconds`) }
          : {}),
      } satisfies ListenerModel,
    };
  });

  const loadBalancers = resourcesOf(json, 'aws_lb').map(([name, lb]): LoadBalancerModel => ({
    resource: name,
    name: String(lb.name ?? name),
    crossZone: lb.enable_cross_zone_load_balancing === true || lb.enable_cross_zone_load_balancing === 'true',
    enforceInboundRulesOnPrivateLink: lb.enforce_security_group_inbound_rules_on_private_link_traffic === 'on',
    securityGroups: referencedNames(lb.security_groups, 'aws_security_group'),
    listeners: listeners
      .filter((l) => l.loadBalancer === name)
      .map((l) => l.listener)
      .sort((a, b) => a.port - b.port),
  }));

  const endpointServices = new Map(
    resourcesOf(json, 'aws_vpc_endpoint_service').map(([name, s]) => [name, referencedNames(s.network_load_balancer_arns, 'aws_lb')] as const),
  );
  const serviceOutputs = new Map<string, string>();
  for (const [name, output] of Object.entries(json.output ?? {})) {
    const services = referencedNames(output.value, 'aws_vpc_endpoint_service');
    if (services.length === 1 && referencesIn(output.value).some((r) => r.path[0] === 'service_name')) serviceOutputs.set(name, services[0]!);
  }
  return { loadBalancers, targetGroups, endpointServices, serviceOutputs, ingress: ingressRules(json) };
}

export interface EndpointModel {
  readonly resource: string;
  /** The provider output that holds the service name (through remote state). */
  readonly serviceOutput?: string;
  /** An endpoint service of the same stack. */
  readonly service?: string;
  /** Subnet ids as they will be deployed (data sources resolved to their `id`). */
  readonly subnetIds: readonly string[];
  readonly securityGroups: readonly string[];
}

export interface DnsRecordModel {
  readonly resource: string;
  /** Fully qualified, without the trailing dot. */
  readonly name: string;
  readonly endpoint: string;
  /** The AZ ID of the endpoint's zonal DNS name it points to; absent for the regional name (all AZs). */
  readonly azId?: string;
}

export interface ConsumerModel {
  readonly endpoints: readonly EndpointModel[];
  readonly records: readonly DnsRecordModel[];
  readonly ingress: readonly IngressRule[];
  /** Outputs whose values are known at synth (no references), e.g. `bootstrap_servers`. */
  readonly outputs: ReadonlyMap<string, unknown>;
}

/**
 * A record points to an endpoint's zonal name when its target expression selects by exactly one
 * AZ (through `data.aws_availability_zone`) and does not exclude it; anything else that refers to
 * the endpoint is its regional name, which AWS resolves to the ENIs of every AZ.
 */
function recordAz(json: TerraformJson, target: unknown): string | undefined {
  const azs = referencedNames(target, 'aws_availability_zone', true);
  const excludes = /![\s(]*(endswith|startswith|contains|strcontains)\s*\(/.test(JSON.stringify(target));
  if (azs.length !== 1 || excludes) return undefined;
  const zone = json.data?.aws_availability_zone?.[azs[0]!];
  if (typeof zone?.zone_id !== 'string') {
    throw new Error(`data.aws_availability_zone.${azs[0]} should select an AZ by zone_id (an AZ ID), got ${JSON.stringify(zone)}`);
  }
  return zone.zone_id;
}

export function readConsumerStack(json: TerraformJson): ConsumerModel {
  const subnetData = new Map(dataOf(json, 'aws_subnet').map(([name, s]) => [name, s.id] as const));
  const endpoints = resourcesOf(json, 'aws_vpc_endpoint').map(([name, e]): EndpointModel => {
    const viaRemoteState = referencesIn(e.service_name).find((r) => r.data && r.type === 'terraform_remote_state' && r.path[0] === 'outputs');
    const service = referencedNames(e.service_name, 'aws_vpc_endpoint_service');
    const subnetIds = asArray(e.subnet_ids).map((s) => {
      const names = referencedNames(s, 'aws_subnet', true);
      if (names.length === 0) return String(s);
      const id = subnetData.get(names[0]!);
      if (typeof id !== 'string') throw new Error(`data.aws_subnet.${names[0]} (subnet of aws_vpc_endpoint.${name}) should select a subnet by id`);
      return id;
    });
    return {
      resource: name,
      ...(viaRemoteState ? { serviceOutput: viaRemoteState.path[1]! } : {}),
      ...(service.length === 1 ? { service: service[0]! } : {}),
      subnetIds,
      securityGroups: referencedNames(e.security_group_ids, 'aws_security_group'),
    };
  });

  const zones = new Map(resourcesOf(json, 'aws_route53_zone').map(([name, z]) => [name, String(z.name).replace(/\.$/, '')] as const));
  const records: DnsRecordModel[] = [];
  for (const [name, r] of resourcesOf(json, 'aws_route53_record')) {
    const target = r.alias ?? r.records;
    const endpoint = referencedNames(target, 'aws_vpc_endpoint');
    if (endpoint.length !== 1) continue;
    const zone = zones.get(referencedNames(r.zone_id, 'aws_route53_zone')[0] ?? '');
    const bare = String(r.name).replace(/\.$/, '');
    const fqdn = zone === undefined || bare === zone || bare.endsWith(`.${zone}`) ? bare : `${bare}.${zone}`;
    const azId = recordAz(json, target);
    records.push({ resource: name, name: fqdn, endpoint: endpoint[0]!, ...(azId ? { azId } : {}) });
  }
  const outputs = new Map(
    Object.entries(json.output ?? {})
      .filter(([, o]) => !JSON.stringify(o.value ?? null).includes('${'))
      .map(([name, o]) => [name, o.value] as const),
  );
  return { endpoints, records, ingress: ingressRules(json), outputs };
}
