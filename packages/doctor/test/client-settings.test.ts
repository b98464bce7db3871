import { clientSettingsRows, parseProperties } from '../src/client-settings';
import { exampleDescription } from './fixtures';

const d = exampleDescription();
const rowsFor = (text: string, desc = d) => clientSettingsRows(desc, 'client.properties', parseProperties(text));

describe('the client settings checks', () => {
  it('pass for the generated settings', () => {
    expect(rowsFor('bootstrap.servers=kafka.grab:10000\nconnections.max.idle.ms=320000\n').every((r) => r.status === 'pass')).toBe(true);
  });

  it('fails when connections.max.idle.ms is above the NLB idle timeout, giving the generated value', () => {
    const row = rowsFor('bootstrap.servers=kafka.grab:10000\nconnections.max.idle.ms=540000\n').find((r) => r.status === 'fail')!;
    expect(row.target).toBe('connections.max.idle.ms');
    expect(row.fix).toBe("set connections.max.idle.ms=320000 (the consumer stack's connections_max_idle_ms output)");
  });

  it("fails when connections.max.idle.ms is not set: the Java client's 540000 is above 350 s", () => {
    expect(rowsFor('bootstrap.servers=kafka.grab:10000\n').filter((r) => r.status === 'fail').map((r) => r.target)).toEqual(['connections.max.idle.ms']);
  });

  it('fails on other bootstrap servers and on hostname verification turned off', () => {
    const tls = exampleDescription((x) => Object.assign(x.clientListener, { securityProtocol: 'SSL', tls: true }));
    const rows = rowsFor('bootstrap.servers = kafka-az1.grab:10001\nconnections.max.idle.ms: 1000\nsecurity.protocol=SSL\nssl.endpoint.identification.algorithm=\n', tls);
    expect(rows.filter((r) => r.status === 'fail').map((r) => r.target)).toEqual(['bootstrap.servers', 'ssl.endpoint.identification.algorithm']);
  });
});
