/**
 * Where the plain files go inside the synth output folder (`cdktf.out/` by default). Pipelines,
 * the Ansible playbook and the local test twin read them there: these paths are a public contract.
 */
export const ARTIFACT_PATHS = {
  /** Ansible YAML inventory: one host per broker, grouped by cluster and by AZ ID. */
  ansibleInventory: 'ansible/inventory.yml',
  /** Per-broker variables; Ansible loads `host_vars/` beside the inventory by itself. */
  ansibleHostVars: (host: string): string => `ansible/host_vars/${host}.yml`,
  /** Markdown report: port table, allocation changes, Mermaid diagram. */
  topologyReport: 'topology.md',
  /** What `kafka-privatelink doctor --describe` checks a consumer's view of the exposure against. */
  doctorDescription: (consumer: string): string => `doctor/${consumer}.json`,
} as const;

/**
 * Ansible group names may hold only letters, digits and underscores and must not start with a
 * digit; anything else becomes an underscore.
 */
const groupName = (prefix: string, raw: string): string => `${prefix}_${raw.replace(/[^A-Za-z0-9_]/g, '_')}`;

/** `kafka_coban`: every broker of the cluster. */
export const clusterGroupName = (cluster: string): string => groupName('kafka', cluster);

/** `az_apse1_az1`: the brokers of one AZ ID. */
export const azGroupName = (azId: string): string => groupName('az', azId);
