import { z } from 'zod';
import {
  MAX_BROKERS_PER_NLB,
  MAX_LISTENERS_PER_NLB,
  MAX_NLBS_PER_REGION,
  NLB_DEREGISTRATION_DELAY_SECONDS,
  NLB_HEALTH_CHECK,
  NLB_IDLE_TIMEOUT_SECONDS,
} from './aws-limits';
import { BACKEND_DEFAULTS, DNS_DEFAULTS, KAFKA_DEFAULTS, NLB_DEFAULTS, PORT_DEFAULTS } from './defaults';
import { shadowingZone } from './dns-zones';
import { tagKeySchema, tagValueSchema } from './tags';

/**
 * The cluster spec, written once. The TypeScript types, the runtime validation and the published
 * JSON Schema (cluster-spec.schema.json) all come from here. Checks that need more than one field
 * (duplicate ids, AZ coverage, port overlaps, derived names) are in validate.ts.
 */

export const AZ_ID = /^[a-z]{2,6}[0-9]+(-[a-z]+[0-9]+)?-az[0-9]+$/;
// The shape only; validate.ts checks that the Region exists.
const REGION = /^[a-z]{2,4}(-[a-z]+)?-[a-z]+-[0-9]+$/;
const ACCOUNT = /^[0-9]{12}$/;
const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SG_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
// A DNS host name or FQDN: it also names the broker's host_vars file, so no path characters.
const INVENTORY_HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;
const HOSTED_ZONE_ID = /^Z[0-9A-Z]{1,31}$/;
const CLUSTER_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
const LISTENER_NAME = /^[A-Z][A-Z0-9_]*$/;
/** The one DNS label rule (RFC 1123, lower case): every name the product writes is made of these. */
const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
export const DNS_LABEL = new RegExp(`^${LABEL}$`);
const DNS_ZONE = new RegExp(`^(${LABEL}\\.)*${LABEL}$`);

const shaped = (pattern: RegExp, what: string, example: string) =>
  z.string().regex(pattern, `must be ${what}, like ${example}`);

/** A whole number in AWS's range for the setting: the message says the range and whose it is. */
const wholeBetween = ({ min, max }: { readonly min: number; readonly max: number }, what: string) => {
  const range = `must be a whole number between ${min} and ${max} (${what})`;
  return z.number({ error: range }).int(range).min(min, range).max(max, range);
};

const AZ_NAME = /^([a-z]{2}(-[a-z]+)+-[0-9]+)[a-z]$/;
export const azIdSchema = z.string().regex(AZ_ID, {
  error: (issue) => {
    const region = typeof issue.input === 'string' ? AZ_NAME.exec(issue.input)?.[1] : undefined;
    // AZ names are shuffled per account; only AZ IDs name the same place in every account.
    return region === undefined
      ? 'must be an AZ ID of the form <region-code>-az<N>, like apse1-az1'
      : 'is an AZ name, and AZ names differ between accounts: give the AZ ID, like apse1-az1; ' +
          `\`aws ec2 describe-availability-zones --region ${region} --query 'AvailabilityZones[].[ZoneName,ZoneId]'\` lists both`;
  },
});
export const regionSchema = shaped(REGION, 'an AWS region name', 'ap-southeast-1');
export const accountSchema = z
  .string({ error: 'must be a 12-digit AWS account id in quotes (YAML drops leading zeros of numbers)' })
  .regex(ACCOUNT, 'must be a 12-digit AWS account id, like "111122223333"');
const vpcIdSchema = shaped(VPC_ID, 'a VPC id', 'vpc-0a1b2c3d4e5f60718');
const subnetIdSchema = shaped(SUBNET_ID, 'a subnet id', 'subnet-0a1b2c3d4e5f60718');
const sgIdSchema = shaped(SG_ID, 'a security group id', 'sg-0a1b2c3d4e5f60718');
const roleArnSchema = shaped(ROLE_ARN, 'an IAM role ARN', 'arn:aws:iam::111122223333:role/deployer');
const portSchema = z
  .number({ error: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;
export const ipv4Schema = z.string().regex(IPV4, 'must be an IPv4 address, like 10.0.1.11');

/** Integer value of a dotted IPv4 address. */
export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** Whether the IPv4 CIDR block holds the address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [network, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  return Math.floor(ipv4ToInt(ip) / size) === Math.floor(ipv4ToInt(network) / size);
}

/** How many addresses the IPv4 CIDR blocks cover together, each address counted once. */
export function cidrUnionSize(cidrs: readonly string[]): number {
  const blocks = cidrs
    .map((cidr) => {
      const [network, prefix] = cidr.split('/');
      const start = ipv4ToInt(network);
      return { start, end: start + 2 ** (32 - Number(prefix)) };
    })
    .sort((a, b) => a.start - b.start);
  let covered = 0;
  let reach = 0;
  for (const { start, end } of blocks) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return covered;
}

export const cidrSchema = z.string().superRefine((value, ctx) => {
  const [ip, prefixText, ...rest] = value.split('/');
  const prefix = Number(prefixText);
  if (rest.length > 0 || !IPV4.test(ip ?? '') || !/^([0-9]|[12][0-9]|3[0-2])$/.test(prefixText ?? '')) {
    ctx.addIssue({ code: 'custom', message: 'must be an IPv4 CIDR block, like 10.20.0.0/16' });
    return;
  }
  const address = ipv4ToInt(ip);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    const canonical = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join('.');
    ctx.addIssue({ code: 'custom', message: `has host bits set; the block is ${canonical}/${prefix}` });
    return;
  }
  if (prefix === 0) {
    ctx.addIssue({ code: 'custom', message: 'must not be 0.0.0.0/0: allow the clients\' own networks only' });
  }
});

const byAzId = <T extends z.ZodType>(value: T) => z.record(azIdSchema, value);

export const listenerSchema = z.strictObject({
  name: shaped(LISTENER_NAME, 'a Kafka listener name in capitals', 'CLIENT').describe('Kafka listener name.'),
  port: portSchema.describe('Port the broker listens on for this listener.'),
  securityProtocol: z
    .enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'])
    .default(KAFKA_DEFAULTS.securityProtocol)
    .describe(`Kafka security protocol of the listener. @default ${KAFKA_DEFAULTS.securityProtocol}`),
});

const HEALTH = NLB_DEFAULTS.healthCheck;
const healthCheckSchema = z
  .strictObject({
    intervalSeconds: wholeBetween(NLB_HEALTH_CHECK.intervalSeconds, 'NLB health check interval').default(HEALTH.intervalSeconds).describe(`@default ${HEALTH.intervalSeconds}`),
    healthyThreshold: wholeBetween(NLB_HEALTH_CHECK.threshold, 'NLB health check threshold').default(HEALTH.healthyThreshold).describe(`@default ${HEALTH.healthyThreshold}`),
    unhealthyThreshold: wholeBetween(NLB_HEALTH_CHECK.threshold, 'NLB health check threshold').default(HEALTH.unhealthyThreshold).describe(`@default ${HEALTH.unhealthyThreshold}`),
  })
  .describe('TCP health checks on the broker client port.');

/**
 * The provider settings that reach the NLB, its target groups or its endpoint service as written,
 * declared once: the spec validates them under `provider`, the plan carries them
 * ({@link NlbSettings}), and the provider construct takes them as props ({@link NlbSettingsInput})
 * and checks them with this same schema. A new one is a field here, its rendering in the construct
 * and a row in the README's spec table. Defaults: {@link NLB_DEFAULTS}.
 */
export const nlbSettingsShape = {
  /** Register brokers by instance id or by private IP. @default {@link NLB_DEFAULTS} */
  targetType: z
    .enum(['instance', 'ip'], { error: 'must be instance (brokers by instanceId) or ip (by privateIp)' })
    .default(NLB_DEFAULTS.targetType)
    .describe(`Register brokers by instance id or by private IP. @default ${NLB_DEFAULTS.targetType}`),
  /** Cross-zone load balancing of the NLB. @default {@link NLB_DEFAULTS} */
  crossZoneLoadBalancing: z.boolean().default(NLB_DEFAULTS.crossZoneLoadBalancing).describe(`@default ${NLB_DEFAULTS.crossZoneLoadBalancing}`),
  /** Endpoint connections need acceptance. @default {@link NLB_DEFAULTS} */
  acceptanceRequired: z
    .boolean()
    .default(NLB_DEFAULTS.acceptanceRequired)
    .describe(`Endpoint connections must be accepted. @default ${NLB_DEFAULTS.acceptanceRequired}`),
  /** TCP idle timeout of the listeners. @default - AWS's ({@link NLB_IDLE_TIMEOUT_SECONDS}): the attribute is left out */
  idleTimeoutSeconds: wholeBetween(NLB_IDLE_TIMEOUT_SECONDS, 'NLB TCP idle timeout')
    .optional()
    .describe(`TCP idle timeout of the NLB listeners. @default - AWS default, ${NLB_IDLE_TIMEOUT_SECONDS.default} s`),
  /** TCP health checks on the target port. @default {@link NLB_DEFAULTS} */
  healthCheck: healthCheckSchema.prefault({}),
  /**
   * How long a deregistering broker keeps its open connections before its target group lets it go,
   * in seconds (the target groups' `deregistration_delay`). Kafka clients reconnect to another
   * broker at once, so a short delay speeds up replacing a broker's target.
   * @default - AWS's ({@link NLB_DEREGISTRATION_DELAY_SECONDS}): the attribute is left out
   */
  deregistrationDelaySeconds: wholeBetween(NLB_DEREGISTRATION_DELAY_SECONDS, 'target group deregistration delay')
    .optional()
    .describe(
      'Seconds a deregistering broker keeps its open connections before its target groups let it go (deregistration_delay). ' +
        `@default - AWS default, ${NLB_DEREGISTRATION_DELAY_SECONDS.default} s`,
    ),
};
export const nlbSettingsSchema = z.strictObject(nlbSettingsShape);
/** The NLB settings with every default applied: what the plan holds. */
export type NlbSettings = z.output<typeof nlbSettingsSchema>;
/** The NLB settings as a spec or a construct's props give them: every one with a default may be left out. */
export type NlbSettingsInput = Readonly<z.input<typeof nlbSettingsSchema>>;
/** The name of every NLB setting. */
export const NLB_SETTING_KEYS = Object.keys(nlbSettingsShape) as readonly (keyof NlbSettings)[];

export const providerSchema = z.strictObject({
  account: accountSchema.describe('AWS account that owns the Kafka VPC.'),
  region: regionSchema.describe('Region of the Kafka VPC.'),
  assumeRoleArn: roleArnSchema.optional().describe('Role the AWS provider assumes to deploy the provider stack.'),
  vpcId: vpcIdSchema.describe('The Kafka VPC.'),
  nlbSubnets: byAzId(subnetIdSchema).describe('One subnet per AZ ID for the NLB; its AZ IDs are the exposure\'s AZs.'),
  brokerSecurityGroupId: sgIdSchema.describe('Security group of the brokers; gets ingress on the client port from the NLB.'),
  enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: z
    .boolean({ error: 'must be set to true or false: whether the NLB security group filters PrivateLink traffic' })
    .describe('Whether the NLB security group\'s inbound rules apply to PrivateLink traffic. Required: a security choice.'),
  ...nlbSettingsShape,
  allowedPrincipals: z
    .array(z.union([z.literal('*'), shaped(PRINCIPAL_ARN, 'an IAM principal ARN or "*"', 'arn:aws:iam::111122223333:root')]))
    .default([])
    .describe('Principals allowed besides the consumer accounts ("*" allows anyone). @default - the consumer accounts only'),
  publicExposure: z
    .strictObject({
      reason: z
        .string({ error: 'must say in words why anyone may connect' })
        .trim()
        .min(20, 'must say in a sentence (20 characters at least) why any AWS account may connect without approval or authentication'),
    })
    .optional()
    .describe(
      'The written consent to an exposure that nothing restricts: allowedPrincipals "*", acceptanceRequired false and a client listener without SASL. ' +
        '@default - such an exposure is refused',
    ),
});

export const brokerSchema = z.strictObject({
  id: z.number().int('must be a whole number').min(0, 'must be 0 or more').max(2147483647).describe('Kafka broker.id / node.id.'),
  azId: azIdSchema.describe('AZ ID of the broker.'),
  instanceId: shaped(INSTANCE_ID, 'an EC2 instance id', 'i-0a1b2c3d4e5f60718').optional().describe('Needed when targetType is instance.'),
  privateIp: ipv4Schema.describe('Private IP of the broker: the internal listener and the Ansible host.'),
  inventoryHostname: shaped(INVENTORY_HOSTNAME, 'a host name or FQDN (letters, digits, hyphens, dots)', 'kafka-101.prod.example.com')
    .optional()
    .describe("The broker's host name in the team's Ansible inventory (the FQDN with cp-ansible). @default broker-<id>"),
});

const listenerDefault = (l: { readonly name: string; readonly port: number }) => `${l.name} on ${l.port}, ${KAFKA_DEFAULTS.securityProtocol}`;

export const kafkaSchema = z.strictObject({
  internalListener: listenerSchema.prefault(KAFKA_DEFAULTS.internalListener).describe(`@default ${listenerDefault(KAFKA_DEFAULTS.internalListener)}`),
  clientListener: listenerSchema
    .prefault(KAFKA_DEFAULTS.clientListener)
    .describe(`Listener reached through PrivateLink. @default ${listenerDefault(KAFKA_DEFAULTS.clientListener)}`),
  controllerListener: listenerSchema
    .optional()
    .describe('KRaft controller listener of combined broker/controller nodes; never advertised. @default - none'),
  interBrokerListener: z.enum(['internal', 'client']).default(KAFKA_DEFAULTS.interBrokerListener).describe(`@default ${KAFKA_DEFAULTS.interBrokerListener}`),
});

export const portsSchema = z.strictObject({
  bootstrap: portSchema.default(PORT_DEFAULTS.bootstrap).describe(`Bootstrap listener port on every NLB. @default ${PORT_DEFAULTS.bootstrap}`),
  firstBroker: portSchema.default(PORT_DEFAULTS.firstBroker).describe(`First broker listener port. @default ${PORT_DEFAULTS.firstBroker}`),
  lastBroker: portSchema.default(PORT_DEFAULTS.lastBroker).describe(`Last broker listener port. @default ${PORT_DEFAULTS.lastBroker}`),
  brokersPerShard: z
    .number()
    .int()
    .min(1)
    .max(MAX_BROKERS_PER_NLB, `must be at most ${MAX_BROKERS_PER_NLB}: ${MAX_LISTENERS_PER_NLB} listeners per NLB, one is the bootstrap`)
    .default(PORT_DEFAULTS.brokersPerShard)
    .describe(`@default ${PORT_DEFAULTS.brokersPerShard}`),
  maxShards: z
    .number()
    .int()
    .min(1)
    .max(MAX_NLBS_PER_REGION, `must be at most ${MAX_NLBS_PER_REGION} (Network Load Balancers per region, default quota)`)
    .default(PORT_DEFAULTS.maxShards)
    .describe(`NLBs the cluster may spread over; 1 = sharding off. @default ${PORT_DEFAULTS.maxShards}`),
  lockfile: z.string().min(1).optional().describe('Path of the port lockfile, relative to the spec. @default - <spec name>.ports-lock.json beside the spec'),
});

export const dnsSchema = z.strictObject({
  zone: shaped(DNS_ZONE, 'a DNS zone name in lower case', 'grab')
    .superRefine((zone, ctx) => {
      const problem = DNS_ZONE.test(zone) ? shadowingZone(zone) : undefined;
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .describe('Private hosted zone name; not an AWS domain, not above one, not a widely used top-level domain.'),
  sharedName: shaped(DNS_LABEL, 'one lower-case DNS label (letters, digits, hyphens; 63 at most)', 'kafka')
    .default(DNS_DEFAULTS.sharedName)
    .describe(`Bootstrap name (label within the zone). @default ${DNS_DEFAULTS.sharedName}`),
  zonalName: z
    .string()
    .regex(/\{az\}|\{azId\}/, 'must contain {az} (az1) or {azId} (apse1-az1)')
    .default(DNS_DEFAULTS.zonalName)
    .describe(`Per-AZ name template; {az} = az1, {azId} = apse1-az1. @default ${DNS_DEFAULTS.zonalName}`),
});

/**
 * A backend takes its strings literally, remote state reads them as templates: neither may hold a
 * template sequence (`${`, `%{`), nor cdktf's token markers (`#{TfToken[`, `&{TfToken[`).
 */
const TEMPLATE_SEQUENCE = /[$%#&]\{/;
/** The characters S3 calls safe in object keys. */
const S3_KEY_SAFE = /^[A-Za-z0-9!_.*'()/-]+$/;
const DYNAMODB_TABLE = /^[A-Za-z0-9_.-]{3,255}$/;

const localBackendSchema = z.strictObject({
  type: z.literal('local'),
  directory: z
    .string()
    .min(1)
    .refine((d) => !TEMPLATE_SEQUENCE.test(d), 'must not contain "${" or "%{" (Terraform reads them as templates in remote state but not in a backend), nor "#{" or "&{" (cdktf token markers)')
    .default(BACKEND_DEFAULTS.directory)
    .describe(`State directory: relative to the repository root, or absolute. @default ${BACKEND_DEFAULTS.directory}`),
});
const s3BackendSchema = z.strictObject({
  type: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens'),
  region: regionSchema,
  keyPrefix: z
    .string()
    .regex(S3_KEY_SAFE, "must be made of S3's safe key characters: letters, digits and ! - _ . * ' ( ) /")
    .default(BACKEND_DEFAULTS.keyPrefix)
    .describe(`@default ${BACKEND_DEFAULTS.keyPrefix}`),
  dynamodbTable: z
    .string()
    .regex(DYNAMODB_TABLE, 'must be a DynamoDB table name: 3-255 letters, digits, _ - .')
    .optional()
    .describe('Lock table; without it S3 native locking (use_lockfile) is used.'),
  roleArn: roleArnSchema.optional().describe('Role to assume for state access.'),
});
export const backendSchema = z.discriminatedUnion('type', [localBackendSchema, s3BackendSchema]);

export const consumerSchema = z.strictObject({
  name: shaped(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'a lower-case name of 2-32 letters, digits and hyphens', 'kios'),
  account: accountSchema,
  region: regionSchema.optional().describe('@default - the provider\'s region'),
  assumeRoleArn: roleArnSchema.optional(),
  vpcId: vpcIdSchema,
  subnets: byAzId(subnetIdSchema).describe('Endpoint subnets by AZ ID; must cover every AZ ID of the NLB.'),
  allowedCidrs: z.array(cidrSchema).default([]).describe('Client networks allowed to reach the endpoint.'),
  allowedSecurityGroupIds: z.array(sgIdSchema).default([]).describe('Client security groups allowed to reach the endpoint.'),
  hostedZoneId: shaped(HOSTED_ZONE_ID, 'a Route 53 hosted zone id', 'Z0123456789ABCDEFGHIJ')
    .optional()
    .describe('Use this existing private zone. @default - a new private zone is created'),
});

export const specSchema = z.strictObject({
  $schema: z.string().optional(),
  cluster: shaped(CLUSTER_NAME, 'lower-case letters, digits and hyphens, starting with a letter', 'coban').describe('Cluster name.'),
  additionalRegions: z
    .array(regionSchema)
    .default([])
    .describe("AWS Regions newer than the product's list (the AWS SDKs' partitions file), accepted as written. @default []"),
  tags: z
    .record(tagKeySchema, tagValueSchema)
    .default({})
    .describe("Tags on every resource, by AWS's rules; not Name, nor keys beginning with kafka-privatelink:. @default {}"),
  provider: providerSchema,
  brokers: z.array(brokerSchema).min(1, 'must list at least one broker'),
  kafka: kafkaSchema.prefault({}),
  ports: portsSchema.prefault({}),
  dns: dnsSchema,
  backend: backendSchema.prefault({ type: 'local' }),
  consumers: z.array(consumerSchema).default([]),
});

/** A spec as written in YAML (defaults not yet applied). */
export type SpecInput = z.input<typeof specSchema>;
/** A validated spec with every default applied. */
export type Spec = z.output<typeof specSchema>;
export type Broker = Spec['brokers'][number];
export type Consumer = Spec['consumers'][number];
export type Listener = z.output<typeof listenerSchema>;
export type Backend = Spec['backend'];
