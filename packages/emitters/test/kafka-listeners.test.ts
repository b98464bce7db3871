import { clientTlsSubjectAltNames, serverPropertiesOf } from '../src/kafka-listeners';
import { addBroker401, examplePlan, replicateOverClientListener } from './plans';

const propertiesOf = (edit?: Parameters<typeof examplePlan>[0], brokerId = 101) => {
  const { plan } = examplePlan(edit);
  return Object.fromEntries(serverPropertiesOf(plan, plan.brokers.find((b) => b.id === brokerId)!));
};

describe('serverPropertiesOf', () => {
  it('gives broker 101 of the example its listener section, controller listener bound but not advertised', () => {
    const { plan } = examplePlan();
    expect(serverPropertiesOf(plan, plan.brokers[0])).toEqual([
      ['listeners', 'INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093'],
      ['advertised.listeners', 'INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001'],
      ['listener.security.protocol.map', 'INTERNAL:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT'],
      ['inter.broker.listener.name', 'INTERNAL'],
      ['controller.listener.names', 'CONTROLLER'],
    ]);
  });

  it('advertises an added broker with the zonal name of its AZ and the next free port', () => {
    expect(propertiesOf(addBroker401, 401)['advertised.listeners']).toBe('INTERNAL://10.0.1.12:9092,CLIENT://kafka-az1.grab:10004');
  });

  it('leaves controller.listener.names out when the spec has no controller listener', () => {
    const props = propertiesOf((doc) => doc.deleteIn(['kafka', 'controllerListener']));
    expect(props['controller.listener.names']).toBeUndefined();
    expect(props.listeners).toBe('INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094');
    expect(props['listener.security.protocol.map']).toBe('INTERNAL:PLAINTEXT,CLIENT:PLAINTEXT');
  });

  it('uses the client listener between brokers when the spec says so', () => {
    expect(propertiesOf(replicateOverClientListener)['inter.broker.listener.name']).toBe('CLIENT');
  });

  it('maps each listener to its security protocol', () => {
    const props = propertiesOf((doc) => doc.setIn(['kafka', 'clientListener', 'securityProtocol'], 'SASL_SSL'));
    expect(props['listener.security.protocol.map']).toBe('INTERNAL:PLAINTEXT,CLIENT:SASL_SSL,CONTROLLER:PLAINTEXT');
  });
});

describe('clientTlsSubjectAltNames', () => {
  it.each(['SSL', 'SASL_SSL'])('lists the shared and the zonal name for a %s client listener', (protocol) => {
    const { plan } = examplePlan((doc) => doc.setIn(['kafka', 'clientListener', 'securityProtocol'], protocol));
    expect(clientTlsSubjectAltNames(plan, plan.brokers[1])).toEqual(['kafka.grab', 'kafka-az2.grab']);
  });

  it.each(['PLAINTEXT', 'SASL_PLAINTEXT'])('is empty for a %s client listener', (protocol) => {
    const { plan } = examplePlan((doc) => doc.setIn(['kafka', 'clientListener', 'securityProtocol'], protocol));
    expect(clientTlsSubjectAltNames(plan, plan.brokers[0])).toEqual([]);
  });
});
