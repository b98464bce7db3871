import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { synthExample } from './synth';

const ROLE = join(REPO_ROOT, 'ansible', 'roles', 'kafka_listeners');
const VARIABLE = /\b(kafka_(?:privatelink|listeners)_\w+)\b/g;

interface Option {
  readonly required?: boolean;
}

/** The role's files as text, by path inside the role, without its Python module. */
function roleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const dir of ['tasks', 'vars', 'defaults', 'handlers']) {
    for (const name of readdirSync(join(ROLE, dir))) files[`${dir}/${name}`] = readFileSync(join(ROLE, dir, name), 'utf8');
  }
  return files;
}

/**
 * The variables a role reads that neither it defines (vars, defaults, set_fact, register) nor its
 * argument specs declare: inputs that nobody checks and a missing one turns into `''` silently.
 */
export function undeclaredInputs(files: Record<string, string>, declared: readonly string[]): string[] {
  const defined = new Set<string>();
  for (const [path, text] of Object.entries(files)) {
    if (path.startsWith('vars/') || path.startsWith('defaults/')) Object.keys((parse(text) as Record<string, unknown> | null) ?? {}).forEach((k) => defined.add(k));
    for (const m of text.matchAll(/^\s+register: (\w+)/gm)) defined.add(m[1]!);
    for (const m of text.matchAll(/ansible\.builtin\.set_fact:\n((?:\s{4,}\w+: .*\n)+)/g)) for (const k of m[1]!.matchAll(/^\s+(\w+):/gm)) defined.add(k[1]!);
  }
  const read = new Set(Object.values(files).flatMap((text) => [...text.matchAll(VARIABLE)].map((m) => m[1]!)));
  return [...read].filter((name) => !defined.has(name) && !declared.includes(name)).sort();
}

const specs = parse(readFileSync(join(ROLE, 'meta', 'argument_specs.yml'), 'utf8')) as { argument_specs: { main: { options: Record<string, Option> } } };
const options = specs.argument_specs.main.options;

describe("the kafka_listeners role's inputs", () => {
  it('are all declared in its argument specs: it derives none of them from other values', () => {
    expect(undeclaredInputs(roleFiles(), Object.keys(options))).toEqual([]);
    expect(Object.values(roleFiles()).join('\n')).not.toMatch(/kafka_privatelink_\w+ \| default\(/);
  });

  it("fails when a role file reads a variable that nobody declares, naming it", () => {
    const files = { ...roleFiles(), 'tasks/extra.yml': "- ansible.builtin.debug:\n    msg: \"{{ kafka_privatelink_client_name | default('') }}\"\n" };
    expect(undeclaredInputs(files, Object.keys(options))).toEqual(['kafka_privatelink_client_name']);
  });

  it('that are required are in every host vars file synth writes', () => {
    const required = Object.entries(options).filter(([, o]) => o.required).map(([name]) => name);
    expect(required).toEqual(expect.arrayContaining(['kafka_privatelink_client_listener', 'kafka_privatelink_client_protocol', 'kafka_privatelink_advertised_name', 'kafka_privatelink_nlb_port']));
    const { outdir } = synthExample();
    const hostVars = join(outdir, 'ansible', 'host_vars');
    const files = readdirSync(hostVars);
    expect(files.length).toBe(3);
    for (const file of files) {
      const vars = parse(readFileSync(join(hostVars, file), 'utf8')) as Record<string, unknown>;
      expect(required.filter((name) => vars[name] === undefined)).toEqual([]);
      expect(vars).toMatchObject({ kafka_privatelink_client_listener: 'CLIENT', kafka_privatelink_client_protocol: 'PLAINTEXT' });
    }
  }, 60_000);
});

describe('the health gates of the restart', () => {
  interface Task {
    readonly name?: string;
    readonly until?: string;
    readonly 'ansible.builtin.include_tasks'?: string;
    readonly vars?: Record<string, string>;
    readonly block?: Task[];
  }
  const restart = parse(readFileSync(join(ROLE, 'tasks', 'restart.yml'), 'utf8')) as Task[];
  const tasks = restart.flatMap((t) => [t, ...(t.block ?? [])]);

  it('are one task file, included once per gate with its name, command and condition', () => {
    const gates = tasks.filter((t) => t['ansible.builtin.include_tasks'] === 'gate.yml');
    expect(gates.map((g) => g.vars?.['gate_name'])).toEqual([
      'gate before the restart: no under-replicated partitions',
      'gate: broker registered again',
      'gate: broker advertises the new endpoints',
      'gate: no under-replicated partitions',
      'gate: KRaft quorum healthy',
    ]);
    for (const gate of gates) expect(Object.keys(gate.vars ?? {})).toEqual(expect.arrayContaining(['gate_name', 'gate_argv', 'gate_holds']));
    expect(tasks.filter((t) => t.until !== undefined)).toEqual([]);
  });
});
