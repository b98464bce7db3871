import { PreparedPlan } from '@kafka-privatelink/plan';

/** A file synth writes into its output folder. */
export interface Artifact {
  /** Path relative to the synth output folder, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

/** Every plain file derived from the plan. Pure: same plan, same bytes. */
export function synthArtifacts(_prepared: PreparedPlan): Artifact[] {
  return [];
}
