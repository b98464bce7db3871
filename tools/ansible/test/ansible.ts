import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PLAYBOOK = resolve(__dirname, '..', 'kafka-listeners.yml');

/** Fails loudly: these tests exist to run the real Ansible, so a missing one is an error, not a skip. */
export function assertAnsibleInstalled(): void {
  for (const tool of ['ansible-playbook', 'ansible-inventory']) {
    const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      throw new Error(
        `${tool} is not installed or does not run (${probe.error?.message ?? probe.stderr}). ` +
          'These tests run the real Ansible: install it (Debian/Ubuntu: apt-get install -y ansible-core).',
      );
    }
  }
}

/** Keeps Ansible's own state inside the test folder and away from any ansible.cfg around. */
function ansibleEnv(workdir: string): NodeJS.ProcessEnv {
  const home = join(workdir, 'ansible-home');
  mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    ANSIBLE_CONFIG: join(workdir, 'no-ansible.cfg'),
    ANSIBLE_HOME: home,
    ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
    ANSIBLE_REMOTE_TEMP: join(home, 'remote-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
  };
}

const explain = (what: string, run: SpawnSyncReturns<string>): string =>
  `${what} exited with ${run.status ?? run.signal}:\n${run.stdout}\n${run.stderr}`;

/**
 * Runs the playbook against every host of the inventory on this machine (no SSH, no become),
 * each broker rendering into `<renderDir>/<host>/server-listeners.properties`.
 */
export function runPlaybook(
  inventory: string,
  renderDir: string,
  workdir: string,
  extraVars: Record<string, unknown> = {},
): SpawnSyncReturns<string> {
  return spawnSync(
    'ansible-playbook',
    [
      '-i',
      inventory,
      PLAYBOOK,
      '-e',
      JSON.stringify({
        ansible_connection: 'local',
        ansible_python_interpreter: '{{ ansible_playbook_python }}',
        kafka_listeners_output_dir: renderDir,
        ...extraVars,
      }),
    ],
    { cwd: workdir, encoding: 'utf8', env: ansibleEnv(workdir), timeout: 120_000 },
  );
}

export function renderListeners(inventory: string, renderDir: string, workdir: string): void {
  const run = runPlaybook(inventory, renderDir, workdir);
  if (run.status !== 0) throw new Error(explain('ansible-playbook', run));
}

export interface InventoryList {
  readonly _meta: { readonly hostvars: Record<string, Record<string, unknown>> };
  readonly [group: string]: unknown;
}

/** The inventory as Ansible itself reads it, host_vars included. */
export function ansibleInventoryList(inventory: string, workdir: string): InventoryList {
  const run = spawnSync('ansible-inventory', ['-i', inventory, '--list'], { cwd: workdir, encoding: 'utf8', env: ansibleEnv(workdir) });
  if (run.status !== 0) throw new Error(explain('ansible-inventory', run));
  return JSON.parse(run.stdout) as InventoryList;
}
