import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseDocument } from 'yaml';
import { HistoricalPort, LockfileError, PortAllocationError, PortLock, readLockfileRecord } from '@kafka-privatelink/port-allocation';
import { brokerTargetGroupName, nlbName, Spec } from '@kafka-privatelink/cluster-spec';
import { absolutePath, BASE_REF_SETTING, FileVersion, RepositoryView } from './repository';

/** The lockfile versions that are this cluster's: they record it, or record no cluster at a path that held its lockfile. */
function versionsOf(versions: readonly FileVersion[], cluster: string, ownPath: string | undefined) {
  const records = versions.flatMap((version) => {
    const record = readLockfileRecord(version.text);
    return record === undefined ? [] : [{ version, record }];
  });
  const paths = new Set([...(ownPath === undefined ? [] : [ownPath]), ...records.filter((r) => r.record.cluster === cluster).map((r) => r.version.path)]);
  return records.filter(({ version, record }) => record.cluster === cluster || (record.cluster === null && paths.has(version.path)));
}

/** Every broker→port pair the cluster's lockfiles ever held in git history (reachable from HEAD; on other local branches), newest first. */
export function historyOf(view: RepositoryView | undefined, cluster: string): { reachable: HistoricalPort[]; otherBranches: HistoricalPort[] } {
  const entries = (versions: readonly FileVersion[]) =>
    versionsOf(versions, cluster, view?.lockfilePath).flatMap(({ record }) => record.entries);
  return view === undefined ? { reachable: [], otherBranches: [] } : { reachable: entries(view.history), otherBranches: entries(view.otherBranches) };
}

/** Where a state key of the spec's stacks lives: `<keyPrefix>/<cluster>/<stack>.tfstate` (S3) or `<directory>/<cluster>/<stack>.tfstate`. */
export const stateKeyLayout = (spec: Spec, stack = '<stack>'): string =>
  spec.backend.type === 's3'
    ? `s3://${spec.backend.bucket}/${spec.backend.keyPrefix}/${spec.cluster}/${stack}.tfstate`
    : `${spec.backend.directory}/${spec.cluster}/${stack}.tfstate`;

/** What renaming a cluster means for what is deployed, and what to do instead. */
export function renameConsequences(from: string, spec: Spec): string {
  const to = spec.cluster;
  const renamed = { ...spec, cluster: from };
  return (
    `Changing cluster: from ${from} to ${to} renames the cluster, and every deployed thing carries the name: ` +
    `(1) the Terraform state keys move (${stateKeyLayout(renamed, 'provider')} becomes ${stateKeyLayout(spec, 'provider')}, likewise every consumer stack and acceptance), ` +
    `so Terraform finds no state and plans every resource anew beside the old ones, which stay deployed and unmanaged; ` +
    `(2) names that force replacement change (NLB ${nlbName(from, 0)} → ${nlbName(to, 0)}, target groups such as ${brokerTargetGroupName(from, spec.brokers[0]?.id ?? 0)}, ` +
    `the security groups), so the endpoint services are new and every consumer must re-create its interface endpoint for the new service name; ` +
    `(3) the Ansible group kafka_${from} becomes kafka_${to}. ` +
    `To keep the cluster, set cluster: back to ${from}. To rename it, bring up the new name as a new cluster (its own spec file, e.g. clusters/${to}/cluster.yaml, ` +
    `and its own lockfile, which synth writes), move the consumers to it, then delete the old spec and lockfile and destroy the old stacks.`
  );
}

/** A cluster name changed by editing the lockfile: HEAD's lockfile records another cluster than the working tree's. */
export function refuseRenameByEdit(view: RepositoryView | undefined, spec: Spec, lockfilePath: string): void {
  const committed = view?.headLockfile === undefined ? undefined : readLockfileRecord(view.headLockfile)?.cluster;
  if (committed === undefined || committed === null || committed === spec.cluster) return;
  throw new LockfileError(lockfilePath, [`it records cluster ${spec.cluster}, but its committed version (HEAD) records cluster ${committed}. ${renameConsequences(committed, spec)}`]);
}

/**
 * A spec whose lockfile is missing may have been moved away from it. A lockfile of the same
 * cluster anywhere in the working tree stops synth: allocating anew would move every broker.
 */
export function refuseLockfileElsewhere(view: RepositoryView | undefined, spec: Spec, lockfilePath: string): void {
  if (view === undefined) return;
  for (const path of [...view.workingFiles].sort()) {
    if (!path.endsWith('.ports-lock.json') || path === view.lockfilePath) continue;
    const file = absolutePath(view, path);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // tracked but deleted in the working tree
    }
    if (readLockfileRecord(text)?.cluster !== spec.cluster) continue;
    throw new PortAllocationError(
      `ports.lockfile: there is no port lockfile at ${lockfilePath}, but ${file} holds the ports of cluster ${spec.cluster} ` +
        `(was the spec moved without it?). Synth does not allocate ports anew while they exist (every broker would move to another port): ` +
        `move it beside the spec with git mv ${relative(view.root, file)} ${relative(view.root, lockfilePath)}, or set ports.lockfile in the spec to its path.`,
    );
  }
}

const SPEC_KEYS = [/^cluster:/m, /^provider:/m, /^brokers:/m];

/** The cluster name a YAML file of the repository declares, if it is a cluster spec. */
function clusterOfSpecFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (!SPEC_KEYS.every((key) => key.test(text))) return undefined;
  const cluster: unknown = parseDocument(text).get('cluster');
  return typeof cluster === 'string' ? cluster : undefined;
}

/**
 * Two specs with one cluster name share every Terraform state key and every AWS name: a deploy of
 * one would plan against the other's state. A spec is any YAML file of the repository with the
 * top-level keys cluster, provider and brokers (clusters/<name>/cluster.yaml, examples/*.yaml, …).
 */
export function refuseDuplicateCluster(view: RepositoryView | undefined, spec: Spec): void {
  if (view === undefined) return;
  const self = view.specPath;
  for (const path of [...view.workingFiles].sort()) {
    if (path === self || !/\.ya?ml$/.test(path) || clusterOfSpecFile(absolutePath(view, path)) !== spec.cluster) continue;
    throw new PortAllocationError(
      `${self}: cluster: ${spec.cluster} is also the cluster of ${path}. Terraform state keys are <keyPrefix or directory>/<cluster>/<stack>.tfstate ` +
        `(here ${stateKeyLayout(spec)}), so the two specs share every state key where their backends agree, and every AWS name (NLB ${nlbName(spec.cluster, 0)}): ` +
        `a deploy of one would plan against the other's state. Give one of them its own cluster name (a new cluster, with its own lockfile), or delete the copy.`,
    );
  }
}

/**
 * Frozen mode with a base (the pull request's target): every entry the base's lockfiles of this
 * cluster hold must still be in the lockfile, with its port, active or retired. A branch that
 * dropped one (a revert, a lost lockfile, a merge resolved by hand) would let a port go to a
 * second broker, which no later synth can undo.
 */
export function checkAgainstBase(view: RepositoryView | undefined, spec: Spec, previous: PortLock, lockfilePath: string): void {
  if (view?.base === undefined) return;
  const { ref, lockfiles } = view.base;
  const renamedFrom = lockfiles
    .filter((file) => file.path === view.lockfilePath)
    .map((file) => readLockfileRecord(file.text)?.cluster)
    .find((cluster) => typeof cluster === 'string' && cluster !== spec.cluster);
  if (renamedFrom !== undefined && renamedFrom !== null) {
    throw new LockfileError(lockfilePath, [`it records cluster ${spec.cluster}, but in ${ref} it records cluster ${renamedFrom}. ${renameConsequences(renamedFrom, spec)}`]);
  }
  const holder = new Map<number, number>();
  for (const [broker, a] of previous.brokers) holder.set(a.port, broker);
  for (const r of previous.retired) holder.set(r.port, r.broker);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { version, record } of versionsOf(lockfiles, spec.cluster, view.lockfilePath)) {
    for (const entry of record.entries) {
      const key = `${entry.broker}:${entry.port}`;
      if (seen.has(key) || holder.get(entry.port) === entry.broker) continue;
      seen.add(key);
      const now = holder.get(entry.port);
      problems.push(
        now === undefined
          ? `broker ${entry.broker} holds port ${entry.port} in ${version.path} of ${ref}, but this lockfile has no entry for it: ` +
              `merge ${ref} into the branch (or rebase onto it) and run synth without KAFKA_PRIVATELINK_FROZEN_LOCKFILE, which keeps the port ` +
              `(retired when the broker left the spec); commit the lockfile`
          : `port ${entry.port} belongs to broker ${entry.broker} in ${version.path} of ${ref}, but this lockfile gives it to broker ${now} ` +
              `(two branches handed it out): take the lockfile of ${ref} (git checkout ${ref} -- ${version.path}), run synth without ` +
              `KAFKA_PRIVATELINK_FROZEN_LOCKFILE, which gives broker ${now} a port above every port either branch handed out, and commit it`,
      );
    }
  }
  if (problems.length > 0) {
    throw new LockfileError(lockfilePath, [...problems, `(${BASE_REF_SETTING}=${ref}: a lockfile entry is never dropped, so the highest port handed out never goes down)`]);
  }
}
