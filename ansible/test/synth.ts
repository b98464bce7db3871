import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { synthesize } from '@kafka-privatelink/app';
import { ARTIFACT_PATHS } from '@kafka-privatelink/emitters';
import { EXAMPLE_SPEC_PATH, lockfilePathFor } from '@kafka-privatelink/cluster-spec';

export interface SynthOutput {
  /** Temporary folder holding the spec copy, its lockfile and the synth output. */
  readonly dir: string;
  readonly outdir: string;
  readonly inventory: string;
}

/**
 * Synthesizes a copy of the example spec (optionally edited) with a copy of its lockfile, in a
 * fresh temporary folder: tests never touch the repository's lockfile or cdktf.out/.
 */
export function synthExample(edit?: (doc: Document) => void): SynthOutput {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-listeners-'));
  const spec = join(dir, 'coban.yaml');
  const doc = parseDocument(readFileSync(EXAMPLE_SPEC_PATH, 'utf8'));
  edit?.(doc);
  writeFileSync(spec, doc.toString());
  copyFileSync(lockfilePathFor(EXAMPLE_SPEC_PATH), lockfilePathFor(spec));
  const outdir = join(dir, 'cdktf.out');
  synthesize({ specPath: spec, outdir });
  return { dir, outdir, inventory: join(outdir, ARTIFACT_PATHS.ansibleInventory) };
}
