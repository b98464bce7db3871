import { readFileSync } from 'node:fs';
import { Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import { EMPTY_LOCK, PortLock } from '@kafka-privatelink/port-allocation';
import { ExposurePlan, planWithLock } from '@kafka-privatelink/plan';
import { EXAMPLE_SPEC_PATH, parseSpec } from '@kafka-privatelink/cluster-spec';
import { ProviderStack } from '../src';

export const EXAMPLE_YAML = readFileSync(EXAMPLE_SPEC_PATH, 'utf8');

// The YAML as a loose object, so that tests can write what a person would write in the file.
export type SpecEdit = (spec: Record<string, any>) => void;

/** The example spec's text after `edit`, re-serialized. */
export function editYaml(edit: SpecEdit, text = EXAMPLE_YAML): string {
  const data = parse(text);
  edit(data);
  return stringify(data);
}

/** Spec text → plan, through the real pipeline: validation, port allocation against `previous`, plan. */
export function planFromYaml(text: string, previous: PortLock = EMPTY_LOCK): { plan: ExposurePlan; lock: PortLock } {
  const { plan, lock } = planWithLock(parseSpec(text, 'spec.yaml'), previous);
  return { plan, lock };
}

export interface Block {
  readonly [key: string]: unknown;
}

/** The synthesized provider stack, as Terraform JSON. */
export interface ProviderJson {
  readonly provider: { readonly aws: readonly Block[] };
  readonly resource: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly output: Readonly<Record<string, { readonly value: unknown; readonly description?: string }>>;
}

export function synthProvider(plan: ExposurePlan): ProviderJson {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new ProviderStack(app, { plan, outdir: app.outdir, stateRoot: app.outdir }))) as ProviderJson;
}

/** Every resource by its Terraform address (`aws_lb.nlb_s0`), without cdktf's `//` metadata. */
export function resourcesByAddress(json: ProviderJson): Map<string, Block> {
  const out = new Map<string, Block>();
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, block] of Object.entries(byName)) {
      const config: Record<string, unknown> = { ...block };
      delete config['//'];
      out.set(`${type}.${name}`, config);
    }
  }
  return out;
}

/** A broker entry as the spec takes it, in the example's AZs and address plan. */
export function broker(id: number, az: 1 | 2 | 3 = 1): Record<string, unknown> {
  return {
    id,
    azId: `apse1-az${az}`,
    instanceId: `i-${id.toString(16).padStart(17, '0')}`,
    privateIp: `10.${az}.${Math.floor(id / 250) % 256}.${(id % 250) + 2}`,
  };
}
