import { BrokerPlan, ExposurePlan, ShardPlan } from '@kafka-privatelink/plan';
import { Listener } from '@kafka-privatelink/cluster-spec';

/**
 * The listener section of one broker's `server.properties`, as ordered key/value pairs:
 * `listeners`, `advertised.listeners`, `listener.security.protocol.map`,
 * `inter.broker.listener.name` and, with a KRaft controller listener, `controller.listener.names`.
 */
export type ServerProperties = readonly (readonly [key: string, value: string])[];

/** The listeners of the plan in a fixed order: internal, client, controller. */
export function planListeners(plan: ExposurePlan): readonly Listener[] {
  const { internal, client, controller } = plan.kafka;
  return controller ? [internal, client, controller] : [internal, client];
}

/**
 * Every listener binds to the broker's private IP: that is the address the NLB targets and the
 * internal clients use, and a specific address lets several brokers share one host in tests.
 */
export const listenersOf = (plan: ExposurePlan, broker: BrokerPlan): string =>
  planListeners(plan)
    .map((l) => `${l.name}://${broker.privateIp}:${l.port}`)
    .join(',');

/**
 * The internal listener advertises the private IP; the client listener advertises the zonal
 * name of the broker's AZ with the broker's own NLB port. The controller listener is not
 * advertised: only brokers are listed in client metadata.
 */
export const advertisedListenersOf = (plan: ExposurePlan, broker: BrokerPlan): string =>
  [
    `${plan.kafka.internal.name}://${broker.privateIp}:${plan.kafka.internal.port}`,
    `${plan.kafka.client.name}://${advertisedAddressOf(broker)}`,
  ].join(',');

/** `kafka-az1.grab:10001`: where clients behind PrivateLink reach this broker. */
export const advertisedAddressOf = (broker: BrokerPlan): string => `${broker.zonalName}:${broker.port}`;

export const securityProtocolMapOf = (plan: ExposurePlan): string =>
  planListeners(plan)
    .map((l) => `${l.name}:${l.securityProtocol}`)
    .join(',');

export function serverPropertiesOf(plan: ExposurePlan, broker: BrokerPlan): ServerProperties {
  return [
    ['listeners', listenersOf(plan, broker)],
    ['advertised.listeners', advertisedListenersOf(plan, broker)],
    ['listener.security.protocol.map', securityProtocolMapOf(plan)],
    ['inter.broker.listener.name', plan.kafka.interBrokerListenerName],
    ...(plan.kafka.controller ? [['controller.listener.names', plan.kafka.controller.name] as const] : []),
  ];
}

function shardOf(plan: ExposurePlan, broker: BrokerPlan): ShardPlan {
  const shard = plan.shards.find((s) => s.index === broker.shard);
  if (shard === undefined) throw new Error(`internal: broker ${broker.id} is on shard ${broker.shard}, which the plan does not hold`);
  return shard;
}

const usesTls = (listener: Listener): boolean => listener.securityProtocol === 'SSL' || listener.securityProtocol === 'SASL_SSL';

/**
 * DNS names the client listener's certificate must cover on this broker: the shard's shared
 * (bootstrap) name and the broker's zonal name. Empty when the client listener has no TLS.
 */
export function clientTlsSubjectAltNames(plan: ExposurePlan, broker: BrokerPlan): readonly string[] {
  if (!usesTls(plan.kafka.client)) return [];
  return [...new Set([shardOf(plan, broker).sharedName, broker.zonalName])];
}

/** `kafka.grab:10000`: the bootstrap address of the broker's shard. */
export function bootstrapServerOf(plan: ExposurePlan, broker: BrokerPlan): string {
  return `${shardOf(plan, broker).sharedName}:${plan.bootstrapPort}`;
}
