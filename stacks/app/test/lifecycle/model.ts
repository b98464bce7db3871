import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { changedPaths, Checkout, outputFiles, Run, seedTerraformFiles, snapshot, stacksWithTerraformFiles } from './workspace';

/**
 * The reference model: what a team's repository must look like after any sequence of ordinary
 * steps, kept as plain data beside the real repository.
 */
export interface Model {
  /** Where the spec is now, relative to the repository. */
  spec: string;
  /** The spec's brokers: id → instance id. */
  brokers: Map<number, string>;
  consumers: Set<string>;
  /** Every broker that has ever had a port on the main line, with that port: the ports clients may still hold. */
  readonly ports: Map<number, number>;
  /** Commits on main that added or removed a broker: what `git revert` is tried on. */
  readonly brokerCommits: string[];
  /** For replaced instances and branch names: only grows. */
  counter: number;
}

/** The real side: the team's checkout, and a second checkout where the reference synth runs uncached. */
export interface Real {
  readonly checkout: Checkout;
  readonly mirror: Checkout;
  /** What happened, step by step, printed with a failing sequence. */
  readonly log: string[];
}

export const lockfileOf = (spec: string) => spec.replace(/\.ya?ml$/, '.ports-lock.json');
/** The output folder of a spec, where the Nx plugin puts it. */
export const outdirOf = (spec: string) => join(dirname(spec), 'cdktf.out');

export class InvariantError extends Error {}

function fail(message: string): never {
  throw new InvariantError(message);
}

interface Lock {
  brokers: Map<number, number>;
  retired: Array<{ broker: number; port: number }>;
}

function readLock(checkout: Checkout, path: string): Lock {
  const data = JSON.parse(checkout.read(path)) as {
    brokers: Record<string, { port: number }>;
    retired: Array<{ broker: number; port: number }>;
  };
  return { brokers: new Map(Object.entries(data.brokers).map(([id, a]) => [Number(id), a.port])), retired: data.retired };
}

/**
 * Invariants 1 and 2, and the append-only table: a broker that has had a port keeps it while it
 * exists and gets it back when it returns; no port ever goes to a second broker; every port ever
 * handed out is still in the lockfile, active or retired.
 */
export function checkPorts(m: Model, r: Real): void {
  const lock = readLock(r.checkout, lockfileOf(m.spec));
  const active = [...lock.brokers.keys()].sort((a, b) => a - b);
  const expected = [...m.brokers.keys()].sort((a, b) => a - b);
  if (active.join() !== expected.join()) fail(`the lockfile's active brokers are ${active.join(', ')}; the spec has ${expected.join(', ')}`);
  for (const [id, port] of lock.brokers) {
    const had = m.ports.get(id);
    if (had !== undefined && had !== port) fail(`broker ${id} moved from port ${had} to ${port}`);
    for (const [other, otherPort] of m.ports) {
      if (other !== id && otherPort === port) fail(`port ${port} of broker ${other} was handed to broker ${id}`);
    }
  }
  for (const [id, port] of lock.brokers) m.ports.set(id, port);
  for (const [id, port] of m.ports) {
    const kept = lock.brokers.get(id) === port || lock.retired.some((r) => r.broker === id && r.port === port);
    if (!kept) fail(`port ${port} of broker ${id} is no longer in the lockfile, neither active nor retired: it could be handed out again`);
  }
}

/** Invariant 3: the output equals a fresh, uncached synth of the committed spec and lockfile, in another checkout. */
export function checkFresh(m: Model, r: Real, what: string): void {
  const { mirror, checkout } = r;
  mirror.mustGit('fetch', '--quiet', checkout.dir, 'HEAD');
  mirror.mustGit('checkout', '--quiet', '--force', '--detach', 'FETCH_HEAD');
  mirror.mustGit('clean', '--quiet', '-fdx', '--exclude=node_modules', '--exclude=.gen', '--exclude=.nx');
  const fresh = mirror.synth(m.spec, outdirOf(m.spec), { KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true' });
  if (fresh.status !== 0) fail(`${what}: a fresh synth of the committed spec and lockfile fails: ${fresh.stderr.trim()}`);
  const want = outputFiles(mirror.path(outdirOf(m.spec)));
  const got = outputFiles(checkout.path(outdirOf(m.spec)));
  const differ = changedPaths(want, got);
  if (differ.length > 0) fail(`${what}: the output differs from a fresh synth of the same spec and lockfile in ${differ.slice(0, 5).join(', ')}`);
}

/** A refusal: a non-zero exit with one message of the product's, no stack trace. */
export function checkRefusal(run: Run, what: string): void {
  const text = `${run.stderr}\n${run.stdout}`;
  if (run.status === 0) fail(`${what} was expected to fail`);
  if (!/kafka-privatelink: \S/.test(text)) fail(`${what} failed without a message of its own: ${text.trim().slice(0, 400)}`);
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(text)) fail(`${what} failed with a stack trace: ${text.trim().slice(0, 400)}`);
}

export interface SynthOutcome {
  readonly ok: boolean;
  readonly run: Run;
}

/**
 * One synth of the team's spec, with every invariant checked around it. A refusal is allowed only
 * where `mayRefuse` says so, and then nothing may have changed (invariant 5); a success may change
 * only the output folder and the lockfile (invariant 4), keeps every stack's Terraform files, and
 * its result is committed.
 */
export async function synthAndCheck(
  m: Model,
  r: Real,
  what: string,
  { mayRefuse = false, run: runIt, before: given }: { mayRefuse?: boolean; run?: () => Promise<Run> | Run; before?: Map<string, string> } = {},
): Promise<SynthOutcome> {
  const outdir = outdirOf(m.spec);
  const lockfile = lockfileOf(m.spec);
  const before = given ?? snapshot(r.checkout.dir);
  const keptStacks = stacksWithTerraformFiles(r.checkout.path(outdir));
  const run = await (runIt ?? (() => r.checkout.synth(m.spec, outdir)))();
  const after = snapshot(r.checkout.dir);
  const changed = changedPaths(before, after);
  if (run.status !== 0) {
    if (!mayRefuse) fail(`${what}: synth failed: ${(run.stderr || run.stdout).trim().slice(0, 600)}`);
    checkRefusal(run, what);
    if (changed.length > 0) fail(`${what}: refused, but changed ${changed.slice(0, 5).join(', ')}`);
    r.log.push(`  refused: ${(run.stderr || run.stdout).trim().split('\n').find((l) => l.includes('kafka-privatelink:'))?.slice(0, 200)}`);
    return { ok: false, run };
  }
  const outside = changed.filter((p) => p !== lockfile && !p.startsWith(`${outdir}/`));
  if (outside.length > 0) fail(`${what}: synth changed files outside its output folder and the lockfile: ${outside.slice(0, 5).join(', ')}`);
  if (!existsSync(r.checkout.path(outdir, 'manifest.json'))) fail(`${what}: synth succeeded but left no complete output in ${outdir}`);
  const present = stacksWithTerraformFiles(r.checkout.path(outdir));
  const stacksNow = new Set(Object.keys((JSON.parse(readFileSync(r.checkout.path(outdir, 'manifest.json'), 'utf8')) as { stacks: object }).stacks));
  const lost = keptStacks.filter((s) => stacksNow.has(s) && !present.includes(s));
  if (lost.length > 0) fail(`${what}: the stacks ${lost.join(', ')} lost their .terraform/ or .terraform.lock.hcl`);
  checkPorts(m, r);
  r.checkout.commitAll(what);
  checkFresh(m, r, what);
  seedTerraformFiles(r.checkout.path(outdir));
  return { ok: true, run };
}
