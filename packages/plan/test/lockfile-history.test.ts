// The lockfile's git history, in real temporary git repositories, through the real pipeline.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EXAMPLE_SPEC_PATH } from '@kafka-privatelink/cluster-spec';
import { FrozenLockfileError, LockfileError, PortAllocationError } from '@kafka-privatelink/port-allocation';
import { preparePlan } from '../src';

const exampleSpec = readFileSync(EXAMPLE_SPEC_PATH, 'utf8');
const brokerEntry = (id: number, ip: string) => `  - id: ${id}\n    azId: apse1-az1\n    instanceId: i-0a1b2c3d4e5f6${String(id).padStart(4, '0')}\n    privateIp: ${ip}\n`;
const withBrokers = (text: string, ...ids: number[]) =>
  text.replace('brokers:\n', `brokers:\n${ids.map((id, i) => brokerEntry(id, `10.0.1.${50 + i}`)).join('')}`);

/** A git repository holding the example as clusters/coban/cluster.yaml with its lockfile, committed. */
function repository() {
  const root = mkdtempSync(join(tmpdir(), 'kpl-history-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const path = (relative: string) => join(root, relative);
  const write = (relative: string, text: string) => {
    mkdirSync(dirname(path(relative)), { recursive: true });
    writeFileSync(path(relative), text);
  };
  const read = (relative: string) => readFileSync(path(relative), 'utf8');
  /** A synth that writes the lockfile, as the app does. */
  const synth = (spec = 'clusters/coban/cluster.yaml', options = {}) => {
    const prepared = preparePlan(path(spec), options);
    writeFileSync(prepared.lockfilePath, prepared.lockfileText);
    return prepared;
  };
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };
  git('init', '-q');
  write('clusters/coban/cluster.yaml', exampleSpec);
  synth();
  commit('coban');
  return { root, git, path, write, read, synth, commit };
}

const portsOf = (prepared: { plan: { brokers: readonly { id: number; port: number }[] } }) =>
  Object.fromEntries(prepared.plan.brokers.map((b) => [b.id, b.port]));
const messageOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('the lockfile history in git', () => {
  it('gives a broker added after a revert a port above the reverted one, and keeps that one retired', () => {
    // GIVEN "add broker 401" (port 10004), committed and then reverted
    const repo = repository();
    const spec = 'clusters/coban/cluster.yaml';
    repo.write(spec, withBrokers(exampleSpec, 401));
    expect(portsOf(repo.synth())[401]).toBe(10004);
    repo.commit('add broker 401');
    repo.git('revert', '--no-edit', 'HEAD');
    // WHEN broker 402 is added
    repo.write(spec, withBrokers(exampleSpec, 402));
    const prepared = repo.synth();
    // THEN 402 does not get 10004, which clients of 401 may still hold; 401's port stays retired
    expect(portsOf(prepared)).toEqual({ 101: 10001, 201: 10002, 301: 10003, 402: 10005 });
    expect(prepared.lockfileText).toContain('{ "broker": 401, "port": 10004, "shard": 0, "listener": "CLIENT" }');
  });

  it('refuses a frozen synth after a revert dropped a port from the lockfile', () => {
    const repo = repository();
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401));
    repo.synth();
    repo.commit('add broker 401');
    repo.git('revert', '--no-edit', 'HEAD');
    expect(() => preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true })).toThrow(FrozenLockfileError);
    expect(messageOf(() => preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true }))).toContain(
      'broker 401: in neither the spec nor the lockfile, but held port 10004 in the lockfile\'s git history',
    );
  });

  it('gives a broker back its port after a revert removed it and a later change adds it again', () => {
    // GIVEN 401 was added (10004) and reverted, and 402 added since
    const repo = repository();
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401));
    repo.synth();
    repo.commit('add broker 401');
    repo.git('revert', '--no-edit', 'HEAD');
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 402));
    repo.synth();
    repo.commit('add broker 402');
    // WHEN 401 comes back THEN it gets its own port again
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401, 402));
    expect(portsOf(repo.synth())).toEqual({ 101: 10001, 201: 10002, 301: 10003, 401: 10004, 402: 10005 });
  });

  it('refuses a spec moved into another folder without its lockfile, naming the lockfile and how to move it', () => {
    const repo = repository();
    mkdirSync(repo.path('clusters/coban-east'));
    repo.git('mv', 'clusters/coban/cluster.yaml', 'clusters/coban-east/cluster.yaml');
    const run = () => preparePlan(repo.path('clusters/coban-east/cluster.yaml'));
    expect(run).toThrow(PortAllocationError);
    expect(messageOf(run)).toContain(
      `but ${repo.path('clusters/coban/cluster.ports-lock.json')} holds the ports of cluster coban (was the spec moved without it?)`,
    );
    expect(messageOf(run)).toContain('git mv clusters/coban/cluster.ports-lock.json clusters/coban-east/cluster.ports-lock.json');
  });

  it('keeps every port when the lockfile was deleted but its committed versions are in history', () => {
    // GIVEN broker 201 was removed (its port retired), then the lockfile deleted and the spec moved
    const repo = repository();
    repo.write('clusters/coban/cluster.yaml', exampleSpec.replace(/ {2}- id: 201\n(?: {4}.*\n)+/, ''));
    repo.synth();
    repo.commit('remove broker 201');
    repo.git('rm', '-q', 'clusters/coban/cluster.ports-lock.json');
    mkdirSync(repo.path('clusters/coban-east'));
    repo.git('mv', 'clusters/coban/cluster.yaml', 'clusters/coban-east/cluster.yaml');
    repo.commit('move coban, lose its lockfile');
    // WHEN synth runs for the moved spec with broker 401 added
    repo.write('clusters/coban-east/cluster.yaml', withBrokers(repo.read('clusters/coban-east/cluster.yaml'), 401));
    const prepared = repo.synth('clusters/coban-east/cluster.yaml');
    // THEN the brokers keep their ports, 201's stays retired, and 401 gets a new one
    expect(portsOf(prepared)).toEqual({ 101: 10001, 301: 10003, 401: 10004 });
    expect(prepared.lockfileText).toContain('{ "broker": 201, "port": 10002, "shard": 0, "listener": "CLIENT" }');
  });

  it('refuses two specs with the same cluster name, naming both', () => {
    const repo = repository();
    repo.write('clusters/coban-prod/cluster.yaml', exampleSpec);
    const run = () => preparePlan(repo.path('clusters/coban-prod/cluster.yaml'));
    expect(run).toThrow(PortAllocationError);
    expect(messageOf(run)).toMatch(
      /^clusters\/coban-prod\/cluster\.yaml: cluster: coban is also the cluster of clusters\/coban\/cluster\.yaml\. Terraform state keys are .*terraform-state\/coban\/<stack>\.tfstate/,
    );
    expect(() => preparePlan(repo.path('clusters/coban/cluster.yaml'))).toThrow('cluster: coban is also the cluster of clusters/coban-prod/cluster.yaml');
  });

  it('leaves a copy of a spec in a folder git ignores alone: it is not one of the repository\'s specs', () => {
    const repo = repository();
    repo.write('.gitignore', 'scratch/\n');
    repo.write('scratch/coban.yaml', withBrokers(exampleSpec, 401));
    expect(portsOf(preparePlan(repo.path('scratch/coban.yaml')))).toEqual({ 101: 10001, 201: 10002, 301: 10003, 401: 10004 });
    expect(() => preparePlan(repo.path('scratch/coban.yaml'), { frozenLockfile: true, baseRef: 'main' })).toThrow(
      `KAFKA_PRIVATELINK_BASE_REF: is "main", but ${repo.path('scratch/coban.yaml')} is ignored by git or lies in a generated folder`,
    );
  });

  it('refuses a cluster renamed by editing the spec and the lockfile, saying what a rename means', () => {
    const repo = repository();
    repo.write('clusters/coban/cluster.yaml', exampleSpec.replace('cluster: coban', 'cluster: coban2'));
    repo.write('clusters/coban/cluster.ports-lock.json', repo.read('clusters/coban/cluster.ports-lock.json').replace('"cluster": "coban"', '"cluster": "coban2"'));
    const run = () => preparePlan(repo.path('clusters/coban/cluster.yaml'));
    expect(run).toThrow(LockfileError);
    expect(messageOf(run)).toContain('it records cluster coban2, but its committed version (HEAD) records cluster coban. Changing cluster: from coban to coban2');
    expect(messageOf(run)).toContain('the Terraform state keys move');
  });

  it('refuses, with a base ref, a branch that committed a rename of the cluster', () => {
    const repo = repository();
    repo.git('checkout', '-q', '-b', 'rename');
    repo.write('clusters/coban/cluster.yaml', exampleSpec.replace('cluster: coban', 'cluster: coban2'));
    repo.write('clusters/coban/cluster.ports-lock.json', repo.read('clusters/coban/cluster.ports-lock.json').replace('"cluster": "coban"', '"cluster": "coban2"'));
    repo.commit('rename coban');
    const run = () => preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true, baseRef: 'main' });
    expect(run).toThrow(LockfileError);
    expect(messageOf(run)).toContain('it records cluster coban2, but in main it records cluster coban. Changing cluster: from coban to coban2 renames the cluster');
  });

  it('refuses, with a base ref, a branch of another clone that handed the base\'s port to another broker', () => {
    // GIVEN a second clone added broker 401 (10004) on main; this clone, not knowing it, added 402 on a branch
    const repo = repository();
    const other = repository();
    rmSync(other.root, { recursive: true });
    execFileSync('git', ['clone', '-q', repo.root, other.root]);
    other.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401));
    other.synth();
    other.commit('add broker 401');
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 402));
    expect(portsOf(repo.synth())[402]).toBe(10004);
    repo.commit('add broker 402');
    repo.git('fetch', '-q', other.root, 'main:refs/remotes/origin/main');
    // WHEN the pull request's frozen synth compares with origin/main
    const run = () => preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true, baseRef: 'origin/main' });
    // THEN it is refused, naming the broker, the port and what to do
    expect(run).toThrow(LockfileError);
    expect(messageOf(run)).toContain(
      'port 10004 belongs to broker 401 in clusters/coban/cluster.ports-lock.json of origin/main, but this lockfile gives it to broker 402 (two branches handed it out): ' +
        'take the lockfile of origin/main (git checkout origin/main -- clusters/coban/cluster.ports-lock.json)',
    );
    expect(() => preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true })).not.toThrow();
  });

  it('refuses, with a base ref, a branch whose lockfile dropped an entry of the base', () => {
    // GIVEN main holds broker 401 (10004); a branch cut before it reverts nothing but never merged main
    const repo = repository();
    repo.git('branch', 'feature');
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401));
    repo.synth();
    repo.commit('add broker 401');
    repo.git('checkout', '-q', 'feature');
    const run = () => preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true, baseRef: 'main' });
    expect(messageOf(run)).toContain(
      'broker 401 holds port 10004 in clusters/coban/cluster.ports-lock.json of main, but this lockfile has no entry for it: merge main into the branch (or rebase onto it)',
    );
  });

  it('never hands out on one branch a port another local branch gave away, so a later merge moves nobody', () => {
    // GIVEN main gave 10004 to broker 401; a branch cut before that adds 402
    const repo = repository();
    repo.git('branch', 'feature');
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401));
    repo.synth();
    repo.commit('add broker 401');
    repo.git('checkout', '-q', 'feature');
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 402));
    // THEN 402 gets a port above main's, and 401, if this branch adds it too, main's port
    expect(portsOf(repo.synth())[402]).toBe(10005);
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401, 402));
    expect(portsOf(repo.synth())).toEqual({ 101: 10001, 201: 10002, 301: 10003, 401: 10004, 402: 10005 });
  });

  it('refuses an unknown base ref, naming the setting', () => {
    const repo = repository();
    expect(() => preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true, baseRef: 'no-such-branch' })).toThrow(
      /^KAFKA_PRIVATELINK_BASE_REF: "no-such-branch" is not a commit of the repository at /,
    );
  });

  it('after a merge whose lockfile conflicts, keeping one side whole gives the other side\'s broker its own port back', () => {
    const repo = repository();
    repo.git('branch', 'feature');
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401));
    repo.synth();
    repo.commit('add broker 401');
    repo.git('checkout', '-q', 'feature');
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 402));
    repo.synth();
    repo.commit('add broker 402');
    repo.git('checkout', '-q', 'main');
    expect(() => repo.git('merge', '-q', 'feature')).toThrow();
    repo.write('clusters/coban/cluster.yaml', withBrokers(exampleSpec, 401, 402));
    expect(messageOf(() => preparePlan(repo.path('clusters/coban/cluster.yaml')))).toContain('it holds git conflict markers');
    repo.git('checkout', '--ours', '--', 'clusters/coban/cluster.ports-lock.json');
    const prepared = repo.synth();
    expect(portsOf(prepared)).toEqual({ 101: 10001, 201: 10002, 301: 10003, 401: 10004, 402: 10005 });
    repo.commit('merge feature');
    // Later synths see both sides in history and change nothing.
    expect(preparePlan(repo.path('clusters/coban/cluster.yaml'), { frozenLockfile: true }).lockfileChanged).toBe(false);
  });

  it('fails when git cannot read the repository, instead of going on without the history', () => {
    const repo = repository();
    // GIVEN a checkout whose .git points at a git folder that is gone (a moved worktree)
    rmSync(repo.path('.git'), { recursive: true });
    writeFileSync(repo.path('.git'), `gitdir: ${repo.path('gone')}\n`);
    expect(() => preparePlan(repo.path('clusters/coban/cluster.yaml'))).toThrow(/^git cannot read the repository that holds .*clusters\/coban, and synth reads the port lockfile's history with it: /);
  });

  it('works outside git: no history, no error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpl-nogit-'));
    writeFileSync(join(dir, 'coban.yaml'), exampleSpec);
    expect(portsOf(preparePlan(join(dir, 'coban.yaml')))).toEqual({ 101: 10001, 201: 10002, 301: 10003 });
    rmSync(dir, { recursive: true });
  });
});
