/*
 * The AWS limits the product respects, each stated once: the spec's checks, the port allocation,
 * the plan and the constructs all read them from here.
 */

/** Listeners per Network Load Balancer; not adjustable, and PrivateLink refuses NLBs with more. */
export const MAX_LISTENERS_PER_NLB = 50;
/** One listener of every NLB is the bootstrap listener. */
export const MAX_BROKERS_PER_NLB = MAX_LISTENERS_PER_NLB - 1;

/** Network Load Balancers per region (default quota); each shard is one of them. */
export const MAX_NLBS_PER_REGION = 50;

/** Characters of a load balancer or target group name. */
export const MAX_LB_NAME_LENGTH = 32;

/** Inbound rules per security group (default quota, adjustable); each CIDR of a rule counts as one. */
export const MAX_INBOUND_RULES_PER_SECURITY_GROUP = 60;

/** The TCP idle timeout of an NLB listener: AWS's default and the range it accepts, in seconds. */
export const NLB_IDLE_TIMEOUT_SECONDS = { default: 350, min: 60, max: 6000 } as const;

/** An NLB target group's TCP health checks: the interval and the thresholds AWS accepts. */
export const NLB_HEALTH_CHECK = { intervalSeconds: { min: 5, max: 300 }, threshold: { min: 2, max: 10 } } as const;

/** The deregistration delay of an NLB target group: AWS's default and the range it accepts, in seconds. */
export const NLB_DEREGISTRATION_DELAY_SECONDS = { default: 300, min: 0, max: 3600 } as const;
