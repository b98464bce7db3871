import { App } from 'cdktf';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { ProviderStack } from '@kafka-privatelink/provider';

export interface ConsumerStacksProps {
  readonly plan: ExposurePlan;
  readonly provider: ProviderStack;
  readonly outdir: string;
}

/** One stack per consumer VPC, after the provider; then the acceptance stack. */
export function addConsumerStacks(_app: App, _props: ConsumerStacksProps): void {}
