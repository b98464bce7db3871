import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ExposurePlan, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { configureBackend } from './backend';

export interface ProviderStackProps {
  readonly plan: ExposurePlan;
  /** The synth output folder (for local state paths). */
  readonly outdir: string;
}

/** The Kafka side: NLB shards, listeners, target groups and endpoint services. */
export class ProviderStack extends TerraformStack {
  constructor(scope: Construct, props: ProviderStackProps) {
    super(scope, PROVIDER_STACK);
    const { plan } = props;
    new AwsProvider(this, 'aws', { region: plan.provider.region });
    configureBackend(this, { plan, stackName: PROVIDER_STACK, outdir: props.outdir });
  }
}
