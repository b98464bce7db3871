import { readFileSync } from 'node:fs';
import { DoctorInputError } from './errors';

/** The version of `doctor/<consumer>.json` this doctor reads (the emitters' DOCTOR_DESCRIPTION_SCHEMA_VERSION). */
export const SUPPORTED_SCHEMA_VERSION = 1;

export interface DescribedBroker {
  readonly id: number;
  readonly azId: string;
  readonly zonalName: string;
  readonly port: number;
  readonly inventoryHostname: string;
  readonly tlsSubjectAltNames: readonly string[];
}

export interface DescribedShard {
  readonly index: number;
  readonly sharedName: string;
  readonly bootstrapPort: number;
  readonly zonalNames: readonly { readonly azId: string; readonly name: string }[];
  readonly brokers: readonly DescribedBroker[];
}

/** What synth wrote for one consumer: see packages/emitters/src/doctor-description.ts. */
export interface Description {
  readonly schemaVersion: number;
  readonly cluster: string;
  readonly consumer: string;
  readonly region: string;
  readonly crossRegion: boolean;
  readonly privateZone: string;
  readonly endpointAzIds: readonly string[];
  readonly bootstrapServers: string;
  readonly clientListener: { readonly name: string; readonly securityProtocol: string; readonly tls: boolean; readonly sasl: boolean };
  readonly nlbIdleTimeoutSeconds: number;
  readonly connectionsMaxIdleMs: number;
  readonly shards: readonly DescribedShard[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks a description; a file that is not one fails with one line naming the field. */
export function readDescription(path: string): Description {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DoctorInputError(`--describe ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}); give the doctor/<consumer>.json of the synth output`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DoctorInputError(`--describe ${path}: not JSON; give the doctor/<consumer>.json of the synth output`);
  }
  return parseDescription(data, path);
}

export function parseDescription(data: unknown, path: string): Description {
  const fail = (field: string, want: string, got: unknown): never => {
    throw new DoctorInputError(`--describe ${path}: ${field} must be ${want}, got ${JSON.stringify(got) ?? 'nothing'}`);
  };
  if (!isObject(data)) return fail('the file', 'a JSON object', data);
  if (data.schemaVersion !== SUPPORTED_SCHEMA_VERSION) fail('schemaVersion', `${SUPPORTED_SCHEMA_VERSION} (this doctor's; synth again with this version)`, data.schemaVersion);
  const str = (o: Json, key: string, at: string): string => (typeof o[key] === 'string' && o[key] !== '' ? (o[key] as string) : fail(`${at}${key}`, 'a non-empty string', o[key]));
  const int = (o: Json, key: string, at: string): number => (Number.isInteger(o[key]) ? (o[key] as number) : fail(`${at}${key}`, 'a whole number', o[key]));
  const bool = (o: Json, key: string, at: string): boolean => (typeof o[key] === 'boolean' ? (o[key] as boolean) : fail(`${at}${key}`, 'true or false', o[key]));
  const arr = (o: Json, key: string, at: string): unknown[] => (Array.isArray(o[key]) ? (o[key] as unknown[]) : fail(`${at}${key}`, 'a list', o[key]));
  const obj = (v: unknown, at: string): Json => (isObject(v) ? v : fail(at, 'an object', v));
  const listener = obj(data.clientListener, 'clientListener');
  const shards = arr(data, 'shards', '').map((s, i) => {
    const shard = obj(s, `shards[${i}]`);
    const at = `shards[${i}].`;
    return {
      index: int(shard, 'index', at),
      sharedName: str(shard, 'sharedName', at),
      bootstrapPort: int(shard, 'bootstrapPort', at),
      zonalNames: arr(shard, 'zonalNames', at).map((z, j) => {
        const zonal = obj(z, `${at}zonalNames[${j}]`);
        return { azId: str(zonal, 'azId', `${at}zonalNames[${j}].`), name: str(zonal, 'name', `${at}zonalNames[${j}].`) };
      }),
      brokers: arr(shard, 'brokers', at).map((b, j) => {
        const broker = obj(b, `${at}brokers[${j}]`);
        const bat = `${at}brokers[${j}].`;
        return {
          id: int(broker, 'id', bat),
          azId: str(broker, 'azId', bat),
          zonalName: str(broker, 'zonalName', bat),
          port: int(broker, 'port', bat),
          inventoryHostname: str(broker, 'inventoryHostname', bat),
          tlsSubjectAltNames: arr(broker, 'tlsSubjectAltNames', bat).map((n) => (typeof n === 'string' ? n : fail(`${bat}tlsSubjectAltNames`, 'a list of names', n))),
        };
      }),
    };
  });
  if (shards.length === 0) fail('shards', 'a list with at least one shard', data.shards);
  return {
    schemaVersion: SUPPORTED_SCHEMA_VERSION,
    cluster: str(data, 'cluster', ''),
    consumer: str(data, 'consumer', ''),
    region: str(data, 'region', ''),
    crossRegion: bool(data, 'crossRegion', ''),
    privateZone: str(data, 'privateZone', ''),
    endpointAzIds: arr(data, 'endpointAzIds', '').map((a) => (typeof a === 'string' ? a : fail('endpointAzIds', 'a list of AZ IDs', a))),
    bootstrapServers: str(data, 'bootstrapServers', ''),
    clientListener: {
      name: str(listener, 'name', 'clientListener.'),
      securityProtocol: str(listener, 'securityProtocol', 'clientListener.'),
      tls: bool(listener, 'tls', 'clientListener.'),
      sasl: bool(listener, 'sasl', 'clientListener.'),
    },
    nlbIdleTimeoutSeconds: int(data, 'nlbIdleTimeoutSeconds', ''),
    connectionsMaxIdleMs: int(data, 'connectionsMaxIdleMs', ''),
    shards,
  };
}

export const allBrokers = (d: Description): DescribedBroker[] => d.shards.flatMap((s) => s.brokers);
