import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What one synth wrote, counted from the Terraform JSON of every stack in cdktf's manifest. */
export interface SynthOutput {
  readonly stacks: number;
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
  /** Size of all cdk.tf.json files together. */
  readonly bytes: number;
}

type Blocks = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Blocks of the form `{ "<type>": { "<name>": {...} } }`, as `resource` and `data` are. */
const countNamed = (blocks: Blocks | undefined): number =>
  Object.values(blocks ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);

export function countStack(tfJson: { readonly resource?: Blocks; readonly data?: Blocks; readonly output?: object }): {
  resources: number;
  dataSources: number;
  outputs: number;
} {
  return {
    resources: countNamed(tfJson.resource),
    dataSources: countNamed(tfJson.data),
    outputs: Object.keys(tfJson.output ?? {}).length,
  };
}

export function readSynthOutput(outdir: string): SynthOutput {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const totals = { stacks: 0, resources: 0, dataSources: 0, outputs: 0, bytes: 0 };
  for (const stack of Object.values(manifest.stacks)) {
    const file = join(outdir, stack.synthesizedStackPath);
    const counts = countStack(JSON.parse(readFileSync(file, 'utf8')));
    totals.stacks += 1;
    totals.resources += counts.resources;
    totals.dataSources += counts.dataSources;
    totals.outputs += counts.outputs;
    totals.bytes += statSync(file).size;
  }
  return totals;
}
