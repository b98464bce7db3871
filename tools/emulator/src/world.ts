import type { SpecInput } from '@kafka-privatelink/cluster-spec';

/** What the emulator must hold before the stacks can apply: the spec's "already exists". */
export interface SeedRequest {
  readonly vpcs: readonly SeedVpc[];
}

export interface SeedVpc {
  /** `provider` or `consumer:<name>`. */
  readonly key: string;
  readonly account: string;
  readonly region: string;
  readonly cidr: string;
  readonly subnets: readonly { readonly key: string; readonly azId: string; readonly cidr: string }[];
  readonly securityGroups: readonly { readonly key: string; readonly name: string }[];
  readonly instances: readonly { readonly key: string; readonly subnet: string; readonly privateIp: string; readonly securityGroups: readonly string[] }[];
}

/** What the emulator created, by the request's keys. */
export type Seeded = Readonly<
  Record<string, { readonly vpcId: string; readonly subnets: Record<string, string>; readonly securityGroups: Record<string, string>; readonly instances: Record<string, string> }>
>;

/** A broker the emulator holds an instance for, to be added to the spec later (scale-out). */
export interface SpareBroker {
  readonly id: number;
  readonly azId: string;
  readonly privateIp: string;
}

export const BROKER_GROUP = 'brokers';
/**
 * The role a stack assumes in its account, where the spec names none. The emulator's own
 * credentials belong to no stack's account (as a CI identity's), so every stack reaches its
 * account through a role, as a cross-account pipeline does.
 */
export const deployRoleArn = (account: string): string => `arn:aws:iam::${account}:role/kafka-privatelink-deploy`;

const ipv4 = (ip: string): number => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const dotted = (n: number): string => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');

/** The /24 that holds `ip`: the broker subnets are cut around the brokers' addresses. */
const block24 = (ip: string): string => `${dotted(ipv4(ip) & 0xffffff00)}/24`;

/** The smallest /16 that holds every address, as the VPC's CIDR. */
function vpcCidr(ips: readonly string[]): string {
  const firsts = new Set(ips.map((ip) => ipv4(ip) & 0xffff0000));
  if (firsts.size !== 1) throw new Error(`the brokers' addresses ${ips.join(', ')} do not share one /16; the emulator seeds one VPC`);
  return `${dotted([...firsts][0]!)}/16`;
}

/**
 * The VPCs, subnets, broker security group and instances that `spec` references, in the accounts
 * and regions it names. Broker subnets are the /24s of the brokers' addresses (one per AZ ID, and
 * no two AZs in one /24); an AZ without brokers gets the VPC's x.y.(200 + n).0/24, n its place
 * among the sorted AZ IDs.
 */
export function seedRequest(spec: SpecInput, spares: readonly SpareBroker[] = []): SeedRequest {
  const brokers = [...spec.brokers, ...spares];
  const azIds = Object.keys(spec.provider.nlbSubnets).sort();
  const cidr = vpcCidr(brokers.map((b) => b.privateIp));
  const byAz = new Map(azIds.map((azId) => [azId, new Set(brokers.filter((b) => b.azId === azId).map((b) => block24(b.privateIp)))] as const));
  const used = [...byAz.values()].filter((blocks) => blocks.size > 0);
  const separate = used.every((blocks) => blocks.size === 1) && new Set(used.map((b) => [...b][0])).size === used.length;
  if (!separate) throw new Error('each AZ must hold its brokers in one /24 of its own; the emulator cuts one subnet per AZ from them');
  // An NLB subnet of an AZ without brokers (a broker removed) still needs a subnet.
  const spare = (n: number): string => `${dotted((ipv4(cidr.split('/')[0]!) | ((200 + n) << 8)) >>> 0)}/24`;
  azIds.forEach((azId, n) => {
    if (byAz.get(azId)!.size === 0) byAz.set(azId, new Set([spare(n)]));
  });
  const provider: SeedVpc = {
    key: 'provider',
    account: spec.provider.account,
    region: spec.provider.region,
    cidr,
    subnets: azIds.map((azId) => ({ key: azId, azId, cidr: [...byAz.get(azId)!][0]! })),
    securityGroups: [{ key: BROKER_GROUP, name: `${spec.cluster}-brokers` }],
    instances:
      spec.provider.targetType === 'ip'
        ? []
        : brokers.map((b) => ({ key: String(b.id), subnet: b.azId, privateIp: b.privateIp, securityGroups: [BROKER_GROUP] })),
  };
  const consumers: SeedVpc[] = (spec.consumers ?? []).map((c, i) => ({
    key: `consumer:${c.name}`,
    account: c.account,
    region: c.region ?? spec.provider.region,
    cidr: `10.${200 + i}.0.0/16`,
    subnets: Object.keys(c.subnets)
      .sort()
      .map((azId, n) => ({ key: azId, azId, cidr: `10.${200 + i}.${n + 1}.0/24` })),
    securityGroups: [],
    instances: [],
  }));
  return { vpcs: [provider, ...consumers] };
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the emulator did not seed ${what}`);
  return value;
}

/**
 * `spec` with every id replaced by what the emulator created, every stack deploying through a
 * role in its own account, state under `stateDirectory` unless the spec keeps it in S3.
 */
export function deriveSpec(spec: SpecInput, seeded: Seeded, stateDirectory: string): SpecInput {
  const provider = must(seeded.provider, 'the provider VPC');
  const instance = (id: number): string => must(provider.instances[String(id)], `the instance of broker ${id}`);
  return {
    ...spec,
    provider: {
      ...spec.provider,
      vpcId: provider.vpcId,
      nlbSubnets: Object.fromEntries(Object.keys(spec.provider.nlbSubnets).map((azId) => [azId, must(provider.subnets[azId], `the subnet in ${azId}`)])),
      brokerSecurityGroupId: must(provider.securityGroups[BROKER_GROUP], 'the broker security group'),
      assumeRoleArn: spec.provider.assumeRoleArn ?? deployRoleArn(spec.provider.account),
    },
    brokers: spec.brokers.map((b) => (spec.provider.targetType === 'ip' ? b : { ...b, instanceId: instance(b.id) })),
    // An S3 backend is the scenario's own (its bucket and table are in the emulator); else local state.
    backend: spec.backend?.type === 's3' ? spec.backend : { type: 'local', directory: stateDirectory },
    consumers: (spec.consumers ?? []).map((c) => {
      const vpc = must(seeded[`consumer:${c.name}`], `the VPC of consumer ${c.name}`);
      return {
        ...c,
        vpcId: vpc.vpcId,
        subnets: Object.fromEntries(Object.keys(c.subnets).map((azId) => [azId, must(vpc.subnets[azId], `consumer ${c.name}'s subnet in ${azId}`)])),
        assumeRoleArn: c.assumeRoleArn ?? deployRoleArn(c.account),
      };
    }),
  };
}

/** The spec with one more broker, given the instance the emulator already holds for it. */
export function withBroker(spec: SpecInput, broker: SpareBroker, seeded: Seeded): SpecInput {
  const instanceId = must(seeded.provider?.instances[String(broker.id)], `the instance of broker ${broker.id}`);
  return { ...spec, brokers: [...spec.brokers, { ...broker, ...(spec.provider.targetType === 'ip' ? {} : { instanceId }) }] };
}

export function withoutBroker(spec: SpecInput, id: number): SpecInput {
  return { ...spec, brokers: spec.brokers.filter((b) => b.id !== id) };
}

/** Consumer accounts other than the provider's: their AZ names are shifted in the emulator. */
export const consumerAccountsOf = (spec: SpecInput): string[] =>
  (spec.consumers ?? []).map((c) => c.account).filter((a) => a !== spec.provider.account);
