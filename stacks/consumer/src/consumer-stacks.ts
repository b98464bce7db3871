import { App } from 'cdktf';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { ProviderStack } from '@kafka-privatelink/provider';
import { AcceptanceStack } from './acceptance-stack';
import { ConsumerStack } from './consumer-stack';

export interface ConsumerStacksProps {
  readonly plan: ExposurePlan;
  readonly provider: ProviderStack;
  readonly outdir: string;
}

/**
 * One stack per consumer VPC, after the provider; then, when the endpoint service requires
 * acceptance, the acceptance stack after every consumer. Deploy order: provider → consumers → acceptance.
 */
export function addConsumerStacks(app: App, props: ConsumerStacksProps): void {
  const { plan, provider, outdir } = props;
  const consumers = plan.consumers.map((consumer) => {
    const stack = new ConsumerStack(app, { plan, consumer, outdir });
    stack.addDependency(provider);
    return stack;
  });
  if (!plan.provider.acceptanceRequired) return;
  const acceptance = new AcceptanceStack(app, { plan, outdir });
  acceptance.addDependency(provider);
  for (const consumer of consumers) acceptance.addDependency(consumer);
}
