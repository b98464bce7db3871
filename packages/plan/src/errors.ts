import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';

/**
 * The spec is valid, but with the allocated ports it would exceed an AWS limit (e.g. security
 * group rules). Reported like a spec error: the message says what to change.
 */
export class PlanLimitError extends KafkaPrivateLinkError {}
