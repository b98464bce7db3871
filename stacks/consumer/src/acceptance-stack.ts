import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ACCEPTANCE_STACK, CONSUMER_OUTPUTS, ExposurePlan, PROVIDER_OUTPUTS, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { accountProvider, configureBackend, remoteState, setAddress, shardKey, terraformKey } from '@kafka-privatelink/plumbing';
import { KafkaEndpointConnection, KafkaPrivateLinkAcceptance } from './kafka-privatelink-acceptance';

export interface AcceptanceStackProps {
  readonly plan: ExposurePlan;
  /** The synth output folder (for local state paths). */
  readonly outdir: string;
  /** What a relative local state directory is relative to: the repository root. */
  readonly stateRoot: string;
}

/**
 * The one-spec workflow's acceptance, in the provider's account: a {@link KafkaPrivateLinkAcceptance}
 * of every consumer's endpoint to every shard, with the ids read from the provider's and the
 * consumers' states, so it runs after them.
 */
export class AcceptanceStack extends TerraformStack {
  constructor(scope: Construct, props: AcceptanceStackProps) {
    super(scope, ACCEPTANCE_STACK);
    const { plan, outdir, stateRoot } = props;
    accountProvider(this, plan, plan.provider);
    configureBackend(this, { plan, stackName: ACCEPTANCE_STACK, outdir, stateRoot });

    const providerState = setAddress(remoteState(this, 'provider-state', { plan, stackName: PROVIDER_STACK, outdir, stateRoot, fromStack: ACCEPTANCE_STACK }), PROVIDER_STACK);
    const connections: KafkaEndpointConnection[] = [];
    for (const consumer of plan.consumers) {
      const consumerState = setAddress(
        remoteState(this, `${consumer.name}-state`, { plan, stackName: consumer.stackName, outdir, stateRoot, fromStack: ACCEPTANCE_STACK }),
        `consumer_${terraformKey(consumer.name)}`,
      );
      for (const shard of plan.shards) {
        connections.push({
          key: `${consumer.name}-${shardKey(shard.index)}`,
          endpointServiceId: providerState.getString(PROVIDER_OUTPUTS.endpointServiceId(shard.index)),
          endpointId: consumerState.getString(CONSUMER_OUTPUTS.endpointId(shard.index)),
        });
      }
    }
    new KafkaPrivateLinkAcceptance(this, 'kafka', { connections });
  }
}
