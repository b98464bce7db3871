import { existsSync, readFileSync } from 'node:fs';
import {
  AllocationChange,
  allocatePorts,
  assertLockUnchanged,
  EMPTY_LOCK,
  parseLockfile,
  serializeLockfile,
} from '@kafka-privatelink/port-allocation';
import { loadSpec, lockfilePathFor, Spec } from '@kafka-privatelink/spec';
import { buildPlan, ExposurePlan, portPolicyOf } from './plan';

export interface PreparedPlan {
  readonly specPath: string;
  readonly spec: Spec;
  readonly plan: ExposurePlan;
  readonly lockfilePath: string;
  /** The lockfile as it must be on disk after this synth. */
  readonly lockfileText: string;
  /** The lockfile text needs writing (new allocations, retirements, or no lockfile yet). */
  readonly lockfileChanged: boolean;
  readonly changes: readonly AllocationChange[];
}

export interface PrepareOptions {
  /** Fail instead of changing the lockfile (CI, pull requests). @default false */
  readonly frozenLockfile?: boolean;
}

/** Spec file + lockfile → plan. Reads files, writes none; every error names what is wrong. */
export function preparePlan(specPath: string, options: PrepareOptions = {}): PreparedPlan {
  const spec = loadSpec(specPath);
  const lockfilePath = lockfilePathFor(specPath, spec.ports.lockfile);
  const policy = portPolicyOf(spec);
  const previousText = existsSync(lockfilePath) ? readFileSync(lockfilePath, 'utf8') : undefined;
  const previous = previousText === undefined ? EMPTY_LOCK : parseLockfile(previousText, policy, lockfilePath);
  const listener = spec.kafka.clientListener.name;
  const result = allocatePorts(spec.brokers.map((b) => ({ id: b.id, listener })), policy, previous);
  if (options.frozenLockfile) assertLockUnchanged(result, previousText, lockfilePath);
  const lockfileText = serializeLockfile(result.lock);
  return {
    specPath,
    spec,
    plan: buildPlan(spec, result.lock),
    lockfilePath,
    lockfileText,
    lockfileChanged: lockfileText !== previousText,
    changes: result.changes,
  };
}
