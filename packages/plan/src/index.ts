export { ACCEPTANCE_STACK, type BrokerPlan, byCodePoint, type ConsumerPlan, consumerStackName, type ExposurePlan, type PortRange, portRanges, PROVIDER_STACK, type ShardPlan } from './plan';
export { CONSUMER_OUTPUTS, PROVIDER_OUTPUTS } from './outputs';
export { PlanLimitError } from './errors';
export { planWithLock, type PreparedPlan, preparePlan } from './pipeline';
export { BASE_REF_SETTING } from './repository';
export { deployOrder, sideOf, STACK_SIDES, type StackOrder, type StackSide } from './stacks';
