import { MAX_BROKERS_PER_NLB } from './aws-limits';

/*
 * Every default value of the product, stated once. The spec's schema applies them to what a
 * spec leaves out (and prints them in the JSON Schema), and the constructs apply the same ones
 * to props a team leaves out, so a spec and a team's own app that omit a setting synthesize the
 * same thing. Pure data: the stacks read it through this package, the layering stays intact.
 */

/** The NLB listener ports. */
export const PORT_DEFAULTS = {
  bootstrap: 10000,
  firstBroker: 10001,
  lastBroker: 10999,
  brokersPerShard: MAX_BROKERS_PER_NLB,
  maxShards: 1,
} as const;

/** The brokers' listeners. The client listener's port is where every target group forwards to. */
export const KAFKA_DEFAULTS = {
  internalListener: { name: 'INTERNAL', port: 9092 },
  clientListener: { name: 'CLIENT', port: 9094 },
  securityProtocol: 'PLAINTEXT',
  interBrokerListener: 'internal',
} as const;

/** The settings that reach the NLB, its target groups and its endpoint service as written. */
export const NLB_DEFAULTS = {
  targetType: 'instance',
  crossZoneLoadBalancing: true,
  acceptanceRequired: true,
  healthCheck: { intervalSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 },
} as const;

/** The names in the private hosted zone. */
export const DNS_DEFAULTS = { sharedName: 'kafka', zonalName: 'kafka-{az}' } as const;

/** Where Terraform keeps the state. */
export const BACKEND_DEFAULTS = { directory: 'terraform-state', keyPrefix: 'kafka-privatelink' } as const;
