import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runApp, tree } from './run-app';
import { BROKER_401, everything, scratch } from './scratch-spec';

const SETTING = 'kafka-privatelink: CDKTF_OUTDIR (cdktf synth --output):';
const MARKER = '.kafka-privatelink-output';
const KEEP = 'synth replaces what its output folder holds: choose a folder that holds none of the spec, the lockfile and the state (the default is cdktf.out)';
const LOCK_HCL = 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "6.25.0"\n}\n';

/** A refusal: exit 1, exactly one line on stderr, and not one byte of the scratch folder changed. */
function expectRefusal(dir: string, run: () => ReturnType<typeof runApp>, line: string): void {
  const before = everything(dir);
  const result = run();
  expect([result.status, result.stderr]).toEqual([1, `${SETTING} ${line}\n`]);
  expect(everything(dir)).toEqual(before);
}

describe('the output folder: synth replaces only what an earlier synth wrote', () => {
  it('refuses the spec\'s own folder, which holds the spec, the lockfile and a team\'s notes', () => {
    // GIVEN a cluster folder as the many-clusters layout has it, with a team's notes
    const { dir, spec, lock } = scratch();
    const cluster = join(dir, 'clusters', 'payments');
    mkdirSync(cluster, { recursive: true });
    renameSync(spec, join(cluster, 'cluster.yaml'));
    renameSync(lock, join(cluster, 'cluster.ports-lock.json'));
    writeFileSync(join(cluster, 'NOTES.md'), 'our runbook\n');

    // WHEN synth is pointed at that folder, and at the folder above it; THEN it refuses, touching nothing
    for (const out of [cluster, dir]) {
      expectRefusal(dir, () => runApp(join(cluster, 'cluster.yaml'), out), `${out} holds the cluster spec ${join(cluster, 'cluster.yaml')}; ${KEEP}`);
    }
  }, 60_000);

  it('refuses a folder that holds the lockfile the spec names', () => {
    const { dir, spec, lock } = scratch();
    mkdirSync(join(dir, 'locks'));
    renameSync(lock, join(dir, 'locks', 'coban.json'));
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('ports:\n', 'ports:\n  lockfile: locks/coban.json\n'));

    expectRefusal(dir, () => runApp(spec, join(dir, 'locks')), `${join(dir, 'locks')} holds the port lockfile (ports.lockfile) ${join(dir, 'locks', 'coban.json')}; ${KEEP}`);
  }, 60_000);

  it('refuses a folder that is or holds the local Terraform state directory, whose state a re-synth would delete', () => {
    // GIVEN a local backend whose directory lies inside the output folder, with a deployed stack's state
    const { dir, spec, out } = scratch();
    const state = join(out, 'terraform-state');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('directory: terraform-state', `directory: ${state}`));
    mkdirSync(join(state, 'coban'), { recursive: true });
    writeFileSync(join(state, 'coban', 'provider.tfstate'), '{"version": 4}\n');

    // WHEN synth writes into the folder that holds it, or into the state directory itself; THEN it refuses
    expectRefusal(dir, () => runApp(spec, out), `${out} holds the Terraform state directory (backend.directory) ${state}; ${KEEP}`);
    expectRefusal(
      dir,
      () => runApp(spec, state),
      `${state} is the Terraform state directory (backend.directory); synth replaces what its output folder holds: choose a folder of its own (the default is cdktf.out)`,
    );
  }, 60_000);

  it('refuses a git repository\'s root, and an output folder that holds a repository', () => {
    const { dir, spec, out } = scratch();
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    expect(spawnSync('git', ['init', '-q', repo]).status).toBe(0);
    expectRefusal(dir, () => runApp(spec, repo), `${repo} holds .git: it is a git repository, and synth replaces what its output folder holds; choose a folder of its own (the default is cdktf.out)`);

    expect(runApp(spec, out).status).toBe(0);
    expect(spawnSync('git', ['init', '-q', join(out, 'stacks', 'provider', 'modules')]).status).toBe(0);
    expectRefusal(dir, () => runApp(spec, out), `${out} holds a git repository (stacks/provider/modules/.git); synth replaces what its output folder holds: choose a folder of its own`);
  }, 60_000);

  it('refuses a non-empty folder that no synth wrote, naming what is in it', () => {
    const { dir, spec, out } = scratch();
    mkdirSync(join(out, 'ansible'), { recursive: true });
    writeFileSync(join(out, 'ansible', 'inventory.yml'), 'all: {}\n');
    expectRefusal(
      dir,
      () => runApp(spec, out),
      `${out} is not empty and is not a synth output (it has no ${MARKER} and no cdktf manifest.json): it holds ansible/inventory.yml; ` +
        'synth writes into an empty folder or into one it wrote before: choose another folder, or empty this one',
    );
    writeFileSync(join(out, 'NOTES.md'), 'our runbook\n');
    expectRefusal(
      dir,
      () => runApp(spec, out),
      `${out} is not empty and is not a synth output (it has no ${MARKER}): it holds NOTES.md; ` +
        'synth writes into an empty folder or into one it wrote before: choose another folder, or empty this one',
    );
  }, 60_000);

  it('refuses a folder inside node_modules, which npm ci replaces with the Terraform files in it', () => {
    const { dir, spec } = scratch();
    const out = join(dir, 'node_modules', 'out');
    expectRefusal(dir, () => runApp(spec, out), `${out} is inside node_modules, which npm ci replaces as a whole: choose a folder outside it`);
  }, 60_000);

  it('refuses a link inside its output folder where it writes, instead of writing through it', () => {
    const { dir, spec, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    const elsewhere = join(dir, 'elsewhere');
    renameSync(join(out, 'stacks', 'provider'), elsewhere);
    symlinkSync(elsewhere, join(out, 'stacks', 'provider'));
    expectRefusal(dir, () => runApp(spec, out), `${out} holds stacks/provider as a link; synth writes only inside its output folder and does not replace links: make it a plain folder`);
  }, 60_000);

  it('refuses an output folder that another synth is writing, and leaves that synth\'s work alone', () => {
    // GIVEN an output folder whose work folder a running process (this test's) has claimed
    const { dir, spec, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    mkdirSync(join(out, '.kafka-privatelink-synth', 'staging'), { recursive: true });
    writeFileSync(join(out, '.kafka-privatelink-synth', 'pid'), `${process.pid}\n`);

    expectRefusal(dir, () => runApp(spec, out), `${out} is being written by another synth (process ${process.pid}): wait until it has finished, then synthesize again`);
  }, 60_000);

  it('writes through an output folder that is a link, which stays a link', () => {
    // GIVEN cdktf.out as a link to a folder on a bigger disk
    const { dir, spec } = scratch();
    mkdirSync(join(dir, 'disk'));
    symlinkSync(join(dir, 'disk'), join(dir, 'out'));

    // WHEN synth runs twice into it
    expect(runApp(spec, join(dir, 'out')).status).toBe(0);
    writeFileSync(join(dir, 'disk', 'stacks', 'provider', '.terraform.lock.hcl'), LOCK_HCL);
    expect(runApp(spec, join(dir, 'out')).status).toBe(0);

    // THEN the link is still a link, and the output and the Terraform files are behind it
    expect(lstatSync(join(dir, 'out')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'disk', 'stacks', 'provider', '.terraform.lock.hcl'), 'utf8')).toBe(LOCK_HCL);
    expect(existsSync(join(dir, 'disk', 'manifest.json'))).toBe(true);
  }, 60_000);

  it('keeps the files of its output folder that it did not write', () => {
    const { spec, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    writeFileSync(join(out, 'NOTES.md'), 'our runbook\n');
    mkdirSync(join(out, 'ansible', 'group_vars'));
    writeFileSync(join(out, 'ansible', 'group_vars', 'all.yml'), 'ntp: pool.ntp.org\n');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));

    expect(runApp(spec, out).status).toBe(0);

    expect(readFileSync(join(out, 'NOTES.md'), 'utf8')).toBe('our runbook\n');
    expect(readFileSync(join(out, 'ansible', 'group_vars', 'all.yml'), 'utf8')).toBe('ntp: pool.ntp.org\n');
    expect(existsSync(join(out, 'ansible', 'host_vars', 'broker-401.yml'))).toBe(true);
  }, 60_000);

  it('takes over an output of the version that wrote no marker when it holds only what synth and Terraform write, and refuses one that holds more', () => {
    // GIVEN an output as the previous version left it: no marker, Terraform's files in the stacks
    const { dir, spec, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    rmSync(join(out, MARKER));
    mkdirSync(join(out, 'stacks', 'provider', '.terraform', 'providers'), { recursive: true });
    writeFileSync(join(out, 'stacks', 'provider', '.terraform.lock.hcl'), LOCK_HCL);
    writeFileSync(join(out, 'stacks', 'provider', 'plan'), 'a saved plan of cdktf diff');
    const before = tree(out);

    // WHEN synth runs; THEN it marks the folder and keeps every file
    expect(runApp(spec, out).status).toBe(0);
    expect(tree(out)).toEqual({ ...before, [MARKER]: readFileSync(join(__dirname, 'golden', 'coban', MARKER), 'utf8') });

    // AND an unmarked output with a file synth does not write is refused
    rmSync(join(out, MARKER));
    writeFileSync(join(out, 'stacks', 'provider', 'terraform.tfstate'), '{"version": 4}\n');
    expectRefusal(
      dir,
      () => runApp(spec, out),
      `${out} is not empty and is not a synth output (it has no ${MARKER}): it holds stacks/provider/terraform.tfstate; ` +
        'synth writes into an empty folder or into one it wrote before: choose another folder, or empty this one',
    );
  }, 60_000);
});

describe('the lockfile', () => {
  it('is written through a link, which stays a link', () => {
    // GIVEN the lockfile as a link into a shared folder
    const { dir, spec, lock, out } = scratch();
    mkdirSync(join(dir, 'shared'));
    copyFileSync(lock, join(dir, 'shared', 'coban.json'));
    rmSync(lock);
    symlinkSync(join('shared', 'coban.json'), lock);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));

    // WHEN a synth allocates a port
    expect(runApp(spec, out).status).toBe(0);

    // THEN the link is a link still, and the file it names holds the allocation
    expect(lstatSync(lock).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'shared', 'coban.json'), 'utf8')).toContain('"401": { "port": 10004, "shard": 0, "listener": "CLIENT" }');
    expect(Object.keys(everything(dir)).filter((path) => !path.startsWith('out'))).toEqual(['coban.ports-lock.json', 'coban.yaml', 'shared', 'shared/coban.json']);
  }, 60_000);

  it('loses the temporary file that a killed synth left beside it', () => {
    const { dir, spec, lock, out } = scratch();
    const dead = spawnSync('true').pid;
    writeFileSync(`${lock}.tmp-${dead}`, '{ "lockfileVersion": 1');
    expect(runApp(spec, out).status).toBe(0);
    expect(Object.keys(everything(dir)).filter((path) => !path.startsWith('out'))).toEqual(['coban.ports-lock.json', 'coban.yaml']);
  }, 60_000);
});
