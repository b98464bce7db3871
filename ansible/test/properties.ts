import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

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

/** A server.properties as Kafka reads it: its keys, and those it sets more than once; or why Kafka cannot load it. */
export type JavaReading = { readonly properties: Record<string, string>; readonly repeated: readonly string[] } | { readonly error: string };

const LOAD_PROPERTIES = join(__dirname, 'LoadProperties.java');

/**
 * Loads each file with java.util.Properties, as Kafka does, in one JVM (a Java 17 JDK runs the
 * program from source). Fails when Java is missing: the test exists to compare with Java itself.
 */
export function loadWithJava(files: readonly string[]): JavaReading[] {
  const run = spawnSync('java', [LOAD_PROPERTIES, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error || run.status !== 0) {
    throw new Error(`java ${LOAD_PROPERTIES} failed (${run.error?.message ?? run.stderr}). These tests compare with java.util.Properties: install a Java 17 JDK.`);
  }
  const lines = run.stdout.trimEnd().split('\n');
  if (lines.length !== files.length) throw new Error(`java read ${files.length} files but printed ${lines.length} lines:\n${run.stdout}`);
  return lines.map((line) => JSON.parse(line) as JavaReading);
}
