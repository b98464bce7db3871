import type { SASLMechanismValue } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { ReportedBroker } from './metadata';

// The client is an ES module; this package is CommonJS (like the rest of the repository), so it
// loads the client when a check first needs it.
const kafka = () => import('@platformatic/kafka');

/** How the doctor's Kafka client connects: TLS with hostname verification, SASL credentials. */
export interface KafkaAccess {
  readonly tls?: { readonly ca?: Buffer };
  readonly sasl?: { readonly mechanism: SASLMechanismValue; readonly username: string; readonly password: string };
  readonly timeoutMs: number;
}

const options = (servers: string[], access: KafkaAccess, serverName: string | true = true) => ({
  clientId: 'kafka-privatelink-doctor',
  bootstrapBrokers: servers,
  connectTimeout: access.timeoutMs,
  requestTimeout: access.timeoutMs,
  timeout: access.timeoutMs,
  retries: 0,
  // Hostname verification on, against the name each connection is made to.
  ...(access.tls ? { tls: { rejectUnauthorized: true, ...(access.tls.ca ? { ca: access.tls.ca } : {}) }, tlsServerName: serverName } : {}),
  ...(access.sasl ? { sasl: { ...access.sasl } } : {}),
});

/**
 * The brokers a metadata request through `address:port` (that connection only) lists; TLS
 * verifies the certificate against `name`, the name the clients use there.
 */
export async function fetchBrokers(address: string, port: number, name: string, access: KafkaAccess): Promise<ReportedBroker[]> {
  const { Admin } = await kafka();
  const admin = new Admin(options([`${address}:${port}`], access, name));
  try {
    const md = await admin.metadata({ topics: [] });
    return [...md.brokers.entries()].map(([id, b]) => ({ id, host: b.host, port: b.port }));
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Produces one record with acks=all through the bootstrap names; resolves with its partition and offset. */
export async function produceOne(servers: string[], topic: string, access: KafkaAccess): Promise<string> {
  const { ProduceAcks, Producer, stringSerializers } = await kafka();
  const producer = new Producer({ ...options(servers, access), serializers: stringSerializers });
  try {
    const value = `kafka-privatelink doctor ${new Date().toISOString()}`;
    const result = await producer.send({ messages: [{ topic, key: 'kafka-privatelink-doctor', value }], acks: ProduceAcks.ALL });
    const offsets = (result.offsets ?? []).map((o) => `partition ${o.partition} offset ${o.offset}`);
    return offsets.join(', ') || 'acknowledged';
  } finally {
    await producer.close().catch(() => undefined);
  }
}
