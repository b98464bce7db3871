import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WORKSPACE_ROOT } from './workspace';

// The check runs with plain node before `npm ci`: it is required as the Jenkinsfile runs it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lanes } = require('../../ci/jenkins-params.cjs') as { lanes: <T>(clusters: readonly T[], bound: number) => T[][] };

const GOOD = {
  KAFKA_PRIVATELINK_SPEC: '',
  MAX_PARALLEL_CLUSTERS: '4',
  AWS_CREDENTIALS: 'kafka-privatelink-aws',
  BROKERS_SSH_CREDENTIALS: 'kafka-brokers-ssh',
  BROKERS_KNOWN_HOSTS: 'kafka-brokers-known-hosts',
  KAFKA_LAYOUT: 'apache',
};
const SPEC_ALLOWED =
  'allowed: empty for the example (examples/coban.yaml), or specs clusters/*/cluster.yaml (the cluster\'s folder name in [a-z0-9-]) that the workspace holds, separated by commas or whitespace';

describe('lanes (tools/ci/jenkins-params.cjs)', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(3, '0')}`);
  const check = (n: number, bound: number) => {
    const result = lanes(names(n), bound);
    expect(result.length).toBe(Math.min(n, bound));
    expect(result.flat()).toEqual(names(n));
    const sizes = result.map((lane) => lane.length);
    if (n > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.every((size) => size > 0)).toBe(true);
    return result;
  };

  it('GIVEN no cluster WHEN split THEN there is no lane', () => {
    expect(check(0, 4)).toEqual([]);
  });

  it('GIVEN one cluster WHEN split THEN it is alone in one lane', () => {
    expect(check(1, 4)).toEqual([['c000']]);
  });

  it('GIVEN 600 clusters WHEN split under a bound THEN no more lanes than the bound, each cluster exactly once, in the given order', () => {
    expect(check(600, 4).map((lane) => lane.length)).toEqual([150, 150, 150, 150]);
    expect(check(600, 16).map((lane) => lane.length)).toEqual([...Array(8).fill(38), ...Array(8).fill(37)]);
    expect(check(600, 1)).toEqual([names(600)]);
    expect(lanes(names(600), 7)).toEqual(lanes(names(600), 7));
  });

  it('GIVEN every count up to 40 and every bound up to 16 WHEN split THEN the bound holds and the lanes are balanced', () => {
    for (let n = 0; n <= 40; n++) for (let bound = 1; bound <= 16; bound++) check(n, bound);
  });

  it('refuses a bound below 1', () => {
    expect(() => lanes(['a'], 0)).toThrow('lanes: the bound must be a whole number of at least 1, got 0');
  });
});

describe('the Jenkins parameter check (tools/ci/jenkins-params.cjs, run for real)', () => {
  // A workspace with the check, the Nx plugin it shares discovery with, and cluster specs.
  let workspace: string;
  let outside: string;
  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'kpl-params-'));
    outside = mkdtempSync(join(tmpdir(), 'kpl-outside-'));
    for (const file of ['tools/ci/jenkins-params.cjs', 'stacks/app/nx-plugin.js', 'stacks/app/lockfile-summary.js', 'tools/ci/plan-summary.sh']) {
      mkdirSync(dirname(join(workspace, file)), { recursive: true });
      copyFileSync(join(WORKSPACE_ROOT, file), join(workspace, file));
    }
    const spec = readFileSync(join(WORKSPACE_ROOT, 'examples/coban.yaml'), 'utf8');
    for (const name of ['payments', 'search', 'orders']) {
      mkdirSync(join(workspace, 'clusters', name), { recursive: true });
      writeFileSync(join(workspace, 'clusters', name, 'cluster.yaml'), spec);
      writeFileSync(join(workspace, 'clusters', name, 'cluster.ports-lock.json'), '{}\n');
    }
    writeFileSync(join(workspace, 'package.json'), '{}\n');
    // a spec that is a directory, and one that links out of the workspace
    mkdirSync(join(workspace, 'clusters', 'folder', 'cluster.yaml'), { recursive: true });
    writeFileSync(join(outside, 'cluster.yaml'), spec);
    symlinkSync(outside, join(workspace, 'clusters', 'escape'));
    // a link that stays inside the workspace
    mkdirSync(join(workspace, 'clusters', 'alias'));
    symlinkSync('../payments/cluster.yaml', join(workspace, 'clusters', 'alias', 'cluster.yaml'));
    // a spec git ignores, which Nx makes no project of
    mkdirSync(join(workspace, 'clusters', 'ignored'));
    writeFileSync(join(workspace, 'clusters', 'ignored', 'cluster.yaml'), spec);
    writeFileSync(join(workspace, '.gitignore'), 'clusters/ignored/\n');
    expect(spawnSync('git', ['init', '--quiet'], { cwd: workspace }).status).toBe(0);
  });
  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const run = (parameters: Partial<typeof GOOD>) =>
    spawnSync('node', ['tools/ci/jenkins-params.cjs'], { cwd: workspace, encoding: 'utf8', env: { PATH: process.env.PATH, ...GOOD, ...parameters } });
  type Lanes = { synthProjects: string; lanes: { cluster: string; spec: string; project: string; sides: { plan: string; apply: string }[] }[][] };
  const lanesOf = (parameters: Partial<typeof GOOD>): Lanes => {
    const result = run(parameters);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as Lanes;
  };
  /** A bad value: one line on stderr, exit 2, nothing on stdout for the Jenkinsfile to run. */
  const refusal = (parameters: Partial<typeof GOOD>): string => {
    const result = run(parameters);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')).toHaveLength(2);
    return result.stderr.trimEnd();
  };

  it('GIVEN no spec WHEN checked THEN one lane deploys the example through the provider and consumer projects', () => {
    const { synthProjects, lanes: result } = lanesOf({});
    expect(synthProjects).toBe('app');
    expect(result).toHaveLength(1);
    expect(result[0]!.map((c) => [c.cluster, c.spec, c.project])).toEqual([['example', 'examples/coban.yaml', 'app']]);
    expect(result[0]![0]!.sides.map((s) => [s.plan, s.apply])).toEqual([
      ['provider:diff', 'provider:apply'],
      ['consumer:diff', 'consumer:apply'],
      ['consumer:diff:acceptance', 'consumer:apply:acceptance'],
    ]);
  });

  it('GIVEN three specs separated by commas, spaces and a newline and a bound of 2 WHEN checked THEN two lanes keep their order', () => {
    const { synthProjects, lanes: result } = lanesOf({
      KAFKA_PRIVATELINK_SPEC: 'clusters/payments/cluster.yaml, clusters/search/cluster.yaml\nclusters/orders/cluster.yaml',
      MAX_PARALLEL_CLUSTERS: '2',
    });
    expect(synthProjects).toBe('cluster-payments,cluster-search,cluster-orders');
    expect(result.map((lane) => lane.map((c) => c.project))).toEqual([['cluster-payments', 'cluster-search'], ['cluster-orders']]);
    expect(result[1]![0]!.sides.map((s) => s.plan)).toEqual(['cluster-orders:diff:provider', 'cluster-orders:diff:consumers', 'cluster-orders:diff:acceptance']);
  });

  it('GIVEN a spec linked to another inside the workspace and the cp-ansible layout WHEN checked THEN both are accepted', () => {
    expect(lanesOf({ KAFKA_PRIVATELINK_SPEC: 'clusters/alias/cluster.yaml', KAFKA_LAYOUT: 'cp-ansible' }).synthProjects).toBe('cluster-alias');
  });

  it('refuses an absolute path', () => {
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: '/etc/passwd' })).toBe(`jenkins-params: KAFKA_PRIVATELINK_SPEC="/etc/passwd": an absolute path; ${SPEC_ALLOWED}`);
  });

  it('refuses a path with ..', () => {
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/payments/cluster.yaml,clusters/../examples/coban.yaml' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/../examples/coban.yaml": a path with ".."; ${SPEC_ALLOWED}`,
    );
  });

  it('refuses a file that is not a cluster spec, a spec that is not there or git ignores, a folder and the example by name', () => {
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'package.json' })).toBe(`jenkins-params: KAFKA_PRIVATELINK_SPEC="package.json": not a spec clusters/*/cluster.yaml; ${SPEC_ALLOWED}`);
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/payments/cluster.ports-lock.json' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/payments/cluster.ports-lock.json": not a spec clusters/*/cluster.yaml; ${SPEC_ALLOWED}`,
    );
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/nowhere/cluster.yaml' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/nowhere/cluster.yaml": no such file in the workspace; ${SPEC_ALLOWED}`,
    );
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/folder/cluster.yaml' })).toBe(`jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/folder/cluster.yaml": not a file; ${SPEC_ALLOWED}`);
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/ignored/cluster.yaml' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/ignored/cluster.yaml": ignored by git, so Nx makes no project of it; ${SPEC_ALLOWED}`,
    );
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'examples/coban.yaml' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="examples/coban.yaml": the example is the empty value; ${SPEC_ALLOWED}`,
    );
  });

  it('refuses a spec that links out of the workspace', () => {
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/escape/cluster.yaml' })).toMatch(
      /^jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters\/escape\/cluster\.yaml": a link out of the workspace \(to \/.+\/cluster\.yaml\); allowed: /,
    );
  });

  it('refuses a shell metacharacter, and runs nothing it holds', () => {
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/$(touch pwned)/cluster.yaml' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/$(touch pwned)/cluster.yaml": "$" is not in a spec path (letters, digits, ".", "_", "-", "/"); ${SPEC_ALLOWED}`,
    );
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/payments/cluster.yaml;id' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/payments/cluster.yaml;id": ";" is not in a spec path (letters, digits, ".", "_", "-", "/"); ${SPEC_ALLOWED}`,
    );
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/*/cluster.yaml' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/*/cluster.yaml": "*" is not in a spec path (letters, digits, ".", "_", "-", "/"); ${SPEC_ALLOWED}`,
    );
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/Pay_ments/cluster.yaml' })).toBe(
      `jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/Pay_ments/cluster.yaml": the cluster folder name is not in [a-z0-9-], so no Nx project is made of it; ${SPEC_ALLOWED}`,
    );
    expect(existsSync(join(workspace, 'pwned'))).toBe(false);
  });

  it('refuses a cluster named twice', () => {
    expect(refusal({ KAFKA_PRIVATELINK_SPEC: 'clusters/payments/cluster.yaml clusters/payments/cluster.yaml' })).toBe(
      'jenkins-params: KAFKA_PRIVATELINK_SPEC="clusters/payments/cluster.yaml clusters/payments/cluster.yaml": names clusters/payments/cluster.yaml twice; each cluster deploys once per build',
    );
  });

  it('refuses an unknown layout', () => {
    expect(refusal({ KAFKA_LAYOUT: 'confluent' })).toBe('jenkins-params: KAFKA_LAYOUT="confluent": one of apache, cp-ansible');
    expect(refusal({ KAFKA_LAYOUT: '' })).toBe('jenkins-params: KAFKA_LAYOUT="": one of apache, cp-ansible');
  });

  it('refuses a credential id outside the conservative set, for each credential parameter', () => {
    const allowed = 'a Jenkins credential id: 1 to 64 letters, digits, ".", "_" and "-", the first a letter or digit';
    expect(refusal({ AWS_CREDENTIALS: 'aws creds' })).toBe(`jenkins-params: AWS_CREDENTIALS="aws creds": ${allowed}`);
    expect(refusal({ BROKERS_SSH_CREDENTIALS: '$(id)' })).toBe(`jenkins-params: BROKERS_SSH_CREDENTIALS="$(id)": ${allowed}`);
    expect(refusal({ BROKERS_KNOWN_HOSTS: '' })).toBe(`jenkins-params: BROKERS_KNOWN_HOSTS="": ${allowed}`);
    expect(refusal({ AWS_CREDENTIALS: `a${'b'.repeat(64)}` })).toContain('jenkins-params: AWS_CREDENTIALS=');
    expect(lanesOf({ AWS_CREDENTIALS: '0b6c3a7e-2f1d-4c9a-9e55-8d2f6a1b3c4d' }).lanes).toHaveLength(1);
  });

  it('refuses a bound of 0, 1000, or one that is not digits', () => {
    const allowed = 'a whole number from 1 to 16, digits only';
    expect(refusal({ MAX_PARALLEL_CLUSTERS: '0' })).toBe(`jenkins-params: MAX_PARALLEL_CLUSTERS="0": ${allowed}`);
    expect(refusal({ MAX_PARALLEL_CLUSTERS: '1000' })).toBe(`jenkins-params: MAX_PARALLEL_CLUSTERS="1000": ${allowed}`);
    expect(refusal({ MAX_PARALLEL_CLUSTERS: '2e1' })).toBe(`jenkins-params: MAX_PARALLEL_CLUSTERS="2e1": ${allowed}`);
    expect(lanesOf({ MAX_PARALLEL_CLUSTERS: '16' }).lanes).toHaveLength(1);
  });

  it('refuses a plan summary name that is a path (tools/ci/plan-summary.sh), writing nothing', () => {
    const result = spawnSync('bash', ['tools/ci/plan-summary.sh', '../outside', 'clusters/payments/cdktf.out/stacks/provider'], { cwd: workspace, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "plan-summary: name '../outside' must be lower-case letters, digits and hyphens, in parts separated by single dots (e.g. cluster-payments.provider)\n",
    );
    expect(existsSync(join(workspace, 'plans'))).toBe(false);
    expect(existsSync(join(workspace, 'outside.txt'))).toBe(false);
  });
});
