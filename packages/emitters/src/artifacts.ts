import { PreparedPlan } from '@kafka-privatelink/plan';
import { ansibleHostVars, ansibleInventory } from './ansible-inventory';
import { ARTIFACT_PATHS } from './artifact-paths';
import { doctorDescription } from './doctor-description';
import { topologyReport } from './topology-report';

/** A file synth writes into its output folder. */
export interface Artifact {
  /** Path relative to the synth output folder, with forward slashes. */
  readonly path: string;
  readonly content: string;
}

/**
 * Every plain file derived from the plan. Pure: same plan, same bytes. No file names the spec or
 * the lockfile by path or file name, so renaming or moving either changes no byte of the output.
 */
export function synthArtifacts(prepared: PreparedPlan): Artifact[] {
  const { plan } = prepared;
  return [
    { path: ARTIFACT_PATHS.ansibleInventory, content: ansibleInventory(plan) },
    ...plan.brokers.map((broker) => ({
      path: ARTIFACT_PATHS.ansibleHostVars(broker.inventoryHostname),
      content: ansibleHostVars(plan, broker),
    })),
    { path: ARTIFACT_PATHS.topologyReport, content: topologyReport({ plan }) },
    ...plan.consumers.map((consumer) => ({
      path: ARTIFACT_PATHS.doctorDescription(consumer.name),
      content: doctorDescription(plan, consumer),
    })),
  ];
}
