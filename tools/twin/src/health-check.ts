import { HealthCheck } from './terraform-json';

/**
 * How HAProxy plays a target group's health check. An NLB probes every `intervalSeconds`, marks a
 * target unhealthy after `unhealthyThreshold` consecutive failed probes and healthy after
 * `healthyThreshold` consecutive passed ones; HAProxy's `inter`, `fall` and `rise` are the same
 * three numbers. The twin keeps the thresholds and shortens the interval (`twinIntervalMs`).
 */
export interface HealthCheckModel {
  /** The options of a HAProxy `server` line. */
  readonly haproxy: string;
  /** Longest time from a target's failure until the check marks it down, in the twin. */
  readonly downWithinMs: number;
  /** Longest time from a target's return until the check marks it up, in the twin. */
  readonly upWithinMs: number;
  /** The same bounds with the spec's interval, as the NLB would take. */
  readonly nlbDownWithinSeconds: number;
  readonly nlbUpWithinSeconds: number;
}

export function healthCheckModel(hc: HealthCheck, twinIntervalMs: number): HealthCheckModel {
  // The first failing probe comes at most one interval after the failure; `fall - 1` more follow.
  return {
    haproxy: `check inter ${twinIntervalMs} rise ${hc.healthyThreshold} fall ${hc.unhealthyThreshold}`,
    downWithinMs: hc.unhealthyThreshold * twinIntervalMs,
    upWithinMs: hc.healthyThreshold * twinIntervalMs,
    nlbDownWithinSeconds: hc.unhealthyThreshold * hc.intervalSeconds,
    nlbUpWithinSeconds: hc.healthyThreshold * hc.intervalSeconds,
  };
}
