import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';

/** The allocation cannot be made as asked (capacity, exhausted range, duplicate broker ids). */
export class PortAllocationError extends KafkaPrivateLinkError {}

/** The lockfile is corrupted or was edited into an inconsistent state. Never repaired silently. */
export class LockfileError extends KafkaPrivateLinkError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid port lockfile:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Frozen mode: the lockfile would change, which a CI or pull-request run must not do silently. */
export class FrozenLockfileError extends KafkaPrivateLinkError {}
