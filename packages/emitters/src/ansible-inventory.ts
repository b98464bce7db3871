import { BrokerPlan, ExposurePlan } from '@kafka-privatelink/plan';
import { Listener } from '@kafka-privatelink/cluster-spec';
import { stringify } from 'yaml';
import { azGroupName, clusterGroupName } from './artifact-paths';
import {
  advertisedListenersOf,
  bootstrapServerOf,
  clientTlsSubjectAltNames,
  listenersOf,
  securityProtocolMapOf,
  serverPropertiesOf,
} from './kafka-listeners';

/** Long values (listener lists) stay on one line; key order is insertion order. */
const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0, minContentWidth: 0 });

const header = (lines: readonly string[]): string => lines.map((l) => `# ${l}`.trimEnd()).join('\n');

/**
 * The inventory: hosts are brokers, reached at their private IP. One group holds the cluster,
 * one group per AZ ID holds that AZ's brokers.
 */
export function ansibleInventory(plan: ExposurePlan): string {
  const cluster = Object.fromEntries(plan.brokers.map((b) => [b.inventoryHostname, { ansible_host: b.privateIp }]));
  const azs = Object.fromEntries(
    plan.azIds
      .map((azId) => [azId, plan.brokers.filter((b) => b.azId === azId)] as const)
      .filter(([, brokers]) => brokers.length > 0)
      .map(([azId, brokers]) => [azGroupName(azId), { hosts: Object.fromEntries(brokers.map((b) => [b.inventoryHostname, {}])) }]),
  );
  return `${header([
    `Ansible inventory of the brokers of Kafka cluster ${plan.cluster}, written by synth from its cluster spec.`,
    'Per-broker variables are in host_vars/ beside this file. Change the spec and synth again; do not edit.',
  ])}\n${toYaml({ all: { children: { [clusterGroupName(plan.cluster)]: { hosts: cluster }, ...azs } } })}`;
}

/** cp-ansible's listener switches for a Kafka security protocol. */
function cpAnsibleSecurity(listener: Listener): Record<string, unknown> {
  const ssl = listener.securityProtocol === 'SSL' || listener.securityProtocol === 'SASL_SSL';
  const sasl = listener.securityProtocol.startsWith('SASL_');
  // A SASL listener takes its mechanism from cp-ansible's global `sasl_protocol`; the spec
  // names the protocol only. A non-SASL listener says `none` so a global mechanism cannot
  // turn it into a SASL listener behind the plan's back.
  return { ssl_enabled: ssl, ...(sasl ? {} : { sasl_protocol: 'none' }) };
}

/** Dictionary keys of `kafka_broker_custom_listeners`, as cp-ansible's own defaults name them. */
export const CP_ANSIBLE_LISTENER_KEYS = { internal: 'internal', client: 'client' } as const;

/**
 * Per-broker variables in three shapes: this product's own (`kafka_privatelink_*`, read by the
 * `kafka_listeners` role in ansible), the shape of roles that take `kafka_listeners` &
 * co., and Confluent cp-ansible's.
 */
export function ansibleHostVars(plan: ExposurePlan, broker: BrokerPlan): string {
  const { internal, client, interBrokerListenerName } = plan.kafka;
  const advertised = advertisedListenersOf(plan, broker);
  const own = {
    kafka_privatelink_cluster: plan.cluster,
    kafka_privatelink_broker_id: broker.id,
    kafka_privatelink_az_id: broker.azId,
    kafka_privatelink_private_ip: broker.privateIp,
    kafka_privatelink_target_id: broker.targetId,
    kafka_privatelink_shard: broker.shard,
    kafka_privatelink_nlb_port: broker.port,
    kafka_privatelink_advertised_name: broker.zonalName,
    kafka_privatelink_client_listener: client.name,
    kafka_privatelink_client_protocol: client.securityProtocol,
    kafka_privatelink_bootstrap_servers: bootstrapServerOf(plan, broker),
    kafka_privatelink_client_tls_sans: clientTlsSubjectAltNames(plan, broker),
    kafka_privatelink_client_connections_max_idle_ms: plan.recommendedConnectionsMaxIdleMs,
    kafka_privatelink_server_properties: Object.fromEntries(serverPropertiesOf(plan, broker)),
  };
  const generic = {
    kafka_broker_id: broker.id,
    kafka_listeners: listenersOf(plan, broker),
    kafka_advertised_listeners: advertised,
    kafka_security_protocol_map: securityProtocolMapOf(plan),
    kafka_inter_broker_listener_name: interBrokerListenerName,
    ...(plan.kafka.controller ? { kafka_controller_listener_names: plan.kafka.controller.name } : {}),
    // The same values as lists, for roles that join them themselves.
    kafka_listeners_list: listenersOf(plan, broker).split(','),
    kafka_advertised_listeners_list: advertised.split(','),
    kafka_security_protocol_map_list: securityProtocolMapOf(plan).split(','),
  };
  const keys = CP_ANSIBLE_LISTENER_KEYS;
  const cpAnsible = {
    broker_id: broker.id,
    kafka_broker_custom_listeners: {
      [keys.internal]: { name: internal.name, port: internal.port, ...cpAnsibleSecurity(internal) },
      // cp-ansible puts `hostname` into the broker certificate's SANs; the port it would
      // advertise is the broker's own, hence the advertised.listeners override below.
      [keys.client]: { name: client.name, port: client.port, hostname: broker.zonalName, ...cpAnsibleSecurity(client) },
    },
    kafka_broker_inter_broker_listener_name: interBrokerListenerName === internal.name ? keys.internal : keys.client,
    kafka_privatelink_cp_ansible_properties: { 'advertised.listeners': advertised },
    // Host vars replace a dictionary of the same name wherever else it is set, so the team's own
    // properties come in under their own name and this product's listener keys win over them.
    kafka_broker_custom_properties: `{{ kafka_broker_custom_properties_team | default({}) | combine(kafka_privatelink_cp_ansible_properties) }}`,
  };
  return [
    header([
      `Broker ${broker.id} of Kafka cluster ${plan.cluster}, written by synth from its cluster spec.`,
      'Change the spec and synth again; do not edit. Variables: ansible/README.md.',
    ]),
    '',
    header(['kafka-privatelink: facts about this broker and its listener section of server.properties.']),
    toYaml(own),
    header(['Roles that take kafka_listeners, kafka_advertised_listeners, kafka_security_protocol_map, ...']),
    toYaml(generic),
    header(["Confluent cp-ansible (kafka_broker role); its KRaft controllers are configured apart."]),
    toYaml(cpAnsible),
  ].join('\n');
}
