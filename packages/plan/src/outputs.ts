/**
 * Names of the Terraform outputs: a public contract. Consumer stacks in other pipelines and
 * accounts read the provider's outputs by these names through remote state, so a name, once
 * shipped, never changes. New outputs may be added; none is renamed or removed.
 */
export const PROVIDER_OUTPUTS = {
  /** Endpoint service name of a shard, e.g. `com.amazonaws.vpce.ap-southeast-1.vpce-svc-…`. */
  endpointServiceName: (shard: number): string => `shard_${shard}_endpoint_service_name`,
  endpointServiceId: (shard: number): string => `shard_${shard}_endpoint_service_id`,
  /** The bootstrap listener port (the same on every shard). */
  bootstrapPort: 'bootstrap_port',
  /** Map of broker id → NLB port. */
  brokerPorts: 'broker_ports',
  /** Map of broker id → shard. */
  brokerShards: 'broker_shards',
  /** The NLB's AZ IDs. */
  azIds: 'az_ids',
} as const;

export const CONSUMER_OUTPUTS = {
  /** `kafka.grab:10000` (one entry per shard, comma-separated). */
  bootstrapServers: 'bootstrap_servers',
  endpointId: (shard: number): string => `shard_${shard}_endpoint_id`,
  /** Recommended Kafka client `connections.max.idle.ms`, below the NLB idle timeout. */
  connectionsMaxIdleMs: 'connections_max_idle_ms',
} as const;
