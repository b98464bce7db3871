import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ExposurePlan, PROVIDER_OUTPUTS, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { accountProvider, configureBackend, namedOutput, ref } from '@kafka-privatelink/plumbing';
import { KafkaPrivateLinkProvider } from './kafka-privatelink-provider';

export interface ProviderStackProps {
  readonly plan: ExposurePlan;
  /** The synth output folder (for local state paths). */
  readonly outdir: string;
  /** What a relative local state directory is relative to: the repository root. */
  readonly stateRoot: string;
}

/**
 * The one-spec workflow's Kafka side: the provider account's AWS provider and backend, one
 * {@link KafkaPrivateLinkProvider} per shard, and the outputs the consumer stacks read.
 */
export class ProviderStack extends TerraformStack {
  readonly shards: readonly KafkaPrivateLinkProvider[];

  constructor(scope: Construct, props: ProviderStackProps) {
    super(scope, PROVIDER_STACK);
    const { plan } = props;
    accountProvider(this, plan, plan.provider);
    configureBackend(this, { plan, stackName: PROVIDER_STACK, outdir: props.outdir, stateRoot: props.stateRoot });
    this.shards = KafkaPrivateLinkProvider.fromPlan(this, plan);

    // Outputs sit on the stack itself so that their names are exactly the published contract.
    for (const nlb of this.shards) {
      const index = nlb.shard;
      namedOutput(this, PROVIDER_OUTPUTS.endpointServiceName(index), ref(nlb.endpointService, 'service_name'), `Endpoint service name of shard ${index}`);
      namedOutput(this, PROVIDER_OUTPUTS.endpointServiceId(index), ref(nlb.endpointService, 'id'), `Endpoint service id of shard ${index}`);
    }
    namedOutput(this, PROVIDER_OUTPUTS.bootstrapPort, plan.bootstrapPort, 'Bootstrap listener port, the same on every shard');
    namedOutput(this, PROVIDER_OUTPUTS.brokerPorts, Object.fromEntries(plan.brokers.map((b) => [String(b.id), b.port])), 'NLB listener port by broker id');
    namedOutput(
      this,
      PROVIDER_OUTPUTS.brokerShards,
      Object.fromEntries(plan.brokers.map((b) => [String(b.id), b.shard])),
      'Shard (NLB and endpoint service) by broker id',
    );
    namedOutput(this, PROVIDER_OUTPUTS.azIds, [...plan.azIds], 'AZ IDs of the NLBs');
  }
}
