import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { VpcEndpointConnectionAccepter } from '@cdktf/provider-aws/lib/vpc-endpoint-connection-accepter';
import { ACCEPTANCE_STACK, CONSUMER_OUTPUTS, ExposurePlan, PROVIDER_OUTPUTS, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { accountProvider, configureBackend, remoteState, shardKey, terraformKey } from '@kafka-privatelink/plumbing';

export interface AcceptanceStackProps {
  readonly plan: ExposurePlan;
  /** The synth output folder (for local state paths). */
  readonly outdir: string;
  /** What a relative local state directory is relative to: the repository root. */
  readonly stateRoot: string;
}

/**
 * Accepts exactly the consumers' endpoint connections, in the provider's account: the endpoint ids
 * exist only once the consumer stacks are deployed, so this runs after them. Connections from
 * endpoints that are not in the spec stay pending.
 */
export class AcceptanceStack extends TerraformStack {
  constructor(scope: Construct, props: AcceptanceStackProps) {
    super(scope, ACCEPTANCE_STACK);
    const { plan, outdir, stateRoot } = props;
    accountProvider(this, plan, plan.provider);
    configureBackend(this, { plan, stackName: ACCEPTANCE_STACK, outdir, stateRoot });

    const providerState = remoteState(this, 'provider-state', { plan, stackName: PROVIDER_STACK, outdir, stateRoot, fromStack: ACCEPTANCE_STACK });
    providerState.overrideLogicalId(PROVIDER_STACK);
    for (const consumer of plan.consumers) {
      const key = terraformKey(consumer.name);
      const consumerState = remoteState(this, `${consumer.name}-state`, {
        plan,
        stackName: consumer.stackName,
        outdir,
        stateRoot,
        fromStack: ACCEPTANCE_STACK,
      });
      consumerState.overrideLogicalId(`consumer_${key}`);
      for (const shard of plan.shards) {
        const s = shardKey(shard.index);
        new VpcEndpointConnectionAccepter(this, `${consumer.name}-${s}`, {
          vpcEndpointServiceId: providerState.getString(PROVIDER_OUTPUTS.endpointServiceId(shard.index)),
          vpcEndpointId: consumerState.getString(CONSUMER_OUTPUTS.endpointId(shard.index)),
        }).overrideLogicalId(`${key}_${s}`);
      }
    }
  }
}
