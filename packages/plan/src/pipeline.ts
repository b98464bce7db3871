import { existsSync, readFileSync } from 'node:fs';
import {
  AllocationChange,
  AllocationResult,
  allocatePorts,
  assertLockUnchanged,
  EMPTY_LOCK,
  parseLockfile,
  PortLock,
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

export interface PlanWithLock extends AllocationResult {
  readonly plan: ExposurePlan;
}

/** Allocates ports for the spec's brokers on top of `previous` and builds the plan. Pure. */
export function planWithLock(spec: Spec, previous: PortLock = EMPTY_LOCK): PlanWithLock {
  const listener = spec.kafka.clientListener.name;
  const result = allocatePorts(spec.brokers.map((b) => ({ id: b.id, listener })), portPolicyOf(spec), previous);
  return { ...result, plan: buildPlan(spec, result.lock) };
}

/** Spec file + lockfile → plan. Reads files, writes none; every error names what is wrong. */
export function preparePlan(specPath: string, options: PrepareOptions = {}): PreparedPlan {
  const spec = loadSpec(specPath);
  const lockfilePath = lockfilePathFor(specPath, spec.ports.lockfile);
  const policy = portPolicyOf(spec);
  const previousText = existsSync(lockfilePath) ? readFileSync(lockfilePath, 'utf8') : undefined;
  const previous = previousText === undefined ? EMPTY_LOCK : parseLockfile(previousText, policy, lockfilePath);
  const result = planWithLock(spec, previous);
  if (options.frozenLockfile) assertLockUnchanged(result, previousText, lockfilePath);
  const lockfileText = serializeLockfile(result.lock);
  return {
    specPath,
    spec,
    plan: result.plan,
    lockfilePath,
    lockfileText,
    lockfileChanged: lockfileText !== previousText,
    changes: result.changes,
  };
}
