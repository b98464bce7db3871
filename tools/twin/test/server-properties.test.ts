import { advertiseSharedName, controllerVoter, listenerSection, serverProperties, unownedDifferences, withoutListener } from '../src/server-properties';

const rendered = [
  '# Listener section of server.properties for broker 101 of Kafka cluster coban (apse1-az1).',
  'listeners=INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093',
  'advertised.listeners=INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
  'listener.security.protocol.map=INTERNAL:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  'inter.broker.listener.name=INTERNAL',
  'controller.listener.names=CONTROLLER',
  '',
].join('\n');

const node = { nodeId: 101, voters: ['101@10.0.1.11:9093', '201@10.0.2.11:9093'], logDir: '/tmp/d', replicationFactor: 2 };

describe('serverProperties', () => {
  it('keeps the rendered listener section verbatim and adds only node settings', () => {
    const text = serverProperties(rendered, node);
    expect(text).toContain(rendered.trimEnd());
    expect(text).toContain('node.id=101\nprocess.roles=broker,controller\ncontroller.quorum.voters=101@10.0.1.11:9093,201@10.0.2.11:9093\nlog.dirs=/tmp/d\n');
  });

  it('fails when the rendered section sets a key the twin owns', () => {
    expect(() => serverProperties(`${rendered}node.id=7\n`, node)).toThrow('broker 101: the rendered listener section sets node.id, which the twin owns');
  });

  it('fails when the rendered section lacks a listener key', () => {
    const withoutMap = rendered.replace(/^listener\.security\.protocol\.map=.*\n/m, '');
    expect(() => serverProperties(withoutMap, node)).toThrow('lacks listener.security.protocol.map');
  });
});

describe('controllerVoter', () => {
  it('takes the address of the controller listener from the rendered listeners', () => {
    expect(controllerVoter(101, rendered)).toBe('101@10.0.1.11:9093');
  });

  it('fails without controller.listener.names', () => {
    expect(() => controllerVoter(101, rendered.replace('controller.listener.names=CONTROLLER', ''))).toThrow('no controller.listener.names');
  });
});

describe('advertiseSharedName', () => {
  it('advertises the shared name with the same port, other listeners and lines untouched', () => {
    const text = advertiseSharedName(rendered, 'kafka-az1.grab', 'kafka.grab');
    expect(text).toBe(rendered.replace('CLIENT://kafka-az1.grab:10001', 'CLIENT://kafka.grab:10001'));
  });

  it('fails when no listener advertises the zonal name', () => {
    expect(() => advertiseSharedName(rendered, 'kafka-az9.grab', 'kafka.grab')).toThrow('no advertised listener uses kafka-az9.grab');
  });
});

describe('listenerSection and withoutListener', () => {
  const section = listenerSection({
    listeners: 'INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093',
    'advertised.listeners': 'INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
    'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'INTERNAL',
    'controller.listener.names': 'CONTROLLER',
  });

  it('writes the host vars as key=value lines', () => {
    expect(section).toBe(rendered.split('\n').slice(1).join('\n'));
  });

  it('drops one listener from the binding, the advertisement and the protocol map: the broker before PrivateLink', () => {
    expect(withoutListener(section, 'CLIENT').split('\n')).toEqual([
      'listeners=INTERNAL://10.0.1.11:9092,CONTROLLER://10.0.1.11:9093',
      'advertised.listeners=INTERNAL://10.0.1.11:9092',
      'listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=INTERNAL',
      'controller.listener.names=CONTROLLER',
      '',
    ]);
  });

  it('fails when there is no such listener', () => {
    expect(() => withoutListener(section, 'EXTERNAL')).toThrow('no listener EXTERNAL in the listener section');
  });
});

describe('unownedDifferences', () => {
  const owned = ['listeners', 'advertised.listeners'];
  const before = '# a comment\nnode.id=1\nlisteners=PLAINTEXT://:9092\nlog.dirs=/d\n';

  it('ignores the owned keys, replaced in place or appended', () => {
    expect(unownedDifferences(before, '# a comment\nnode.id=1\nlisteners=INTERNAL://:9092\nlog.dirs=/d\nadvertised.listeners=INTERNAL://h:9092\n', owned)).toEqual([]);
  });

  it('reports any other line that changed, even by a space', () => {
    expect(unownedDifferences(before, '# a comment \nnode.id=1\nlisteners=INTERNAL://:9092\nlog.dirs=/d\n', owned)).toEqual(['line 1: "# a comment" → "# a comment "']);
  });
});
