import { readFileSync } from 'node:fs';
import { App, TerraformStack, Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import { EMPTY_LOCK, PortLock } from '@kafka-privatelink/port-allocation';
import { ExposurePlan, planWithLock } from '@kafka-privatelink/plan';
import { EXAMPLE_SPEC_PATH, parseSpec } from '@kafka-privatelink/cluster-spec';
import { ProviderStack } from '@kafka-privatelink/provider';
import { addConsumerStacks } from '../src';

/** The example spec as a plain object, for tests to change before it goes through the pipeline. */
export type SpecDoc = Record<string, any>;

export const exampleSpec = (): SpecDoc => parse(readFileSync(EXAMPLE_SPEC_PATH, 'utf8')) as SpecDoc;

export interface Planned {
  readonly plan: ExposurePlan;
  readonly lock: PortLock;
}

/** YAML text → spec → port allocation (over `previous`) → plan: the pipeline the app runs. */
export function planOf(spec: SpecDoc | string, previous: PortLock = EMPTY_LOCK): Planned {
  const text = typeof spec === 'string' ? spec : stringify(spec);
  const { plan, lock } = planWithLock(parseSpec(text, 'test.yaml'), previous);
  return { plan, lock };
}

/** Synthesized Terraform JSON of one stack. */
export type StackJson = Record<string, any>;

export interface Synthesized {
  readonly app: App;
  /** Terraform JSON by stack name. */
  readonly stacks: Readonly<Record<string, StackJson>>;
}

/** The provider stack and the stacks under test, in one app, synthesized stack by stack. */
export function synthesize(plan: ExposurePlan): Synthesized {
  const app = Testing.app();
  // The real provider stack: these tests check that each consumer reads what it writes.
  const provider = new ProviderStack(app, { plan, outdir: app.outdir, stateRoot: app.outdir });
  addConsumerStacks(app, { plan, provider, outdir: app.outdir, stateRoot: app.outdir });
  const stacks: Record<string, StackJson> = {};
  for (const child of app.node.children) {
    if (child instanceof TerraformStack) stacks[child.node.id] = JSON.parse(Testing.synth(child));
  }
  return { app, stacks };
}

/** Every resource and data source of a stack by address (`aws_vpc_endpoint.kafka_s0`), without cdktf's metadata. */
export function addresses(stack: StackJson): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [prefix, blocks] of [
    ['', stack.resource ?? {}],
    ['data.', stack.data ?? {}],
  ] as const) {
    for (const [type, byName] of Object.entries<Record<string, Record<string, unknown>>>(blocks)) {
      for (const [name, body] of Object.entries(byName)) {
        const rest = { ...body };
        delete rest['//'];
        out[`${prefix}${type}.${name}`] = rest;
      }
    }
  }
  return out;
}

/** The bodies of a stack's resources of one type, by name. */
export const resources = (stack: StackJson, type: string): Record<string, any> => stack.resource?.[type] ?? {};

/** A broker entry for the spec. */
export const broker = (id: number, azId: string) => ({
  id,
  azId,
  instanceId: `i-0a1b2c3d4e5f6${String(id).padStart(4, '0')}`,
  privateIp: `10.1.${Math.floor(id / 250)}.${(id % 250) + 1}`,
});
