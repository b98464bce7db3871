import { describeChange } from './allocate';
import { FrozenLockfileError } from './errors';
import { AllocationResult, PortLock } from './types';
import { lineEndingOf, serializeLockfile } from './lockfile';

/**
 * Frozen mode (CI, pull requests): the lockfile must already say everything. Fails with the
 * changes a non-frozen synth would make, so the author can run it and commit the result.
 */
export function assertLockUnchanged(
  result: AllocationResult,
  previousText: string | undefined,
  source: string,
  previous?: PortLock,
): void {
  const next = serializeLockfile(result.lock, lineEndingOf(previousText));
  if (previousText === next) return;
  const reasons = [
    ...(previousText === undefined ? ['the lockfile does not exist yet'] : []),
    ...(previous !== undefined && previous.cluster === undefined && result.lock.cluster !== undefined
      ? [`it does not record its cluster yet (written by an earlier version); synth adds "cluster": ${JSON.stringify(result.lock.cluster)}`]
      : []),
    ...result.changes.map(describeChange),
  ];
  if (reasons.length === 0 && previousText?.replaceAll('\r\n', '\n') === next.replaceAll('\r\n', '\n')) {
    reasons.push('only its line endings differ (it mixes CRLF and LF); synth writes it with one kind throughout');
  }
  if (reasons.length === 0) reasons.push('only its formatting differs (hand-edited whitespace or key order)');
  const what = reasons.map((r) => `  - ${r}`).join('\n');
  throw new FrozenLockfileError(
    `the port lockfile ${source} is out of date and the lockfile is frozen (KAFKA_PRIVATELINK_FROZEN_LOCKFILE):\n${what}\n` +
      'Run synth without KAFKA_PRIVATELINK_FROZEN_LOCKFILE and commit the updated lockfile.',
  );
}
