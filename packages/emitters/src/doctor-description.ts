import { ConsumerPlan, ExposurePlan } from '@kafka-privatelink/plan';
import { NLB_IDLE_TIMEOUT_SECONDS } from '@kafka-privatelink/cluster-spec';
import { clientTlsSubjectAltNames } from './kafka-listeners';

/**
 * Bumped when a field changes meaning or goes away, so that a doctor refuses a description it
 * cannot read rather than checking against the wrong facts. Added fields keep the version.
 */
export const DOCTOR_DESCRIPTION_SCHEMA_VERSION = 1;

/**
 * What one consumer's clients should find, as `kafka-privatelink doctor --describe` reads it: the
 * names and ports of every shard's endpoint, each broker's advertised address and AZ ID, the
 * client listener's security (no secrets: the spec holds none) and the idle limits. Pure: same
 * plan, same bytes; keys in a fixed order, two-space JSON with a final newline.
 */
export function doctorDescription(plan: ExposurePlan, consumer: ConsumerPlan): string {
  const client = plan.kafka.client;
  const description = {
    schemaVersion: DOCTOR_DESCRIPTION_SCHEMA_VERSION,
    cluster: plan.cluster,
    consumer: consumer.name,
    region: consumer.region,
    // Across regions the provider's AZ IDs do not exist on the consumer's side: every zonal name
    // then answers the regional entry, so no name is bound to the host's AZ.
    crossRegion: consumer.crossRegion,
    privateZone: plan.dns.zone,
    endpointAzIds: consumer.endpointSubnets.map((s) => s.azId),
    bootstrapServers: plan.bootstrapServers,
    clientListener: {
      name: client.name,
      securityProtocol: client.securityProtocol,
      tls: client.securityProtocol === 'SSL' || client.securityProtocol === 'SASL_SSL',
      sasl: client.securityProtocol.startsWith('SASL_'),
    },
    nlbIdleTimeoutSeconds: plan.provider.idleTimeoutSeconds ?? NLB_IDLE_TIMEOUT_SECONDS.default,
    connectionsMaxIdleMs: plan.recommendedConnectionsMaxIdleMs,
    shards: plan.shards.map((shard) => ({
      index: shard.index,
      sharedName: shard.sharedName,
      bootstrapPort: plan.bootstrapPort,
      zonalNames: shard.zonalNames.map((z) => ({ azId: z.azId, name: z.name })),
      brokers: plan.brokers
        .filter((b) => b.shard === shard.index)
        .map((b) => ({
          id: b.id,
          azId: b.azId,
          zonalName: b.zonalName,
          port: b.port,
          inventoryHostname: b.inventoryHostname,
          tlsSubjectAltNames: clientTlsSubjectAltNames(plan, b),
        })),
    })),
  };
  return `${JSON.stringify(description, null, 2)}\n`;
}
