import { basename, dirname, relative } from 'node:path';
import { PreparedPlan } from '@kafka-privatelink/plan';
import { ansibleHostVars, ansibleInventory } from './ansible-inventory';
import { ARTIFACT_PATHS } from './artifact-paths';
import { topologyReport } from './topology-report';

/** A file synth writes into its output folder. */
export interface Artifact {
  /** Path relative to the synth output folder, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

/**
 * Every plain file derived from the plan. Pure: same plan, same bytes. Files name the spec by its
 * file name only, so the output does not depend on where the repository is checked out.
 */
export function synthArtifacts(prepared: PreparedPlan): Artifact[] {
  const { plan } = prepared;
  const specName = basename(prepared.specPath);
  const lockfileName = relative(dirname(prepared.specPath), prepared.lockfilePath).split('\\').join('/');
  return [
    { path: ARTIFACT_PATHS.ansibleInventory, content: ansibleInventory(plan, specName) },
    ...plan.brokers.map((broker) => ({
      path: ARTIFACT_PATHS.ansibleHostVars(broker.inventoryHostname),
      content: ansibleHostVars(plan, broker, specName),
    })),
    { path: ARTIFACT_PATHS.topologyReport, content: topologyReport({ plan, changes: prepared.changes, specName, lockfileName }) },
  ];
}
