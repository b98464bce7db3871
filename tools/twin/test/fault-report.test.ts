import { classifyFailure, failureLine, faultsTable } from '../src/fault-report';
import { subjectAltNameExtension } from '../src/tls';

describe('classifyFailure', () => {
  it("names the hostname check when Kafka's Java client reports it", () => {
    const java = 'Caused by: java.security.cert.CertificateException: No subject alternative DNS name matching kafka-az2.grab found.';
    expect(classifyFailure(`javax.net.ssl.SSLHandshakeException: PKIX ok\n${java}`)).toBe('hostname mismatch');
  });

  it('tells an untrusted certificate from a refused password', () => {
    const rdkafka = '%3|1796160283.085|FAIL|rdkafka#producer-1| [thrd:ssl://x:1/bootstrap]: SSL handshake failed: error:0A000086:SSL routines::certificate verify failed';
    expect(classifyFailure(rdkafka)).toBe('untrusted certificate');
    expect(classifyFailure('%3|1796160283.085|FAIL|rdkafka#producer-1| SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512')).toBe('authentication failed');
  });

  it('names resets, timeouts and refusals, and `other` for the rest', () => {
    expect(classifyFailure('Receive failed: Connection reset by peer')).toBe('connection reset');
    expect(classifyFailure('Connect to ipv4#10.20.3.100:10003 failed: Connection refused')).toBe('refused');
    expect(classifyFailure('% ERROR: Failed to acquire metadata: Local: Broker transport failure: timed out')).toBe('timed out');
    expect(classifyFailure('something else')).toBe('other');
  });
});

describe('failureLine', () => {
  it('quotes the line that names the failure, else the last line', () => {
    expect(failureLine('%7|1|X| debug\n%3|2|FAIL| Receive failed: Connection reset by peer\n% ERROR: later')).toBe('%3|2|FAIL| Receive failed: Connection reset by peer');
    expect(failureLine('first\nlast\n')).toBe('last');
  });
});

describe('faultsTable', () => {
  it('prints timings in seconds and a dash where a row has none', () => {
    const text = faultsTable([
      { name: 'fault: broker 201 stops', passed: true, detectionMs: 2140, recoveryMs: 9400, ackedLost: 0, detail: 'ok' },
      { name: 'TLS: kafka.grab:10000', passed: false, detail: 'rejected' },
    ]);
    expect(text.split('\n')).toEqual([
      'check                    result  detection  recovery  acked lost  detail',
      '-----------------------  ------  ---------  --------  ----------  --------',
      'fault: broker 201 stops  pass    2.1 s      9.4 s     0           ok',
      'TLS: kafka.grab:10000    FAIL    -          -         -           rejected',
    ]);
  });
});

describe('subjectAltNameExtension', () => {
  it("lists the host vars' names as DNS SANs, in their order", () => {
    expect(subjectAltNameExtension('broker-101', ['kafka.grab', 'kafka-az1.grab'])).toBe('subjectAltName=DNS:kafka.grab,DNS:kafka-az1.grab\n');
  });

  it('fails when the list is empty or holds what is no DNS name', () => {
    expect(() => subjectAltNameExtension('broker-101', [])).toThrow('broker-101: kafka_privatelink_client_tls_sans is empty');
    expect(() => subjectAltNameExtension('broker-101', ['kafka.grab,DNS:evil'])).toThrow('broker-101: kafka_privatelink_client_tls_sans holds "kafka.grab,DNS:evil", which is not a DNS name');
  });
});
