import { LineCounter, parseDocument } from 'yaml';
import { LockfileError } from './errors';
import { BrokerAllocation, HistoricalPort, LOCKFILE_VERSION, POLICY_FIELDS as F, PortLock, PortPolicy, RetiredPort } from './types';

const ABOUT =
  'NLB ports of the Kafka brokers, written by synth. Commit it; review changes; do not edit by hand. ' +
  'A broker keeps its port for life; a removed broker\'s port is retired and never given to another broker.';

const TOP_KEYS = ['lockfileVersion', 'cluster', 'about', 'brokers', 'retired'];
const ENTRY_KEYS = ['port', 'shard', 'listener'];

/** The line ending a text uses: CRLF when git checked it out that way (core.autocrlf), else LF. */
export const lineEndingOf = (text: string | undefined): '\n' | '\r\n' => (text?.includes('\r\n') ? '\r\n' : '\n');

/**
 * Serializes a lock: stable key order, one broker per line, so a review sees one line per change.
 * With CRLF line endings for a working tree that has them, so that they alone never count as a change.
 */
export function serializeLockfile(lock: PortLock, lineEnding: '\n' | '\r\n' = '\n'): string {
  const entry = (a: { port: number; shard: number; listener: string }) =>
    `"port": ${a.port}, "shard": ${a.shard}, "listener": ${JSON.stringify(a.listener)}`;
  const brokers = [...lock.brokers]
    .sort(([a], [b]) => a - b)
    .map(([id, a]) => `    ${JSON.stringify(String(id))}: { ${entry(a)} }`);
  const retired = [...lock.retired]
    .sort((a, b) => a.port - b.port)
    .map((r) => `    { "broker": ${r.broker}, ${entry(r)} }`);
  const block = (lines: string[], open: string, close: string) =>
    lines.length === 0 ? `${open}${close}` : `${open}\n${lines.join(',\n')}\n  ${close}`;
  const text =
    '{\n' +
    `  "lockfileVersion": ${LOCKFILE_VERSION},\n` +
    (lock.cluster === undefined ? '' : `  "cluster": ${JSON.stringify(lock.cluster)},\n`) +
    `  "about": ${JSON.stringify(ABOUT)},\n` +
    `  "brokers": ${block(brokers, '{', '}')},\n` +
    `  "retired": ${block(retired, '[', ']')}\n` +
    '}\n';
  return lineEnding === '\n' ? text : text.replaceAll('\n', lineEnding);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How many object keys a valid JSON text spells out (a string followed by a colon). */
function countKeys(text: string): number {
  let keys = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '"') continue;
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    let j = i + 1;
    while (j < text.length && ' \t\r\n'.includes(text[j])) j++;
    if (text[j] === ':') keys++;
  }
  return keys;
}

const countParsedKeys = (value: unknown): number =>
  Array.isArray(value)
    ? value.reduce((n: number, v) => n + countParsedKeys(v), 0)
    : isRecord(value)
      ? Object.values(value).reduce((n: number, v) => n + 1 + countParsedKeys(v), 0)
      : 0;

/**
 * JSON.parse keeps the last of two equal keys silently, and a git merge of two branches that each
 * added a broker can produce exactly that. When the text has more keys than the parsed value, or
 * is not JSON at all, the YAML parser (which reads JSON and reports duplicates and syntax errors
 * with positions) says what is wrong.
 */
const MERGE_ADVICE =
  'keep one side\'s lockfile whole, the side that is deployed (git checkout --ours or --theirs -- <lockfile>), never a mix of both ' +
  '(the two branches may have handed one port to two brokers), then run synth: it gives the other side\'s new brokers ports above every port ' +
  'either branch handed out; commit the result';

function readJson(text: string, source: string): unknown {
  if (/^(<{7}|>{7}) /m.test(text)) {
    throw new LockfileError(source, [`it holds git conflict markers (a merge of two branches that each changed it): ${MERGE_ADVICE}`]);
  }
  try {
    const data: unknown = JSON.parse(text);
    if (countKeys(text) === countParsedKeys(data)) return data;
  } catch {
    // reported below, with the parser that gives reasons
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new LockfileError(
      source,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        const key = e.code === 'DUPLICATE_KEY' ? /^"(?:[^"\\]|\\.)*"/.exec(text.slice(e.pos[0]))?.[0] : undefined;
        return key === undefined
          ? `${line}:${col}: not valid JSON: ${e.message.split('\n')[0]}`
          : `${line}:${col}: key ${key} is given twice; a merge of two branches that each added it leaves that, and only one of them can stay: ${MERGE_ADVICE}`;
      }),
    );
  }
  return doc.toJS();
}

/**
 * Parses and checks a lockfile against the policy. Every problem is reported, none is repaired:
 * a lockfile that a merge or a hand edit made inconsistent must be fixed by a person.
 */
export function parseLockfile(text: string, policy: PortPolicy, source = 'lockfile'): PortLock {
  const data = readJson(text, source);
  const problems: string[] = [];
  if (!isRecord(data)) throw new LockfileError(source, ['expected a JSON object at the top level']);

  for (const key of Object.keys(data)) {
    if (!TOP_KEYS.includes(key)) problems.push(`unknown key "${key}" (allowed: ${TOP_KEYS.join(', ')})`);
  }
  if (data.lockfileVersion !== LOCKFILE_VERSION) {
    problems.push(`lockfileVersion is ${JSON.stringify(data.lockfileVersion)}; this tool reads version ${LOCKFILE_VERSION} only`);
  }

  if (data.cluster !== undefined && typeof data.cluster !== 'string') {
    problems.push(`cluster: expected the cluster name, got ${JSON.stringify(data.cluster)}`);
  }

  const holders = new Map<number, string[]>();
  const hold = (port: number, who: string) => holders.set(port, [...(holders.get(port) ?? []), who]);

  const checkEntry = (where: string, value: unknown, extraKeys: string[]): { port: number; shard: number; listener: string } | undefined => {
    if (!isRecord(value)) {
      problems.push(`${where}: expected an object with ${[...extraKeys, ...ENTRY_KEYS].join(', ')}`);
      return undefined;
    }
    const before = problems.length;
    for (const key of Object.keys(value)) {
      if (![...extraKeys, ...ENTRY_KEYS].includes(key)) problems.push(`${where}: unknown key "${key}"`);
    }
    const { port, shard, listener } = value;
    if (typeof port !== 'number' || !Number.isInteger(port)) {
      problems.push(`${where}.port: expected an integer, got ${JSON.stringify(port)}`);
    } else if (port < policy.firstBrokerPort || port > policy.lastBrokerPort) {
      problems.push(
        `${where}.port: ${port} is outside the broker port range ${policy.firstBrokerPort}-${policy.lastBrokerPort} of the spec (${F.firstBrokerPort}, ${F.lastBrokerPort})`,
      );
    }
    if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0) {
      problems.push(`${where}.shard: expected an integer of at least 0, got ${JSON.stringify(shard)}`);
    }
    if (typeof listener !== 'string' || listener.length === 0) {
      problems.push(`${where}.listener: expected a listener name, got ${JSON.stringify(listener)}`);
    }
    return problems.length === before ? { port: port as number, shard: shard as number, listener: listener as string } : undefined;
  };

  const brokers = new Map<number, BrokerAllocation>();
  if (!isRecord(data.brokers)) {
    problems.push('brokers: expected an object keyed by broker id');
  } else {
    for (const [key, value] of Object.entries(data.brokers)) {
      const id = Number(key);
      if (!/^(0|[1-9][0-9]*)$/.test(key) || !Number.isSafeInteger(id)) {
        problems.push(`brokers."${key}": a broker id must be a non-negative integer`);
        continue;
      }
      const entry = checkEntry(`brokers.${key}`, value, []);
      if (entry === undefined) continue;
      brokers.set(id, entry);
      hold(entry.port, `broker ${id}`);
    }
  }

  const retired: RetiredPort[] = [];
  if (!Array.isArray(data.retired)) {
    problems.push('retired: expected a list');
  } else {
    data.retired.forEach((value: unknown, index: number) => {
      const where = `retired[${index}]`;
      const entry = checkEntry(where, value, ['broker']);
      if (entry === undefined) return;
      const broker = (value as Record<string, unknown>).broker;
      if (typeof broker !== 'number' || !Number.isSafeInteger(broker) || broker < 0) {
        problems.push(`${where}.broker: expected a broker id, got ${JSON.stringify(broker)}`);
        return;
      }
      if (brokers.has(broker)) {
        problems.push(`${where}: broker ${broker} is both active (port ${brokers.get(broker)!.port}) and retired (port ${entry.port})`);
      }
      retired.push({ broker, ...entry });
      hold(entry.port, `retired port of broker ${broker}`);
    });
  }

  for (const [port, who] of holders) {
    if (who.length > 1) {
      problems.push(`port ${port} is held ${who.length} times (${who.join(', ')}); two branches may have allocated it separately: ${MERGE_ADVICE}`);
    }
  }
  const load = new Map<number, number[]>();
  for (const [id, a] of brokers) load.set(a.shard, [...(load.get(a.shard) ?? []), id]);
  for (const [shard, ids] of load) {
    if (ids.length > policy.brokersPerShard) {
      problems.push(`shard ${shard} holds ${ids.length} brokers, more than the ${policy.brokersPerShard} one NLB may serve (${F.brokersPerShard})`);
    }
  }

  if (problems.length > 0) throw new LockfileError(source, problems);
  return {
    ...(typeof data.cluster === 'string' ? { cluster: data.cluster } : {}),
    brokers: new Map([...brokers].sort(([a], [b]) => a - b)),
    retired: retired.sort((a, b) => a.port - b.port),
  };
}

/** What an earlier version of a lockfile says, read leniently: a bad version of the past stops nothing. */
export interface LockfileRecord {
  /** The cluster it records; null when it records none (written before lockfiles did). */
  readonly cluster: string | null;
  /** Its active and retired entries, active first. */
  readonly entries: readonly HistoricalPort[];
}

/**
 * Reads a committed version of a lockfile for its history: every well-formed entry, whatever the
 * policy of today says. Undefined when the text is not a port lockfile at all (a version with merge
 * conflict markers, another JSON file).
 */
export function readLockfileRecord(text: string): LockfileRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || data.lockfileVersion !== LOCKFILE_VERSION) return undefined;
  const entry = (broker: unknown, value: unknown): HistoricalPort[] => {
    if (!isRecord(value)) return [];
    const { port, shard, listener } = value;
    return Number.isSafeInteger(broker) && Number.isSafeInteger(port) && Number.isSafeInteger(shard) && typeof listener === 'string'
      ? [{ broker: broker as number, port: port as number, shard: shard as number, listener }]
      : [];
  };
  const active = isRecord(data.brokers) ? Object.entries(data.brokers).flatMap(([id, value]) => entry(/^\d+$/.test(id) ? Number(id) : NaN, value)) : [];
  const retired = Array.isArray(data.retired) ? data.retired.flatMap((value: unknown) => (isRecord(value) ? entry(value.broker, value) : [])) : [];
  return { cluster: typeof data.cluster === 'string' ? data.cluster : null, entries: [...active, ...retired] };
}
