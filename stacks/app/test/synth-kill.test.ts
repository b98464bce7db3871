import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { runApp } from './run-app';
import { BROKER_401, everything, scratch } from './scratch-spec';

const BROKER_301 = '  - id: 301\n    azId: apse1-az3\n    instanceId: i-0a1b2c3d4e5f60301\n    privateIp: 10.0.3.11\n';
const KILL_AT_STEP = 'KAFKA_PRIVATELINK_TEST_KILL_AT_STEP';

/** What `terraform init` leaves in a stack's folder, with bytes of its own per stack. */
const terraformFiles = (stack: string): Record<string, string> => ({
  [`stacks/${stack}/.terraform.lock.hcl`]: `# the provider lock of ${stack}\n`,
  [`stacks/${stack}/.terraform/providers/registry.terraform.io/hashicorp/aws/6.25.0/linux_amd64/terraform-provider-aws`]: `the plugin of ${stack}`,
});

/** Everything of the scratch folder but the output folder and the lockfile: what no synth may change. */
const outside = (dir: string): Record<string, string> =>
  Object.fromEntries(Object.entries(everything(dir)).filter(([path]) => path !== 'coban.ports-lock.json' && path !== 'out' && !path.startsWith('out/')));

/**
 * GIVEN an initialized output and a spec change that touches every kind of file of the swap: a
 * broker added (a port in the lockfile, a host_vars file), a broker removed (a host_vars file gone),
 * a consumer renamed (a stack folder gone, one new).
 */
function initializedScratch(): { dir: string; spec: string; out: string } {
  const { dir, spec, out } = scratch();
  expect(runApp(spec, out).status).toBe(0);
  for (const stack of ['provider', 'consumer-kios', 'acceptance']) {
    for (const [path, content] of Object.entries(terraformFiles(stack))) {
      mkdirSync(dirname(join(out, path)), { recursive: true });
      writeFileSync(join(out, path), content);
    }
  }
  writeFileSync(spec, readFileSync(spec, 'utf8').replace(BROKER_301, '').replace('brokers:\n', BROKER_401).replace('- name: kios', '- name: kiosk'));
  return { dir, spec, out };
}

/** A copy of the scratch folder at the same depth, so that its output has the same bytes. */
function copyOf(template: string): { dir: string; spec: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-app-'));
  cpSync(template, dir, { recursive: true, verbatimSymlinks: true });
  return { dir, spec: join(dir, 'coban.yaml'), out: join(dir, 'out') };
}

describe('synth stopped from outside', () => {
  let template: string;
  // What a synth that nobody stops makes: the same bytes whether it allocated or a re-synth did.
  let settled: Record<string, string>;
  let settledLock: string;
  beforeAll(() => {
    template = initializedScratch().dir;
    const reference = copyOf(template);
    expect(runApp(reference.spec, reference.out).status).toBe(0);
    const allocating = everything(reference.out);
    expect(runApp(reference.spec, reference.out).status).toBe(0);
    settled = everything(reference.out);
    settledLock = readFileSync(join(reference.dir, 'coban.ports-lock.json'), 'utf8');
    expect(allocating).toEqual(settled);
  }, 60_000);

  /** THEN the next synth leaves the output a synth nobody stopped leaves, and nothing else anywhere. */
  const expectRecovered = (dir: string, spec: string, out: string, before: Record<string, string>) => {
    expect(runApp(spec, out).status).toBe(0);
    const after = everything(out);
    expect(after).toEqual(settled);
    expect(readFileSync(join(dir, 'coban.ports-lock.json'), 'utf8')).toBe(settledLock);
    expect(outside(dir)).toEqual(before);
  };

  it('keeps every .terraform/ and .terraform.lock.hcl and changes nothing outside the output and the lockfile when killed at any step of the swap, and the next synth completes the output and clears what the killed one left', () => {
    let step = 1;
    for (; ; step++) {
      // WHEN the app dies by SIGKILL at this step of its swap
      const { dir, spec, out } = copyOf(template);
      const before = outside(dir);
      const killed = runApp(spec, out, { [KILL_AT_STEP]: String(step) });
      if (killed.status === 0) break;
      expect([step, killed.signal]).toEqual([step, 'SIGKILL']);

      // THEN the stacks that stay still have their Terraform files where they were, and nothing outside changed
      for (const stack of ['provider', 'acceptance']) {
        for (const [path, content] of Object.entries(terraformFiles(stack))) expect([step, readFileSync(join(out, path), 'utf8')]).toEqual([step, content]);
      }
      expect(outside(dir)).toEqual(before);
      expectRecovered(dir, spec, out, before);
      rmSync(dir, { recursive: true, force: true });
    }
    // the lockfile, the journal, ten moves, a removal, a stack folder and the clean-up at least
    expect(step).toBeGreaterThan(15);
  }, 900_000);

  it.each(['SIGINT', 'SIGTERM'] as const)('stops on %s with one line and a non-zero exit, having written all or nothing, and leaves nothing behind', async (signal) => {
    // GIVEN a synth under way: it has started staging its output
    const { dir, spec, out } = copyOf(template);
    const before = { outside: outside(dir), out: everything(out), lock: readFileSync(join(dir, 'coban.ports-lock.json'), 'utf8') };
    const app = spawn(process.execPath, ['--import', 'tsx', 'stacks/app/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKA_PRIVATELINK_SPEC: spec, CDKTF_OUTDIR: out },
    });
    let stderr = '';
    app.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let running = true;
    const exited = new Promise<number | null>((resolve) => app.on('exit', (code) => resolve(code)));
    void exited.then(() => (running = false));
    while (running && !existsSync(join(out, '.kafka-privatelink-synth', 'staging'))) await new Promise((resolve) => setTimeout(resolve, 5));

    // WHEN it gets the signal
    app.kill(signal);

    // THEN it exits with 128 + the signal's number and says in one line what it left
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    const untouched = `kafka-privatelink: stopped by ${signal}: nothing was written; the output folder and the lockfile are as they were\n`;
    expect([untouched, `kafka-privatelink: stopped by ${signal}: the synth had already finished: the output folder and the lockfile are up to date\n`]).toContain(stderr);
    if (stderr === untouched) {
      expect(everything(out)).toEqual(before.out);
      expect(readFileSync(join(dir, 'coban.ports-lock.json'), 'utf8')).toBe(before.lock);
      expect(outside(dir)).toEqual(before.outside);
    }
    expectRecovered(dir, spec, out, before.outside);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
