import type { SpecInput } from '@kafka-privatelink/cluster-spec';

/** Listeners on one NLB besides the bootstrap listener (AWS: 50 listeners per NLB). */
const BROKERS_PER_SHARD = 49;
const AZ_IDS = ['apse1-az1', 'apse1-az2', 'apse1-az3'] as const;
const FIRST_BROKER_PORT = 10001;

/** The sizes the bench synthesizes: each broker count with each consumer count. */
export const BENCH_BROKER_COUNTS = [3, 49, 300, 1000] as const;
export const BENCH_CONSUMER_COUNTS = [1, 10] as const;

export interface SpecSize {
  readonly brokers: number;
  readonly consumers: number;
}

/** An AWS resource id of the long form: prefix + 17 hex digits, unique per (kind, n). */
const awsId = (prefix: string, kind: number, n: number): string =>
  `${prefix}-${kind.toString(16).padStart(5, '0')}${n.toString(16).padStart(12, '0')}`;

/** `10.<az>.<block>.<host>`: unique for up to 250 × 256 brokers per AZ. */
const brokerIp = (index: number): string => {
  const az = index % AZ_IDS.length;
  const inAz = Math.floor(index / AZ_IDS.length);
  return `10.${az + 1}.${Math.floor(inAz / 250)}.${(inAz % 250) + 4}`;
};

const subnetsByAz = (kind: number): Record<string, string> =>
  Object.fromEntries(AZ_IDS.map((azId, az) => [azId, awsId('subnet', kind, az + 1)]));

/**
 * A cluster spec of the given size, shaped like examples/coban.yaml: brokers spread over three AZs,
 * enough NLB shards and broker ports for all of them, every consumer in the provider's region
 * with a subnet in each of its AZ IDs. Deterministic: the same size gives the same spec.
 */
export function generateSpec({ brokers, consumers }: SpecSize): SpecInput {
  if (!Number.isInteger(brokers) || brokers < 1) throw new Error(`brokers must be a whole number of at least 1, got ${brokers}`);
  if (!Number.isInteger(consumers) || consumers < 0) throw new Error(`consumers must be a whole number of at least 0, got ${consumers}`);
  return {
    cluster: 'bench',
    tags: { team: 'bench' },
    provider: {
      account: '111111111111',
      region: 'ap-southeast-1',
      vpcId: awsId('vpc', 1, 1),
      nlbSubnets: subnetsByAz(1),
      brokerSecurityGroupId: awsId('sg', 1, 1),
      targetType: 'instance',
      crossZoneLoadBalancing: true,
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: true,
      acceptanceRequired: true,
      idleTimeoutSeconds: 350,
    },
    brokers: Array.from({ length: brokers }, (_, i) => ({
      id: i + 1,
      azId: AZ_IDS[i % AZ_IDS.length],
      instanceId: awsId('i', 1, i + 1),
      privateIp: brokerIp(i),
    })),
    kafka: {
      internalListener: { name: 'INTERNAL', port: 9092, securityProtocol: 'PLAINTEXT' },
      clientListener: { name: 'CLIENT', port: 9094, securityProtocol: 'PLAINTEXT' },
      interBrokerListener: 'internal',
    },
    ports: {
      bootstrap: 10000,
      firstBroker: FIRST_BROKER_PORT,
      lastBroker: FIRST_BROKER_PORT + Math.max(brokers, 999) - 1,
      brokersPerShard: BROKERS_PER_SHARD,
      maxShards: Math.ceil(brokers / BROKERS_PER_SHARD),
    },
    dns: { zone: 'bench', sharedName: 'kafka', zonalName: 'kafka-{az}' },
    backend: { type: 'local', directory: 'terraform-state' },
    consumers: Array.from({ length: consumers }, (_, i) => ({
      name: `consumer-${String(i + 1).padStart(2, '0')}`,
      account: String(222222220000 + i + 1),
      vpcId: awsId('vpc', 2, i + 1),
      subnets: subnetsByAz(0x100 + i),
      allowedCidrs: [`10.${100 + (i % 150)}.0.0/16`],
    })),
  };
}
