/**
 * Reads the listener lines the role sets in server.properties. Stricter than java.util.Properties on purpose:
 * only comments and plain `key=value` lines, no escapes or continuations, no key twice.
 */
export function parseListenerSection(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  text.split('\n').forEach((line, index) => {
    if (line === '' || line.startsWith('#')) return;
    const match = /^([a-z.]+)=([^\s\\]+)$/.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not a plain key=value line: ${JSON.stringify(line)}`);
    const [, key, value] = match;
    if (key in properties) throw new Error(`line ${index + 1}: ${key} is set twice`);
    properties[key] = value;
  });
  return properties;
}

export interface Endpoint {
  readonly listener: string;
  readonly host: string;
  readonly port: number;
}

/** `INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001` → endpoints. */
export function parseEndpoints(value: string): Endpoint[] {
  return value.split(',').map((item) => {
    const match = /^([A-Z][A-Z0-9_]*):\/\/([^:]*):(\d+)$/.exec(item);
    if (!match) throw new Error(`not a listener endpoint: ${item}`);
    return { listener: match[1], host: match[2], port: Number(match[3]) };
  });
}

/** `INTERNAL:PLAINTEXT,CLIENT:SSL` → { INTERNAL: 'PLAINTEXT', CLIENT: 'SSL' }. */
export const parseProtocolMap = (value: string): Record<string, string> =>
  Object.fromEntries(value.split(',').map((pair) => pair.split(':') as [string, string]));
