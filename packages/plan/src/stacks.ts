import { ACCEPTANCE_STACK, byCodePoint, consumerStackName, PROVIDER_STACK } from './plan';

/**
 * The sides of an exposure, in the order they deploy: the provider's endpoint service first, the
 * consumers' endpoints on it next, and the acceptance of those endpoints last. A pipeline plans,
 * approves and applies them in turn.
 */
export const STACK_SIDES = ['provider', 'consumers', 'acceptance'] as const;
export type StackSide = (typeof STACK_SIDES)[number];

const CONSUMER_PREFIX = consumerStackName('');

/** The side a stack of this app belongs to, by its name; undefined for a stack it does not make. */
export function sideOf(stack: string): StackSide | undefined {
  if (stack === PROVIDER_STACK) return 'provider';
  if (stack === ACCEPTANCE_STACK) return 'acceptance';
  return stack.startsWith(CONSUMER_PREFIX) && stack.length > CONSUMER_PREFIX.length ? 'consumers' : undefined;
}

export interface StackOrder {
  readonly side: StackSide;
  /** By code point within the side. */
  readonly stacks: readonly string[];
}

/**
 * Stack names (a plan's, or a synth's manifest's) by side, in deploy order; sides without a stack
 * are left out. Refuses a name this app does not make, which would otherwise never be deployed.
 */
export function deployOrder(stacks: Iterable<string>): StackOrder[] {
  const names = [...new Set(stacks)].sort(byCodePoint);
  const foreign = names.filter((name) => sideOf(name) === undefined);
  if (foreign.length > 0) {
    throw new Error(`unknown stack ${foreign.join(', ')}: the stacks are ${PROVIDER_STACK}, ${CONSUMER_PREFIX}<consumer name> and ${ACCEPTANCE_STACK}`);
  }
  return STACK_SIDES.map((side) => ({ side, stacks: names.filter((name) => sideOf(name) === side) })).filter(({ stacks: of }) => of.length > 0);
}
