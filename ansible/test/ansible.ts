import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PLAYBOOK = resolve(__dirname, '..', 'kafka-listeners.yml');

/** Fails loudly: these tests exist to run the real Ansible, so a missing one is an error, not a skip. */
export function assertAnsibleInstalled(): void {
  for (const tool of ['ansible', 'ansible-playbook', 'ansible-inventory']) {
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
 * Runs the playbook against every host of the inventory on this machine (no SSH, no become), each
 * broker editing `<brokersDir>/<host>/server.properties`. `args` go before the playbook
 * (e.g. `--check --diff`).
 */
export function runPlaybook(
  inventory: string,
  brokersDir: string,
  workdir: string,
  extraVars: Record<string, unknown> = {},
  args: readonly string[] = [],
): SpawnSyncReturns<string> {
  return spawnSync(
    'ansible-playbook',
    [
      '-i',
      inventory,
      ...args,
      PLAYBOOK,
      '-e',
      JSON.stringify({
        ansible_connection: 'local',
        ansible_python_interpreter: '{{ ansible_playbook_python }}',
        kafka_listeners_server_properties_path: `${brokersDir}/{{ inventory_hostname }}/server.properties`,
        ...extraVars,
      }),
    ],
    { cwd: workdir, encoding: 'utf8', env: ansibleEnv(workdir), timeout: 180_000 },
  );
}

/** Runs the playbook and fails with its output when it fails. */
export function mustRunPlaybook(...args: Parameters<typeof runPlaybook>): SpawnSyncReturns<string> {
  const run = runPlaybook(...args);
  if (run.status !== 0) throw new Error(explain('ansible-playbook', run));
  return run;
}

/** `ok=… changed=… failed=…` of each host in the PLAY RECAP. */
export function recap(stdout: string): Map<string, { changed: number; failed: number }> {
  const lines = stdout.slice(stdout.lastIndexOf('PLAY RECAP')).matchAll(/^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/gm);
  return new Map([...lines].map((m) => [m[1]!, { changed: Number(m[2]), failed: Number(m[3]) }] as const));
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

/** A variable of one host as Ansible resolves it (templates and precedence applied), from these inventories. */
export function resolvedVar(inventories: readonly string[], host: string, variable: string, workdir: string): unknown {
  const run = spawnSync('ansible', [...inventories.flatMap((i) => ['-i', i]), host, '-c', 'local', '-m', 'ansible.builtin.debug', '-a', `var=${variable}`, '-e', 'ansible_python_interpreter={{ ansible_playbook_python }}'], {
    cwd: workdir,
    encoding: 'utf8',
    env: { ...ansibleEnv(workdir), ANSIBLE_LOAD_CALLBACK_PLUGINS: '1', ANSIBLE_STDOUT_CALLBACK: 'json' },
  });
  if (run.status !== 0) throw new Error(explain('ansible', run));
  const result = JSON.parse(run.stdout) as { plays: { tasks: { hosts: Record<string, Record<string, unknown>> }[] }[] };
  return result.plays[0]!.tasks[0]!.hosts[host]![variable];
}
