import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { InvariantError, lockfileOf, Model, outdirOf, Real, synthAndCheck } from './model';
import { addBroker, addConsumer, BROKER_POOL, CONSUMER_POOL, readSpec, removeBroker, removeConsumer, renameCluster, replaceBroker } from './spec-edits';
import { changedPaths, snapshot } from './workspace';

/** Where a team may keep the spec: two cluster folders the Nx plugin sees, and two names in a folder of its own. */
export const SPEC_PLACES = ['clusters/payments/cluster.yaml', 'clusters/payments-east/cluster.yaml', 'specs/payments.yaml', 'specs/payments-main.yaml'];

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length];
const absent = (m: Model) => BROKER_POOL.filter((id) => !m.brokers.has(id));

/** The Nx project of a spec the plugin infers, if it is one. */
const nxProjectOf = (spec: string) => /^clusters\/([^/]+)\/cluster\.yaml$/.exec(spec)?.[1];

type Step = fc.AsyncCommand<Model, Real>;

/** A step that edits the spec and synthesizes; the model follows the spec only when the synth succeeds. */
abstract class SpecStep implements Step {
  abstract check(m: Readonly<Model>): boolean;
  abstract toString(): string;
  protected abstract edit(m: Model, text: string): string;
  protected mayRefuse = false;

  async run(m: Model, r: Real): Promise<void> {
    r.log.push(this.toString());
    const text = r.checkout.read(m.spec);
    const next = this.edit(m, text);
    r.checkout.write(m.spec, next);
    await this.synth(m, r, next);
  }

  /** Synth of the edited spec; a refusal puts the spec back, as the team would. */
  protected async synth(m: Model, r: Real, next: string): Promise<boolean> {
    const saved = { brokers: m.brokers, consumers: m.consumers };
    Object.assign(m, readSpec(next));
    const outcome = await synthAndCheck(m, r, this.toString(), { mayRefuse: this.mayRefuse });
    if (!outcome.ok) {
      Object.assign(m, saved);
      r.checkout.resetHard();
    }
    return outcome.ok;
  }
}

class AddBroker extends SpecStep {
  constructor(readonly index: number) {
    super();
  }
  check = (m: Readonly<Model>) => absent(m as Model).length > 0;
  private id = 0;
  protected edit(m: Model, text: string) {
    this.id = pick(absent(m), this.index);
    return addBroker(text, this.id);
  }
  async run(m: Model, r: Real) {
    await super.run(m, r);
    m.brokerCommits.push(r.checkout.head());
  }
  toString = () => `add broker #${this.index}`;
}

class RemoveBroker extends SpecStep {
  constructor(readonly index: number) {
    super();
  }
  check = (m: Readonly<Model>) => m.brokers.size > 1;
  protected edit(m: Model, text: string) {
    return removeBroker(text, pick([...m.brokers.keys()].sort(), this.index));
  }
  async run(m: Model, r: Real) {
    await super.run(m, r);
    m.brokerCommits.push(r.checkout.head());
  }
  toString = () => `remove broker #${this.index}`;
}

/** Same broker id on a new instance: its port must stay. */
class ReplaceBroker extends SpecStep {
  constructor(readonly index: number) {
    super();
  }
  check = () => true;
  protected edit(m: Model, text: string) {
    return replaceBroker(text, pick([...m.brokers.keys()].sort(), this.index), ++m.counter % 90);
  }
  toString = () => `replace the instance of broker #${this.index}`;
}

class AddConsumer extends SpecStep {
  constructor(readonly index: number) {
    super();
  }
  check = (m: Readonly<Model>) => CONSUMER_POOL.some((c) => !m.consumers.has(c));
  protected edit(m: Model, text: string) {
    return addConsumer(text, pick(CONSUMER_POOL.filter((c) => !m.consumers.has(c)), this.index));
  }
  toString = () => `add consumer #${this.index}`;
}

class RemoveConsumer extends SpecStep {
  constructor(readonly index: number) {
    super();
  }
  check = (m: Readonly<Model>) => m.consumers.size > 1;
  protected edit(m: Model, text: string) {
    return removeConsumer(text, pick([...m.consumers].sort(), this.index));
  }
  toString = () => `remove consumer #${this.index}`;
}

/** A rename of the cluster: a new identity, so either refused with a reason or ports kept. */
class RenameCluster extends SpecStep {
  protected mayRefuse = true;
  check = () => true;
  protected edit(_m: Model, text: string) {
    return renameCluster(text, 'payments-renamed');
  }
  toString = () => 'rename the cluster';
}

/** `git mv` of the spec into another folder, with its lockfile or leaving it behind. */
class MoveSpec implements Step {
  constructor(
    readonly index: number,
    readonly withLockfile: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const to = pick(SPEC_PLACES.filter((p) => p !== m.spec), this.index);
    r.log.push(`${this.toString()}: ${m.spec} → ${to}`);
    const from = m.spec;
    mkdirSync(r.checkout.path(dirname(to)), { recursive: true });
    r.checkout.mustGit('mv', '-f', from, to);
    if (this.withLockfile) r.checkout.mustGit('mv', '-f', lockfileOf(from), lockfileOf(to));
    m.spec = to;
    const outcome = await synthAndCheck(m, r, this.toString(), { mayRefuse: !this.withLockfile });
    if (!outcome.ok) {
      m.spec = from;
      r.checkout.resetHard();
    }
  }
  toString = () => `move the spec #${this.index} ${this.withLockfile ? 'with' : 'without'} its lockfile`;
}

/** `git revert` of an earlier commit that added or removed a broker, then synth. */
class Revert implements Step {
  constructor(readonly index: number) {}
  check = (m: Readonly<Model>) => m.brokerCommits.length > 0;
  async run(m: Model, r: Real) {
    const commit = pick(m.brokerCommits, this.index);
    r.log.push(`${this.toString()}: ${commit.slice(0, 8)}`);
    const reverted = r.checkout.git('revert', '--no-edit', commit);
    if (reverted.status !== 0) {
      r.log.push('  git could not revert it (a conflict): the team gives up on it');
      r.checkout.git('revert', '--abort');
      r.checkout.resetHard();
      return;
    }
    if (!existsSync(r.checkout.path(m.spec))) {
      r.log.push('  the revert took the spec away: the team undoes it');
      r.checkout.mustGit('reset', '--quiet', '--hard', 'HEAD~1');
      return;
    }
    const saved = { brokers: m.brokers, consumers: m.consumers };
    Object.assign(m, readSpec(r.checkout.read(m.spec)));
    const outcome = await synthAndCheck(m, r, `synth after ${this.toString()}`);
    if (!outcome.ok) Object.assign(m, saved);
    m.brokerCommits.push(r.checkout.head());
  }
  toString = () => `git revert a broker change #${this.index}`;
}

/**
 * Two branches each add a broker; the team merges them and resolves the conflict as people do:
 * the spec gets both brokers, the lockfile is main's, and synth settles the rest. The branch's
 * port was never on main, so the branch's broker may get another one, but never one of main's.
 */
class MergeBranches implements Step {
  constructor(
    readonly a: number,
    readonly b: number,
  ) {}
  check = (m: Readonly<Model>) => absent(m as Model).length >= 2;
  async run(m: Model, r: Real) {
    const [idA, idB] = [pick(absent(m), this.a), pick(absent(m).filter((id) => id !== pick(absent(m), this.a)), this.b)];
    const branch = `side-${++m.counter}`;
    r.log.push(`${this.toString()}: ${branch} adds ${idA}, main adds ${idB}`);
    r.checkout.mustGit('checkout', '--quiet', '-b', branch);
    r.checkout.write(m.spec, addBroker(r.checkout.read(m.spec), idA));
    const side = r.checkout.synth(m.spec, outdirOf(m.spec));
    if (side.status !== 0) throw new InvariantError(`adding broker ${idA} on a branch: synth failed: ${side.stderr.trim()}`);
    r.checkout.commitAll(`add broker ${idA}`);
    r.checkout.mustGit('checkout', '--quiet', 'main');
    r.checkout.write(m.spec, addBroker(r.checkout.read(m.spec), idB));
    Object.assign(m, readSpec(r.checkout.read(m.spec)));
    await synthAndCheck(m, r, `add broker ${idB} on main`);
    m.brokerCommits.push(r.checkout.head());
    const beforeMerge = r.checkout.head();
    if (r.checkout.git('merge', '--quiet', '--no-edit', branch).status !== 0) {
      r.checkout.mustGit('checkout', '--ours', '--', m.spec, lockfileOf(m.spec));
      r.checkout.write(m.spec, addBroker(r.checkout.read(m.spec), idA));
      r.checkout.mustGit('add', m.spec, lockfileOf(m.spec));
      r.checkout.mustGit('commit', '--quiet', '--no-edit');
    }
    const saved = { brokers: m.brokers, consumers: m.consumers };
    Object.assign(m, readSpec(r.checkout.read(m.spec)));
    const outcome = await synthAndCheck(m, r, 'synth after the merge', { mayRefuse: true });
    if (!outcome.ok) {
      Object.assign(m, saved);
      r.checkout.mustGit('reset', '--quiet', '--hard', beforeMerge);
    }
  }
  toString = () => `merge two branches that each add a broker #${this.a},${this.b}`;
}

/** The lockfile deleted (by mistake, or in a bad merge), committed or not, then synth: ports must not move. */
class DeleteLockfile implements Step {
  constructor(readonly committed: boolean) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.log.push(this.toString());
    const before = r.checkout.head();
    rmSync(r.checkout.path(lockfileOf(m.spec)));
    if (this.committed) r.checkout.commitAll('remove the lockfile');
    const outcome = await synthAndCheck(m, r, this.toString(), { mayRefuse: true });
    if (!outcome.ok) r.checkout.mustGit('reset', '--quiet', '--hard', before);
  }
  toString = () => `delete the lockfile${this.committed ? ' and commit that' : ''}`;
}

/**
 * Through Nx's cache, as developers synth: on main, on a branch that adds a broker, back on main
 * (with the output folder deleted or not). Each synth's output must be that of the branch it runs on.
 */
class SwitchBranchesThroughTheCache implements Step {
  constructor(
    readonly index: number,
    readonly deleteOutput: boolean,
  ) {}
  check = (m: Readonly<Model>) => nxProjectOf(m.spec) !== undefined && absent(m as Model).length > 0;
  async run(m: Model, r: Real) {
    const project = `cluster-${nxProjectOf(m.spec)}`;
    r.log.push(this.toString());
    const nx = () => r.checkout.nxSynth(project);
    await synthAndCheck(m, r, `nx run ${project}:synth on main`, { run: nx });
    const branch = `other-${++m.counter}`;
    r.checkout.mustGit('checkout', '--quiet', '-b', branch);
    const id = pick(absent(m), this.index);
    r.checkout.write(m.spec, addBroker(r.checkout.read(m.spec), id));
    const other = await nx();
    if (other.status !== 0) throw new InvariantError(`nx synth on branch ${branch} failed: ${other.stdout.trim().slice(-600)}`);
    if (!r.checkout.read(lockfileOf(m.spec)).includes(`"${id}"`)) throw new InvariantError(`nx synth on branch ${branch} did not allocate broker ${id} a port`);
    r.checkout.commitAll(`add broker ${id}`);
    r.checkout.mustGit('checkout', '--quiet', 'main');
    if (this.deleteOutput) rmSync(r.checkout.path(outdirOf(m.spec)), { recursive: true, force: true });
    const back = await synthAndCheck(m, r, `nx run ${project}:synth back on main${this.deleteOutput ? ', output deleted' : ''}`, { run: nx });
    if (!back.ok) return;
    const dirty = r.checkout.git('status', '--porcelain').stdout.trim();
    if (dirty !== '') throw new InvariantError(`nx synth back on main changed tracked files: ${dirty}`);
  }
  toString = () => `switch branches and synth through the cache #${this.index}${this.deleteOutput ? ', deleting the output' : ''}`;
}

/** A synth killed at some point (SIGKILL), then synth again: nothing lost, nothing left behind. */
class KillSynth implements Step {
  constructor(
    readonly afterMs: number,
    readonly index: number,
  ) {}
  check = (m: Readonly<Model>) => absent(m as Model).length > 0;
  async run(m: Model, r: Real) {
    r.log.push(this.toString());
    const id = pick(absent(m), this.index);
    r.checkout.write(m.spec, addBroker(r.checkout.read(m.spec), id));
    const before = snapshot(r.checkout.dir);
    const killed = await r.checkout.killedSynth(m.spec, outdirOf(m.spec), this.afterMs);
    r.log.push(`  ${killed.signal ? `killed (${killed.signal})` : `finished first (exit ${killed.status})`}`);
    const leftBehind = changedPaths(before, snapshot(r.checkout.dir)).filter(
      (p) => p !== lockfileOf(m.spec) && !p.startsWith(`${outdirOf(m.spec)}/`) && !p.startsWith(`${dirname(lockfileOf(m.spec))}/`),
    );
    if (leftBehind.length > 0) throw new InvariantError(`a killed synth changed files far from its output and lockfile: ${leftBehind.join(', ')}`);
    Object.assign(m, readSpec(r.checkout.read(m.spec)));
    await synthAndCheck(m, r, 'synth after a killed synth', { before });
    m.brokerCommits.push(r.checkout.head());
  }
  toString = () => `kill a synth after ${this.afterMs} ms #${this.index}`;
}

const index = fc.nat({ max: 11 });

/** Every step the model knows, as fast-check commands. */
export const STEPS = [
  index.map((i) => new AddBroker(i)),
  index.map((i) => new RemoveBroker(i)),
  index.map((i) => new ReplaceBroker(i)),
  index.map((i) => new AddConsumer(i)),
  index.map((i) => new RemoveConsumer(i)),
  fc.constant(new RenameCluster()),
  fc.tuple(index, fc.boolean()).map(([i, withLockfile]) => new MoveSpec(i, withLockfile)),
  index.map((i) => new Revert(i)),
  fc.tuple(index, index).map(([a, b]) => new MergeBranches(a, b)),
  fc.boolean().map((committed) => new DeleteLockfile(committed)),
  fc.tuple(index, fc.boolean()).map(([i, del]) => new SwitchBranchesThroughTheCache(i, del)),
  fc.tuple(fc.integer({ min: 0, max: 1500 }), index).map(([ms, i]) => new KillSynth(ms, i)),
];
