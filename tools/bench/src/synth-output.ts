import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { synthOutputPaths } from './cache-restore';

/** What one synth wrote, counted from the Terraform JSON of every stack in cdktf's manifest. */
export interface SynthOutput {
  readonly stacks: number;
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
  /** Size of all cdk.tf.json files together. */
  readonly bytes: number;
  /** sha256 of every file of the output (see outputDigest). */
  readonly sha256: string;
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
  const totals = { stacks: 0, resources: 0, dataSources: 0, outputs: 0, bytes: 0, sha256: outputDigest(outdir) };
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

/**
 * A local backend's state path is relative from the stack's folder to the repository, so it
 * depends on where the output and the checkout are; everything else must be the same bytes on
 * every machine and run.
 */
const STATE_PATH = /"path": "(?:\.\.\/)*[^"]*?terraform-state\//g;

/**
 * One hash of a synth output: every file synth writes (synthOutputPaths, not what Terraform keeps
 * beside it), its path and bytes, in path order, state paths reduced to the part under the state
 * directory. Equal hashes, equal outputs.
 */
export function outputDigest(outdir: string): string {
  const hash = createHash('sha256');
  for (const file of synthOutputPaths(outdir)) {
    hash.update(`${file}\0`).update(readFileSync(join(outdir, file), 'utf8').replace(STATE_PATH, '"path": "terraform-state/')).update('\0');
  }
  return hash.digest('hex');
}
