/** The allocation cannot be made as asked (capacity, exhausted range, duplicate broker ids). */
export class PortAllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortAllocationError';
  }
}

/** The lockfile is corrupted or was edited into an inconsistent state. Never repaired silently. */
export class LockfileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid port lockfile:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LockfileError';
  }
}

/** Frozen mode: the lockfile would change, which a CI or pull-request run must not do silently. */
export class FrozenLockfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrozenLockfileError';
  }
}
