import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ARTIFACT_PATHS } from '@kafka-privatelink/emitters';
import { parseJenkinsfile, tokenize, assertBalanced } from './jenkinsfile';
import { shellCommands, unknownInvocations, WORKSPACE_ROOT } from './workspace';

const read = (path: string): string => readFileSync(join(WORKSPACE_ROOT, path), 'utf8');
const PINNED_ACTION = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
const INVENTORY = `cdktf.out/${ARTIFACT_PATHS.ansibleInventory}`;

/** The playbook and inventory an `ansible-playbook` command uses must be the ones this repo makes. */
function ansibleProblems(command: string): string[] {
  if (!command.startsWith('ansible-playbook ')) return [];
  const words = command.split(' ');
  const inventory = words[words.indexOf('-i') + 1];
  const playbooks = words.filter((w) => /\.ya?ml$/.test(w) && w !== inventory);
  return [
    ...(inventory === INVENTORY ? [] : [`ansible-playbook uses inventory ${inventory}, synth writes ${INVENTORY}`]),
    ...(playbooks.length === 1 ? [] : [`ansible-playbook should name one playbook, got ${playbooks.join(' ')}`]),
    ...playbooks.filter((p) => !existsSync(join(WORKSPACE_ROOT, p))).map((p) => `playbook ${p} does not exist`),
  ];
}

describe('Jenkinsfile', () => {
  const jenkinsfile = parseJenkinsfile(read('Jenkinsfile'));
  const commands = jenkinsfile.stages.flatMap((s) => s.sh.flatMap(shellCommands));

  it('is one declarative pipeline with an agent and stages', () => {
    expect(jenkinsfile.sections).toEqual(expect.arrayContaining(['agent', 'environment', 'stages']));
  });

  it('installs, synthesizes, deploys the provider, then the consumers, then configures the brokers', () => {
    expect(jenkinsfile.stages.map((s) => s.name)).toEqual(['Install', 'Synth', 'Deploy provider', 'Deploy consumers', 'Configure broker listeners']);
    expect(commands.map((c) => c.split(' ').slice(0, 4).join(' '))).toEqual([
      'npm ci',
      'npx nx run-many -t',
      'npx nx run provider:deploy',
      'npx nx run consumer:deploy',
      'ansible-playbook -i cdktf.out/ansible/inventory.yml tools/ansible/kafka-listeners.yml',
    ]);
  });

  it('synthesizes and deploys with the lockfile frozen', () => {
    expect(jenkinsfile.environment['KAFKA_PRIVATELINK_FROZEN_LOCKFILE']).toBe('true');
  });

  it('calls only npm scripts and Nx targets that exist', () => {
    expect(commands.flatMap(unknownInvocations)).toEqual([]);
  });

  it('runs the playbook of tools/ansible with the inventory synth writes', () => {
    expect(commands.flatMap(ansibleProblems)).toEqual([]);
  });

  it("checks the brokers' SSH host keys against the known-hosts credential, never trusting on first use", () => {
    const playbookRuns = commands.filter((c) => c.startsWith('ansible-playbook '));
    expect(playbookRuns).toHaveLength(1);
    expect(playbookRuns[0]).toContain('-o UserKnownHostsFile=$KNOWN_HOSTS -o StrictHostKeyChecking=yes');
    expect(playbookRuns[0]).not.toMatch(/StrictHostKeyChecking=(no|accept-new)|host_key_checking|ANSIBLE_HOST_KEY_CHECKING/i);
    expect(jenkinsfile.environment['ANSIBLE_HOST_KEY_CHECKING']).toBe('True');
    expect(read('Jenkinsfile')).toMatch(/file\(credentialsId: params\.BROKERS_KNOWN_HOSTS, variable: 'KNOWN_HOSTS'\)/);
  });

  it('sets only variables the role declares in its argument specs', () => {
    const declared = Object.keys(
      (parse(read('tools/ansible/roles/kafka_listeners/meta/argument_specs.yml')) as { argument_specs: { main: { options: Record<string, unknown> } } }).argument_specs.main.options,
    );
    const set = commands.flatMap((c) => [...c.matchAll(/(?:^| )-e (\w+)=/g)].map((m) => m[1]!));
    expect(set.length).toBeGreaterThan(0);
    expect(set.filter((v) => !declared.includes(v))).toEqual([]);
  });

  it('rolls the brokers one at a time and stops at the first that fails', () => {
    const [play] = parse(read('tools/ansible/kafka-listeners.yml')) as { serial?: number; max_fail_percentage?: number }[];
    expect(play).toMatchObject({ serial: 1, max_fail_percentage: 0 });
    expect(commands.filter((c) => c.startsWith('ansible-playbook ')).join(' ')).not.toMatch(/ (-f|--forks)\b|serial/);
  });

  it('fails to read when a bracket is left open', () => {
    expect(() => assertBalanced(tokenize("pipeline {\n  stages {\n    stage('x') { steps { sh 'a' }\n  }\n}\n"))).toThrow(/never closed/);
  });
});

describe('pull request workflow', () => {
  interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly env?: Record<string, string>;
    readonly with?: Record<string, unknown>;
  }
  const workflow = parse(read('.github/workflows/pull-request.yml')) as {
    on: Record<string, unknown>;
    env: Record<string, string>;
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const commands = steps.flatMap((s) => (s.run ? shellCommands(s.run) : []));

  it('runs on pull requests', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  });

  it('pins every action to a commit', () => {
    const actions = steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => !PINNED_ACTION.test(a))).toEqual([]);
  });

  it('tests, synthesizes with the frozen lockfile, then diffs the affected stacks', () => {
    expect(workflow.env['KAFKA_PRIVATELINK_FROZEN_LOCKFILE']).toBe('true');
    const nx = commands.filter((c) => c.startsWith('npx nx'));
    expect(nx[0]).toMatch(/^npx nx affected -t .*\btest\b/);
    expect(nx[1]).toBe('npx nx run-many -t synth');
    expect(nx[2]).toMatch(/^npx nx affected -t diff\b/);
  });

  it('calls only npm scripts and Nx targets that exist', () => {
    expect(commands.flatMap(unknownInvocations)).toEqual([]);
  });

  it('comments with the topology report that synth writes', () => {
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'));
    expect(comment?.env?.['TOPOLOGY_REPORT']).toBe(`cdktf.out/${ARTIFACT_PATHS.topologyReport}`);
    expect(String(comment?.with?.['script'])).toContain('updateComment');
  });
});

describe('unknownInvocations', () => {
  it('accepts targets that package.json files declare', () => {
    expect(unknownInvocations('npx nx run provider:deploy && npx nx run-many -t synth')).toEqual([]);
  });

  it('fails when a project or target does not exist', () => {
    expect(unknownInvocations('npx nx run provider:launch')).toEqual(['npx nx run provider:launch: project provider has no target launch']);
    expect(unknownInvocations('npx nx run nowhere:deploy')).toEqual(['npx nx run nowhere:deploy: no Nx project nowhere']);
    expect(unknownInvocations('npx nx affected -t fly')).toEqual(['npx nx affected -t fly: no project has a target fly']);
  });
});
