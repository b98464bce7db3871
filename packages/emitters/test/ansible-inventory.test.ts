import { parse } from 'yaml';
import { ansibleHostVars, ansibleInventory } from '../src/ansible-inventory';
import { azGroupName, clusterGroupName } from '../src/artifact-paths';
import { examplePlan, replicateOverClientListener } from './plans';

const ANSIBLE_GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('ansibleInventory', () => {
  it('lists every broker at its private IP in the cluster group and in the group of its AZ', () => {
    const { plan } = examplePlan();
    const inventory = parse(ansibleInventory(plan));
    expect(inventory.all.children.kafka_coban.hosts).toEqual({
      'broker-101': { ansible_host: '10.0.1.11' },
      'broker-201': { ansible_host: '10.0.2.11' },
      'broker-301': { ansible_host: '10.0.3.11' },
    });
    expect(Object.keys(inventory.all.children)).toEqual(['kafka_coban', 'az_apse1_az1', 'az_apse1_az2', 'az_apse1_az3']);
    expect(Object.keys(inventory.all.children.az_apse1_az2.hosts)).toEqual(['broker-201']);
  });

  it("names a broker's host as the spec's inventoryHostname says, the others broker-<id>", () => {
    const { plan } = examplePlan((doc) => doc.setIn(['brokers', 1, 'inventoryHostname'], 'kafka-201.coban.example.com'));
    const inventory = parse(ansibleInventory(plan));
    expect(Object.keys(inventory.all.children.kafka_coban.hosts)).toEqual(['broker-101', 'kafka-201.coban.example.com', 'broker-301']);
    expect(Object.keys(inventory.all.children.az_apse1_az2.hosts)).toEqual(['kafka-201.coban.example.com']);
  });

  it('makes valid Ansible group names from cluster names and AZ IDs with hyphens', () => {
    for (const name of [clusterGroupName('coban-eu-2'), azGroupName('usw2-lax1-az1'), azGroupName('apse1-az1')]) {
      expect(name).toMatch(ANSIBLE_GROUP_NAME);
    }
    expect(azGroupName('usw2-lax1-az1')).toBe('az_usw2_lax1_az1');
  });
});

describe('ansibleHostVars', () => {
  const varsOf = (edit?: Parameters<typeof examplePlan>[0], index = 0) => {
    const { plan } = examplePlan(edit);
    return parse(ansibleHostVars(plan, plan.brokers[index]));
  };

  it("holds the broker's facts for Ansible and for the test twin", () => {
    expect(varsOf()).toMatchObject({
      kafka_privatelink_cluster: 'coban',
      kafka_privatelink_broker_id: 101,
      kafka_privatelink_az_id: 'apse1-az1',
      kafka_privatelink_private_ip: '10.0.1.11',
      kafka_privatelink_target_id: 'i-0a1b2c3d4e5f60101',
      kafka_privatelink_shard: 0,
      kafka_privatelink_nlb_port: 10001,
      kafka_privatelink_advertised_name: 'kafka-az1.grab',
      kafka_privatelink_bootstrap_servers: 'kafka.grab:10000',
      kafka_privatelink_client_tls_sans: [],
      kafka_privatelink_client_connections_max_idle_ms: 320000,
    });
  });

  it('registers IP targets by private IP', () => {
    expect(varsOf((doc) => doc.setIn(['provider', 'targetType'], 'ip')).kafka_privatelink_target_id).toBe('10.0.1.11');
  });

  it('gives the same listener settings in the three shapes', () => {
    const vars = varsOf(undefined, 2);
    const own = vars.kafka_privatelink_server_properties;
    expect(Object.keys(own)).toEqual([
      'listeners',
      'advertised.listeners',
      'listener.security.protocol.map',
      'inter.broker.listener.name',
      'controller.listener.names',
    ]);
    expect(vars.kafka_listeners).toBe(own.listeners);
    expect(vars.kafka_advertised_listeners).toBe(own['advertised.listeners']);
    expect(vars.kafka_security_protocol_map).toBe(own['listener.security.protocol.map']);
    expect(vars.kafka_inter_broker_listener_name).toBe('INTERNAL');
    expect(vars.kafka_controller_listener_names).toBe('CONTROLLER');
    expect(vars.kafka_privatelink_cp_ansible_properties).toEqual({ 'advertised.listeners': 'INTERNAL://10.0.3.11:9092,CLIENT://kafka-az3.grab:10003' });
    expect(vars.kafka_listeners_list).toEqual(own.listeners.split(','));
    expect(vars.kafka_advertised_listeners_list).toEqual(['INTERNAL://10.0.3.11:9092', 'CLIENT://kafka-az3.grab:10003']);
    expect(vars.kafka_security_protocol_map_list).toEqual(['INTERNAL:PLAINTEXT', 'CLIENT:PLAINTEXT', 'CONTROLLER:PLAINTEXT']);
  });

  it("merges cp-ansible's kafka_broker_custom_properties with the team's, the listener keys last", () => {
    expect(varsOf().kafka_broker_custom_properties).toBe('{{ kafka_broker_custom_properties_team | default({}) | combine(kafka_privatelink_cp_ansible_properties) }}');
  });

  it("describes the listeners in cp-ansible's kafka_broker_custom_listeners shape", () => {
    const vars = varsOf();
    expect(vars.broker_id).toBe(101);
    expect(vars.kafka_broker_custom_listeners).toEqual({
      internal: { name: 'INTERNAL', port: 9092, ssl_enabled: false, sasl_protocol: 'none' },
      client: { name: 'CLIENT', port: 9094, hostname: 'kafka-az1.grab', ssl_enabled: false, sasl_protocol: 'none' },
    });
    expect(vars.kafka_broker_inter_broker_listener_name).toBe('internal');
  });

  it("leaves a SASL_SSL client listener's mechanism to cp-ansible's global sasl_protocol", () => {
    const vars = varsOf((doc) => {
      doc.setIn(['kafka', 'clientListener', 'securityProtocol'], 'SASL_SSL');
      replicateOverClientListener(doc);
    });
    expect(vars.kafka_broker_custom_listeners.client).toEqual({ name: 'CLIENT', port: 9094, hostname: 'kafka-az1.grab', ssl_enabled: true });
    expect(vars.kafka_broker_inter_broker_listener_name).toBe('client');
    expect(vars.kafka_privatelink_client_tls_sans).toEqual(['kafka.grab', 'kafka-az1.grab']);
  });

  it('omits the controller listener names when there is no controller listener', () => {
    const vars = varsOf((doc) => doc.deleteIn(['kafka', 'controllerListener']));
    expect(vars).not.toHaveProperty('kafka_controller_listener_names');
    expect(vars.kafka_privatelink_server_properties).not.toHaveProperty(['controller.listener.names']);
  });
});
