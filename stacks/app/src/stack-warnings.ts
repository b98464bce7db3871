import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnnotationMetadataEntryType } from 'cdktf';

/**
 * What cdktf's CLI sets when it runs the app: it then prints every annotation of the manifest
 * itself (and fails on errors). The Nx synth targets run the app without the CLI, so there the
 * app prints the warnings that the stacks recorded, lest a warning go unseen.
 */
export const CLI_PRINTS_ANNOTATIONS = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';

interface Manifest {
  readonly stacks: Readonly<Record<string, { readonly annotations?: ReadonlyArray<{ readonly constructPath: string; readonly level: string; readonly message: string }> }>>;
}

/** The warnings of every stack in the synth output's manifest, one line each, in the manifest's order. */
export function stackWarnings(outdir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  return Object.values(manifest.stacks).flatMap((stack) =>
    (stack.annotations ?? []).filter((a) => a.level === AnnotationMetadataEntryType.WARN).map((a) => `warning: ${a.constructPath}: ${a.message}`),
  );
}
