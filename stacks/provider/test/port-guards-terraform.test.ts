import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMPTY_LOCK, PortLock } from '@kafka-privatelink/port-allocation';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { broker, EXAMPLE_YAML, editYaml, planFromYaml, synthProvider } from './plans';

// The provider stack's guards as synthesized, planned and applied by Terraform itself with a local
// state. They reference no other resource and terraform_data is built into Terraform, so this
// needs no AWS provider and no network. Terraform must be on PATH.
jest.setTimeout(120_000);

const ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One deployed provider stack, reduced to its guards. */
class GuardedStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'kpl-guards-'));
  private initialized = false;

  terraform(...args: string[]): Ran {
    const ran = spawnSync('terraform', [...args, '-no-color'], { cwd: this.dir, env: ENV, encoding: 'utf8' });
    if (ran.error) throw new Error(`terraform could not run (${ran.error.message}): it must be on PATH`);
    return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr };
  }

  must(...args: string[]): Ran {
    const ran = this.terraform(...args);
    if (ran.code !== 0) throw new Error(`terraform ${args.join(' ')} exited with ${ran.code}:\n${ran.stderr}`);
    return ran;
  }

  /** Writes the guards of `plan`'s provider stack as the stack's whole configuration. */
  synth(plan: ExposurePlan): void {
    const { terraform_data } = synthProvider(plan).resource;
    writeFileSync(join(this.dir, 'cdk.tf.json'), JSON.stringify({ resource: { terraform_data } }, null, 2));
  }

  /** Plans `plan` into a file; on success, what it would do per action. */
  plan(plan: ExposurePlan): Ran & { readonly actions?: Readonly<Record<string, string[]>> } {
    this.synth(plan);
    if (!this.initialized) this.must('init', '-input=false');
    this.initialized = true;
    const ran = this.terraform('plan', '-input=false', '-out=tfplan');
    if (ran.code !== 0) return ran;
    const shown = JSON.parse(this.must('show', '-json', 'tfplan').stdout) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
    const actions: Record<string, string[]> = {};
    for (const rc of shown.resource_changes ?? []) (actions[rc.change.actions.join(',')] ??= []).push(rc.address);
    return { ...ran, actions };
  }

  apply(plan: ExposurePlan): void {
    const planned = this.plan(plan);
    if (planned.code !== 0) throw new Error(`plan failed:\n${planned.stderr}`);
    this.must('apply', '-input=false', 'tfplan');
  }

  /** The guards in the state, each with the value it holds. */
  state(): Record<string, unknown> {
    const shown = JSON.parse(this.must('show', '-json').stdout) as { values?: { root_module: { resources: { address: string; values: { triggers_replace: unknown } }[] } } };
    return Object.fromEntries((shown.values?.root_module.resources ?? []).map((r) => [r.address, r.values.triggers_replace]));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const without = (id: number) => editYaml((s) => (s.brokers = s.brokers.filter((b: { id: number }) => b.id !== id)));
const withBroker = (id: number, text = EXAMPLE_YAML) => editYaml((s) => s.brokers.push(broker(id, 1)), text);
/** The lock a spec's history leaves, each step allocated against the one before. */
const lockAfter = (...specs: string[]): PortLock => specs.reduce((lock, text) => planFromYaml(text, lock).lock, EMPTY_LOCK);
const planOf = (text: string, lock: PortLock): ExposurePlan => planFromYaml(text, lock).plan;

/** Terraform's refusal for one guard, as it prints it. */
const refusal = (address: string) => `Resource ${address} has lifecycle.prevent_destroy set`;
/** Terraform wraps its messages to the width of a terminal; this unwraps them. */
const unwrapped = (text: string) => text.replace(/\s+/g, ' ');

describe('the port guards, planned by Terraform', () => {
  let stack: GuardedStack;
  beforeEach(() => {
    stack = new GuardedStack();
  });
  afterEach(() => stack.remove());

  it('refuses to move a deployed broker to another port, or to give a retired port to another broker, when the lockfile is lost', () => {
    // GIVEN the example deployed after broker 201 left (its port 10002 retired)
    const lock = lockAfter(EXAMPLE_YAML, without(201));
    stack.apply(planOf(without(201), lock));
    const deployed = stack.state();

    // WHEN the lockfile is lost and synth allocates afresh: broker 301 gets 10002
    const planned = stack.plan(planOf(without(201), EMPTY_LOCK));

    // THEN the plan fails, naming broker 301 and the ports, and nothing is applied
    expect(planned.code).toBe(1);
    expect(unwrapped(planned.stderr)).toContain('Error: Instance cannot be destroyed');
    expect(unwrapped(planned.stderr)).toContain(refusal('terraform_data.broker_301'));
    expect(unwrapped(planned.stderr)).toContain(refusal('terraform_data.port_owners_s0["10002"]'));
    expect(unwrapped(planned.stderr)).toContain(refusal('terraform_data.port_owners_s0["10003"]'));
    expect(planned.stdout).toContain('~ triggers_replace = "broker 301 port 10003" -> "broker 301 port 10002"');
    expect(planned.stdout).toContain('~ triggers_replace = "broker 201 port 10002" -> "broker 301 port 10002"');
    expect(unwrapped(planned.stderr)).not.toContain('broker_101');
    expect(stack.state()).toEqual(deployed);
  });

  it('refuses to give a deployed broker\'s port to another broker after a bad merge of the lockfile', () => {
    // GIVEN broker 401 deployed on 10004
    stack.apply(planOf(withBroker(401), lockAfter(withBroker(401))));

    // WHEN a merge keeps the other branch's lockfile, which gave 10004 to broker 501
    const merged = lockAfter(withBroker(501));
    const planned = stack.plan(planOf(withBroker(501, withBroker(401)), merged));

    // THEN broker 401 may not move to 10005, nor its port go to broker 501
    expect(planned.code).toBe(1);
    expect(unwrapped(planned.stderr)).toContain(refusal('terraform_data.broker_401'));
    expect(unwrapped(planned.stderr)).toContain(refusal('terraform_data.port_owners_s0["10004"]'));
    expect(planned.stdout).toContain('"broker 401 port 10004" -> "broker 501 port 10004"');
  });

  it('refuses to drop a retired port from the guard when the lockfile that retired it is lost', () => {
    // GIVEN broker 401 added and removed again: 10004 is retired
    const lock = lockAfter(EXAMPLE_YAML, withBroker(401), EXAMPLE_YAML);
    stack.apply(planOf(EXAMPLE_YAML, lock));

    // WHEN the lockfile is lost: every active broker keeps its port, but 10004 would be free again
    const planned = stack.plan(planOf(EXAMPLE_YAML, EMPTY_LOCK));

    // THEN the plan fails on the port's guard, which names the broker that held it
    expect(planned.code).toBe(1);
    expect(unwrapped(planned.stderr)).toContain(refusal('terraform_data.port_owners_s0["10004"]'));
    expect(planned.stdout).toContain('(because key ["10004"] is not in for_each map)');
    expect(planned.stdout).toContain('- triggers_replace = "broker 401 port 10004" -> null');
  });

  it('GIVEN the deployed example WHEN broker 201 is removed THEN the plan only destroys its guard, and applies', () => {
    const lock = lockAfter(EXAMPLE_YAML);
    stack.apply(planOf(EXAMPLE_YAML, lock));

    const planned = stack.plan(planOf(without(201), lock));

    expect(planned.code).toBe(0);
    expect(planned.actions).toEqual({ delete: ['terraform_data.broker_201'], 'no-op': expect.any(Array) });
    stack.must('apply', '-input=false', 'tfplan');
    expect(stack.state()['terraform_data.port_owners_s0["10002"]']).toBe('broker 201 port 10002');
  });

  it('GIVEN the deployed example WHEN broker 401 is added THEN the plan only creates its guard and its port\'s, and applies', () => {
    const lock = lockAfter(EXAMPLE_YAML);
    stack.apply(planOf(EXAMPLE_YAML, lock));

    const planned = stack.plan(planOf(withBroker(401), lock));

    expect(planned.code).toBe(0);
    expect(planned.actions).toEqual({ create: ['terraform_data.broker_401', 'terraform_data.port_owners_s0["10004"]'], 'no-op': expect.any(Array) });
    stack.must('apply', '-input=false', 'tfplan');
    expect(stack.terraform('plan', '-input=false', '-detailed-exitcode').code).toBe(0);
  });

  it('GIVEN broker 201 removed and deployed WHEN it comes back THEN the plan only creates its guard: its port was kept for it', () => {
    const lock = lockAfter(EXAMPLE_YAML, without(201));
    stack.apply(planOf(without(201), lock));

    const planned = stack.plan(planOf(EXAMPLE_YAML, lock));

    expect(planned.code).toBe(0);
    expect(planned.actions).toEqual({ create: ['terraform_data.broker_201'], 'no-op': expect.any(Array) });
  });
});
