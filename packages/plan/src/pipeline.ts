import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AllocationChange,
  AllocationResult,
  allocatePorts,
  assertLockUnchanged,
  EMPTY_LOCK,
  HistoricalPort,
  lineEndingOf,
  LockfileError,
  parseLockfile,
  PortAllocationError,
  PortLock,
  serializeLockfile,
} from '@kafka-privatelink/port-allocation';
import { fileProblem, LocatedIssue, locateIssues, loadSpec, lockfilePathFor, Spec, specWarnings } from '@kafka-privatelink/cluster-spec';
import { buildPlan, ExposurePlan, portPolicyOf } from './plan';
import { checkAgainstBase, historyOf, refuseDuplicateCluster, refuseLockfileElsewhere, refuseRenameByEdit, renameConsequences } from './lockfile-history';
import { readRepository } from './repository';

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
  /** What the spec allows but likely does not mean, each with its field and line. */
  readonly warnings: readonly LocatedIssue[];
  /**
   * The root of the git repository the spec belongs to, where a relative `backend.directory`
   * lives. @default - none: the spec is outside git, or a scratch copy that git ignores
   */
  readonly repositoryRoot?: string;
}

export interface PrepareOptions {
  /** Fail instead of changing the lockfile (CI, pull requests). @default false */
  readonly frozenLockfile?: boolean;
  /**
   * In frozen mode, the git ref (the pull request's base) whose lockfiles of this cluster the
   * lockfile must keep every entry of (KAFKA_PRIVATELINK_BASE_REF). @default - no base check
   */
  readonly baseRef?: string;
}

export interface PlanWithLock extends AllocationResult {
  readonly plan: ExposurePlan;
}

/**
 * Allocates ports for the spec's brokers on top of `previous`, its history and the versions of
 * other branches (both newest first; see allocatePorts) and builds the plan. Pure.
 */
export function planWithLock(
  spec: Spec,
  previous: PortLock = EMPTY_LOCK,
  history: readonly HistoricalPort[] = [],
  otherBranches: readonly HistoricalPort[] = [],
): PlanWithLock {
  const listener = spec.kafka.clientListener.name;
  const result = allocatePorts(spec.brokers.map((b) => ({ id: b.id, listener })), portPolicyOf(spec), previous, history, otherBranches);
  const lock = { cluster: spec.cluster, ...result.lock };
  return { ...result, lock, plan: buildPlan(spec, lock) };
}

function readLockfile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileProblem('ports.lockfile', path, error);
  }
}

/** The cluster a port lockfile records (`null`: none recorded), or undefined if the file is not one. */
function lockfileCluster(path: string): string | null | undefined {
  try {
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof data !== 'object' || data === null || !('lockfileVersion' in data)) return undefined;
    return 'cluster' in data && typeof data.cluster === 'string' ? data.cluster : null;
  } catch {
    return undefined;
  }
}

/**
 * A spec whose lockfile is missing may have lost it by a rename of the spec or a move of the
 * lockfile. Allocating from scratch would then move every broker to other ports, retired ones
 * included, so a lockfile beside the spec or the expected lockfile that is, or may be, this
 * cluster's stops synth.
 */
function refuseFreshAllocationBesideHistory(spec: Spec, specPath: string, lockfilePath: string): void {
  const folders = [...new Set([dirname(specPath), dirname(lockfilePath)])];
  const candidates = folders.flatMap((folder) => {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return [];
    }
    return names.filter((name) => name.endsWith('.json')).map((name) => join(folder, name));
  });
  for (const other of [...new Set(candidates)].sort()) {
    const cluster = lockfileCluster(other);
    if (cluster === undefined || (cluster !== null && cluster !== spec.cluster)) continue;
    const move = `move it to ${lockfilePath} (git mv keeps its history), or set ports.lockfile in the spec to its path`;
    throw new PortAllocationError(
      cluster === null
        ? `ports.lockfile: there is no port lockfile at ${lockfilePath}, but ${other} is a port lockfile that does not record its cluster ` +
            `(written by an earlier version) and may hold the ports of cluster ${spec.cluster}. Synth does not allocate ports from scratch ` +
            `beside it: if it is this cluster's, ${move}; if it is another cluster's, run synth for that cluster's spec once, which records its cluster.`
        : `ports.lockfile: there is no port lockfile at ${lockfilePath}, but ${other} holds the ports of cluster ${spec.cluster}. ` +
            `Synth does not allocate ports from scratch while they exist (every broker would move to another port): ${move}.`,
    );
  }
}

function warningsOf(spec: Spec, specPath: string): LocatedIssue[] {
  const warnings = specWarnings(spec);
  return warnings.length === 0 ? [] : locateIssues(readFileSync(specPath, 'utf8'), warnings);
}

/**
 * Spec file + lockfile (+ the lockfile's git history) → plan. Reads files, writes none; every error
 * names what is wrong. In a git repository, every broker→port pair a lockfile of this cluster ever
 * held in history reachable from HEAD stays reserved; outside git there is no history.
 */
export function preparePlan(specPath: string, options: PrepareOptions = {}): PreparedPlan {
  const spec = loadSpec(specPath);
  const lockfilePath = lockfilePathFor(specPath, spec.ports.lockfile);
  const policy = portPolicyOf(spec);
  const previousText = readLockfile(lockfilePath);
  const previous = previousText === undefined ? EMPTY_LOCK : parseLockfile(previousText, policy, lockfilePath);
  if (previous.cluster !== undefined && previous.cluster !== spec.cluster) {
    const wrongFile = spec.ports.lockfile === undefined ? '' : ` If ports.lockfile names the wrong file, point it at the lockfile of ${spec.cluster}.`;
    throw new LockfileError(lockfilePath, [
      `it holds the ports of cluster ${previous.cluster}, but the spec says cluster: ${spec.cluster}. ${renameConsequences(previous.cluster, spec)}${wrongFile}`,
    ]);
  }
  // A frozen synth allocates nothing, so other branches, which only matter for allocating, are not read.
  const repository = readRepository(specPath, lockfilePath, {
    baseRef: options.frozenLockfile ? options.baseRef : undefined,
    otherBranches: !options.frozenLockfile,
  });
  refuseDuplicateCluster(repository, spec);
  refuseRenameByEdit(repository, spec, lockfilePath);
  if (previousText === undefined) {
    refuseFreshAllocationBesideHistory(spec, specPath, lockfilePath);
    refuseLockfileElsewhere(repository, spec, lockfilePath);
  }
  if (options.frozenLockfile) checkAgainstBase(repository, spec, previous, lockfilePath);
  const history = historyOf(repository, spec.cluster);
  const result = planWithLock(spec, previous, history.reachable, history.otherBranches);
  if (options.frozenLockfile) assertLockUnchanged(result, previousText, lockfilePath, previous);
  const lockfileText = serializeLockfile(result.lock, lineEndingOf(previousText));
  return {
    specPath,
    spec,
    plan: result.plan,
    lockfilePath,
    lockfileText,
    lockfileChanged: lockfileText !== previousText,
    changes: result.changes,
    warnings: warningsOf(spec, specPath),
    ...(repository === undefined ? {} : { repositoryRoot: repository.root }),
  };
}
