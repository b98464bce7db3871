import { App, TerraformStack } from 'cdktf';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { AcceptanceStack } from './acceptance-stack';
import { ConsumerStack } from './consumer-stack';

export interface ConsumerStacksProps {
  readonly plan: ExposurePlan;
  /** The stack the consumers read their endpoint services from: they deploy after it. */
  readonly provider: TerraformStack;
  readonly outdir: string;
  /** What a relative local state directory is relative to: the repository root. */
  readonly stateRoot: string;
}

/**
 * One stack per consumer VPC, after the provider; then, when the endpoint service requires
 * acceptance, the acceptance stack after every consumer. Deploy order: provider → consumers → acceptance.
 */
export function addConsumerStacks(app: App, props: ConsumerStacksProps): void {
  const { plan, provider, outdir, stateRoot } = props;
  const consumers = plan.consumers.map((consumer) => {
    const stack = new ConsumerStack(app, { plan, consumer, outdir, stateRoot });
    stack.addDependency(provider);
    return stack;
  });
  if (!plan.provider.acceptanceRequired) return;
  const acceptance = new AcceptanceStack(app, { plan, outdir, stateRoot });
  acceptance.addDependency(provider);
  for (const consumer of consumers) acceptance.addDependency(consumer);
}
