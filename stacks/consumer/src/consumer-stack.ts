import { Annotations, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CONSUMER_OUTPUTS, ConsumerPlan, ExposurePlan, PROVIDER_OUTPUTS, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { accountProvider, configureBackend, namedOutput, remoteState, setAddress, shardKey } from '@kafka-privatelink/plumbing';
import { KafkaPrivateLinkConsumer } from './kafka-privatelink-consumer';

export interface ConsumerStackProps {
  readonly plan: ExposurePlan;
  /** The consumer VPC this stack serves: one of `plan.consumers`. */
  readonly consumer: ConsumerPlan;
  /** The synth output folder (for local state paths). */
  readonly outdir: string;
  /** What a relative local state directory is relative to: the repository root. */
  readonly stateRoot: string;
}

/**
 * The one-spec workflow's side of one consumer VPC: its account's AWS provider and backend, and a
 * {@link KafkaPrivateLinkConsumer} that reads the endpoint service names from the provider stack's
 * state through its named outputs, so this stack can be deployed from another pipeline or account.
 */
export class ConsumerStack extends TerraformStack {
  readonly consumer: ConsumerPlan;
  readonly kafka: KafkaPrivateLinkConsumer;

  constructor(scope: Construct, props: ConsumerStackProps) {
    super(scope, props.consumer.stackName);
    const { plan, consumer, outdir, stateRoot } = props;
    this.consumer = consumer;

    accountProvider(this, plan, consumer);
    configureBackend(this, { plan, stackName: consumer.stackName, outdir, stateRoot });
    const providerState = setAddress(
      remoteState(this, 'provider-state', { plan, stackName: PROVIDER_STACK, outdir, stateRoot, fromStack: consumer.stackName }),
      PROVIDER_STACK,
    );

    this.kafka = new KafkaPrivateLinkConsumer(
      this,
      'kafka',
      KafkaPrivateLinkConsumer.propsFromPlan(plan, consumer, (shard) => providerState.getString(PROVIDER_OUTPUTS.endpointServiceName(shard))),
    );
    for (const [shard, endpoint] of this.kafka.endpoints) {
      namedOutput(this, CONSUMER_OUTPUTS.endpointId(shard), endpoint.id, `Interface endpoint of shard ${shard}; the acceptance stack accepts it.`, `endpoint-id-${shardKey(shard)}`);
    }
    namedOutput(this, CONSUMER_OUTPUTS.bootstrapServers, plan.bootstrapServers, 'Kafka bootstrap.servers for clients in this VPC.', 'bootstrap-servers');
    namedOutput(
      this,
      CONSUMER_OUTPUTS.connectionsMaxIdleMs,
      plan.recommendedConnectionsMaxIdleMs,
      'Kafka client connections.max.idle.ms: below the NLB idle timeout, so clients close idle connections first.',
      'connections-max-idle-ms',
    );
    for (const warning of consumer.quotaWarnings) Annotations.of(this).addWarning(warning);
  }
}
