import { describeChange } from './allocate';
import { FrozenLockfileError } from './errors';
import { AllocationResult } from './types';
import { serializeLockfile } from './lockfile';

/**
 * Frozen mode (CI, pull requests): the lockfile must already say everything. Fails with the
 * changes a non-frozen synth would make, so the author can run it and commit the result.
 */
export function assertLockUnchanged(result: AllocationResult, previousText: string | undefined, source: string): void {
  const next = serializeLockfile(result.lock);
  if (previousText === next) return;
  const reasons = [
    ...(previousText === undefined ? ['the lockfile does not exist yet'] : []),
    ...result.changes.map(describeChange),
  ];
  if (reasons.length === 0) reasons.push('only its formatting differs');
  const what = reasons.map((r) => `  - ${r}`).join('\n');
  throw new FrozenLockfileError(
    `the port lockfile ${source} is out of date and the lockfile is frozen (KAFKA_PRIVATELINK_FROZEN_LOCKFILE):\n${what}\n` +
      'Run synth without KAFKA_PRIVATELINK_FROZEN_LOCKFILE and commit the updated lockfile.',
  );
}
