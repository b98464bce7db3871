import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { BrokerPlan, ExposurePlan, PROVIDER_OUTPUTS, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { accountProvider, configureBackend, ref } from '@kafka-privatelink/plumbing';
import { NlbShard } from './nlb-shard';

export interface ProviderStackProps {
  readonly plan: ExposurePlan;
  /** The synth output folder (for local state paths). */
  readonly outdir: string;
  /** What a relative local state directory is relative to: the repository root. */
  readonly stateRoot: string;
}

/**
 * The client networks the NLB security groups admit when they filter PrivateLink traffic: that
 * filter sees client IPs (the spec refuses consumers known only by security groups then).
 */
function clientCidrsOf(plan: ExposurePlan): string[] {
  if (!plan.provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic) return [];
  return [...new Set(plan.consumers.flatMap((c) => c.allowedCidrs))].sort();
}

/** The Kafka side: NLB shards, listeners, target groups and endpoint services. */
export class ProviderStack extends TerraformStack {
  readonly shards: readonly NlbShard[];

  constructor(scope: Construct, props: ProviderStackProps) {
    super(scope, PROVIDER_STACK);
    const { plan } = props;
    const p = plan.provider;
    accountProvider(this, plan, p);
    configureBackend(this, { plan, stackName: PROVIDER_STACK, outdir: props.outdir, stateRoot: props.stateRoot });

    const clientCidrs = clientCidrsOf(plan);
    const brokersById = new Map<number, BrokerPlan>(plan.brokers.map((b) => [b.id, b]));
    this.shards = plan.shards.map(
      (shard) =>
        new NlbShard(this, `shard-${shard.index}`, {
          provider: p,
          shard,
          brokers: shard.brokerIds.map((id) => brokersById.get(id)!),
          bootstrapPort: plan.bootstrapPort,
          clientPort: plan.kafka.client.port,
          clientCidrs,
        }),
    );

    // Outputs sit on the stack itself so that their names are exactly the published contract.
    for (const nlb of this.shards) {
      const { index } = nlb.shard;
      this.output(PROVIDER_OUTPUTS.endpointServiceName(index), ref(nlb.endpointService, 'service_name'), `Endpoint service name of shard ${index}`);
      this.output(PROVIDER_OUTPUTS.endpointServiceId(index), ref(nlb.endpointService, 'id'), `Endpoint service id of shard ${index}`);
    }
    this.output(PROVIDER_OUTPUTS.bootstrapPort, plan.bootstrapPort, 'Bootstrap listener port, the same on every shard');
    this.output(
      PROVIDER_OUTPUTS.brokerPorts,
      Object.fromEntries(plan.brokers.map((b) => [String(b.id), b.port])),
      'NLB listener port by broker id',
    );
    this.output(
      PROVIDER_OUTPUTS.brokerShards,
      Object.fromEntries(plan.brokers.map((b) => [String(b.id), b.shard])),
      'Shard (NLB and endpoint service) by broker id',
    );
    this.output(PROVIDER_OUTPUTS.azIds, [...plan.azIds], 'AZ IDs of the NLBs');
  }

  private output(name: string, value: unknown, description: string): void {
    new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
  }
}
