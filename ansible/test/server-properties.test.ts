import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { assertAnsibleInstalled, recap, runPlaybook } from './ansible';
import { JavaReading, loadWithJava } from './properties';
import { synthExample, SynthOutput } from './synth';

// Every run of the real playbook costs seconds per host: the cases of one test share one run.
jest.setTimeout(900_000);

/** A piece of a server.properties; `owned` when it is a logical line of a key the role sets. */
interface Segment {
  readonly text: string;
  readonly owned: boolean;
}
interface Case {
  readonly name: string;
  readonly segments: readonly Segment[];
  /** The keys and values as java.util.Properties must read the input, when the case knows them (the generated ones). */
  readonly model?: Record<string, string>;
  /** server.properties is a symbolic link to a file of mode 0640 elsewhere. */
  readonly linked?: boolean;
}

const own = (text: string): Segment => ({ text, owned: true });
const other = (text: string): Segment => ({ text, owned: false });
const contentOf = (c: Case): string => c.segments.map((s) => s.text).join('');

/** The client listener uses SSL here, so the role also sets TLS keys, whose values need escaping. */
const SERVER_PROPERTIES = {
  listeners: 'INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093',
  'advertised.listeners': 'INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001',
  'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,CLIENT:SSL,CONTROLLER:PLAINTEXT',
  'inter.broker.listener.name': 'INTERNAL',
  'controller.listener.names': 'CONTROLLER',
};
const CLIENT_TLS = {
  keystore_location: 'C:\\kafka\\tls\\broker.p12',
  keystore_password: ' s3cr\\t:=#! é€😀 ',
  key_password: 'line\nbreak\ttab',
  truststore_location: '/etc/kafka/tls/ca.p12',
};
/** What Kafka must read for the keys the role sets. */
const INTENDED: Record<string, string> = {
  ...SERVER_PROPERTIES,
  ...Object.fromEntries(Object.entries(CLIENT_TLS).map(([k, v]) => [`listener.name.client.ssl.${k.replaceAll('_', '.')}`, v])),
};
const OWNED_KEYS = Object.keys(INTENDED);

/** The server.properties of the Apache Kafka 4.1 tarball, one segment per line, with some lines replaced. */
const ORIGINAL = readFileSync(join(__dirname, 'apache-kafka-server.properties'), 'utf8');
function tarball(replace: Record<string, string> = {}): Segment[] {
  return ORIGINAL.split(/(?<=\n)/).map((line) => {
    const key = OWNED_KEYS.find((k) => line.startsWith(`${k}=`));
    const text = replace[key ?? line.split('=')[0]!] ?? line;
    return key ? own(text) : other(text);
  });
}
const withLineEnd = (segments: Segment[], eol: string): Segment[] => segments.map((s) => ({ ...s, text: s.text.replaceAll('\n', eol) }));
const insertAt = (segments: Segment[], index: number, ...extra: Segment[]): Segment[] => [...segments.slice(0, index), ...extra, ...segments.slice(index)];

const FIXED: readonly Case[] = [
  { name: 'listeners continued on the next line', segments: tarball({ listeners: 'listeners=PLAINTEXT://:9092,\\\n    CONTROLLER://:9093\n' }) },
  {
    name: 'advertised.listeners continued over three CRLF lines',
    segments: withLineEnd(tarball({ 'advertised.listeners': 'advertised.listeners=PLAINTEXT://localhost:9092,\\\n\tCONTROLLER://localhost:9093,\\\n  SSL://localhost:9095\n' }), '\r\n'),
  },
  { name: 'CR line ends', segments: withLineEnd(tarball(), '\r') },
  {
    name: "':', spaces around '=' and white space alone as separators",
    segments: tarball({
      listeners: 'listeners : PLAINTEXT://:9092,CONTROLLER://:9093\n',
      'advertised.listeners': 'advertised.listeners   PLAINTEXT://localhost:9092\n',
      'inter.broker.listener.name': 'inter.broker.listener.name\t=\tPLAINTEXT\n',
      'listener.security.protocol.map': 'listener.security.protocol.map:CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n',
    }),
  },
  {
    name: 'keys given twice or three times',
    segments: insertAt(
      tarball(),
      12,
      own('listeners=PLAINTEXT://:19092\n'),
      own('advertised.listeners : PLAINTEXT://first:9092\n'),
      own('listener.name.client.ssl.truststore.location=/old/ca.p12\n'),
      other('num.io.threads=4\n'),
      own('listener.name.client.ssl.truststore.location=/older/ca.p12\n'),
      own('advertised.listeners=PLAINTEXT://second:9092\n'),
    ),
  },
  {
    name: 'keys spelled with escapes, and keys that only look like them',
    segments: insertAt(
      tarball({ listeners: 'listen\\ers=PLAINTEXT://:9092\n', 'advertised.listeners': 'advertised\\u002elisteners=PLAINTEXT://localhost:9092\n' }),
      12,
      other('inter.broker.listener.name\\=x=PLAINTEXT\n'),
      other('listeners\\ extra=1\n'),
      other('listeners.extra=2\n'),
      other('Listeners=3\n'),
    ),
  },
  {
    name: "another key continued onto a line that starts with 'listeners='",
    segments: tarball({ 'log.dirs': 'log.dirs=/tmp/kraft-combined-logs,\\\nlisteners=/tmp/more-logs\n' }),
  },
  {
    name: 'comments that end in a backslash, ! comments and leading white space',
    segments: insertAt(
      tarball({ listeners: '   listeners=PLAINTEXT://:9092,CONTROLLER://:9093\n', 'controller.listener.names': '\t\fcontroller.listener.names=CONTROLLER\n' }),
      12,
      other('# a comment never continues \\\n'),
      other('! nor does this one \\\n'),
      other('  # indented comment\n'),
    ),
  },
  { name: 'a key name continued in its middle', segments: tarball({ listeners: 'listen\\\n  ers=PLAINTEXT://:9092,\\\n\\\n CONTROLLER://:9093\n' }) },
  {
    name: 'other keys with escapes and continuations of their own',
    segments: insertAt(
      tarball(),
      12,
      other('sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n    username="a\\tb" \\\n    password="\\u00e9\\\\";\n'),
      other('ends.in.backslashes=C:\\\\\\\\\n'),
    ),
  },
  { name: 'a file that ends inside a continuation, without a line end', segments: [...tarball(), other('num.recovery.threads.per.data.dir=1,\\')] },
  { name: 'a symbolic link to the file', segments: tarball(), linked: true },
];

// ---- generated server.properties: logical lines rendered in every way Java reads the same ----

const SPECIAL_KEYS = ['log.dirs', 'node.id', 'listeners.extra', 'listener', 'Listeners', 'advertised.listeners2', 'a b', 'x=y', 'k:1', '#hash', '!bang', 'café', '', ' lead'];
const CHARS = ['a', 'Z', '0', '.', ':', '=', '/', ',', ' ', '\t', '\f', '#', '!', '\\', 'é', '€', '😀', '\n', '\r', 'u', 't'];

/** Renderings of one character, each of which Java reads as that character. */
function renderings(c: string, where: 'key' | 'value-start' | 'value'): string[] {
  // UTF-16 code units, as Java holds them: a character outside the BMP is two escapes
  const u = [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\\': '\\\\' };
  if (named[c]) return [named[c]!, u];
  const mustEscape = where === 'key' ? ' =:#!'.includes(c) : where === 'value-start' && ' =:'.includes(c);
  const plain = c.length === 1 && c.charCodeAt(0) <= 0xff && !mustEscape ? [c] : [];
  const escaped = 'tnrfu'.includes(c) || c.length > 1 || c.charCodeAt(0) > 0xff ? [] : [`\\${c}`];
  return [...plain, ...escaped, u];
}

const stringArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((cs) => cs.join(''));
const keyArb = fc.oneof(fc.constantFrom(...OWNED_KEYS.slice(0, 5)), fc.constantFrom(...OWNED_KEYS.slice(5)), fc.constantFrom(...SPECIAL_KEYS), stringArb);
const eolArb = fc.constantFrom('\n', '\r\n', '\r');
const wsArb = fc.constantFrom('', ' ', '\t', '\f', '  \t');

/** Tokens that each render one character (or the separator) of a logical line. */
const tokensArb = (chars: string[], where: 'key' | 'value'): fc.Arbitrary<string[]> =>
  fc.tuple(...chars.map((c, i) => fc.constantFrom(...renderings(c, where === 'value' && i === 0 ? 'value-start' : where)))).map((t) => t as string[]);

const entryArb = fc
  .record({ key: keyArb, value: stringArb, indent: wsArb, eol: eolArb })
  .chain(({ key, value, indent, eol }) =>
    fc.record({
      key: fc.constant(key),
      value: fc.constant(value),
      indent: fc.constant(indent),
      eol: fc.constant(eol),
      keyTokens: tokensArb([...key], 'key'),
      valueTokens: tokensArb([...value], 'value'),
      // without a key, only '=' or ':' can mark where the value starts
      separator: key === '' ? fc.constantFrom('=', ':', ' = ', '\t:') : fc.constantFrom('=', ':', ' ', '\t', ' = ', '\t:', '  ', '\f', ...(value === '' ? [''] : [])),
      // positions (among the tokens) where the line continues on the next one
      breaks: fc.array(fc.nat({ max: 2 * (key.length + value.length + 1) }), { maxLength: 3 }),
      continuationIndent: wsArb,
    }),
  )
  .map((e) => {
    const tokens = [...e.keyTokens, e.separator, ...e.valueTokens];
    let text = e.indent;
    tokens.forEach((token, i) => {
      // a continued line loses its leading white space, so only a token that starts without it may begin one
      if (e.breaks.includes(i) && token !== '' && !' \t\f'.includes(token[0]!)) text += `\\${e.eol}${e.continuationIndent}`;
      text += token;
    });
    return { key: e.key, value: e.value, text, eol: e.eol };
  });

const commentArb = fc
  .record({ indent: wsArb, mark: fc.constantFrom('#', '!'), body: fc.array(fc.constantFrom('a', ' ', '=', '\\', 'é', 'listeners=x'), { maxLength: 6 }), eol: eolArb })
  .map(({ indent, mark, body, eol }) => ({ text: `${indent}${mark}${body.join('')}`, eol }));
const blankArb = fc.record({ indent: wsArb, eol: eolArb }).map(({ indent, eol }) => ({ text: indent, eol }));

type Item = { key: string; value: string; text: string; eol: string } | { text: string; eol: string };

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    items: fc.array(fc.oneof({ arbitrary: entryArb, weight: 3 }, commentArb, blankArb), { maxLength: 14 }),
    // the last line without its line end, or even inside a continuation
    end: fc.constantFrom('eol', 'none', 'continued', 'continued-eol'),
  })
  .map(({ items, end }) => {
    const segments: Segment[] = [];
    const model: Record<string, string> = {};
    (items as Item[]).forEach((item, i) => {
      const isEntry = 'key' in item;
      const last = i === items.length - 1;
      let text = item.text + item.eol;
      if (last && end !== 'eol') text = item.text + (isEntry && end.startsWith('continued') ? `\\${end === 'continued-eol' ? item.eol : ''}` : '');
      if (isEntry) model[item.key] = item.value;
      segments.push(isEntry && OWNED_KEYS.includes(item.key) ? own(text) : other(text));
    });
    return { name: 'generated', segments, model };
  });

// ---- running the real role on many files at once, each as one host ----

function writeCases(dir: string, synth: SynthOutput, cases: readonly Case[]): { inventory: string; brokersDir: string; paths: string[] } {
  const base = parseYaml(readFileSync(join(synth.outdir, 'ansible', 'host_vars', 'broker-101.yml'), 'utf8')) as Record<string, unknown>;
  const brokersDir = join(dir, 'hosts');
  const hosts: Record<string, unknown> = {};
  const paths = cases.map((c, i) => {
    const host = `case-${i}`;
    hosts[host] = { ...base, kafka_privatelink_server_properties: SERVER_PROPERTIES, kafka_privatelink_client_protocol: 'SSL', kafka_listeners_client_tls: CLIENT_TLS };
    mkdirSync(join(brokersDir, host), { recursive: true });
    const path = join(brokersDir, host, 'server.properties');
    const real = c.linked ? join(brokersDir, host, 'config', 'server.properties') : path;
    mkdirSync(dirname(real), { recursive: true });
    writeFileSync(real, Buffer.from(contentOf(c), 'latin1'), { mode: 0o640 });
    if (c.linked) symlinkSync(join('config', 'server.properties'), path);
    return path;
  });
  const inventory = join(dir, 'inventory.yml');
  writeFileSync(inventory, JSON.stringify({ all: { hosts } }));
  return { inventory, brokersDir, paths };
}

const readLatin1 = (path: string): string => readFileSync(path).toString('latin1');
const propertiesOf = (reading: JavaReading, what: string): { properties: Record<string, string>; repeated: readonly string[] } => {
  if ('error' in reading) throw new Error(`java cannot load ${what}: ${reading.error}`);
  return reading;
};

/** What must hold of one case after the role ran: Kafka reads the intended keys, every other key and every other byte as before. */
function problemsOf(c: Case, before: JavaReading, after: JavaReading, output: string): string[] {
  const input = propertiesOf(before, `the input of ${c.name}`);
  const problems: string[] = [];
  if (c.model && JSON.stringify(sortKeys(input.properties)) !== JSON.stringify(sortKeys(c.model))) {
    problems.push(`the case's own model differs from Java's reading of the input: ${JSON.stringify(c.model)} vs ${JSON.stringify(input.properties)}`);
  }
  const result = propertiesOf(after, `the output of ${c.name}`);
  const expected = sortKeys({ ...input.properties, ...INTENDED });
  if (JSON.stringify(sortKeys(result.properties)) !== JSON.stringify(expected)) {
    problems.push(`Java reads ${JSON.stringify(sortKeys(result.properties))}, not ${JSON.stringify(expected)}`);
  }
  const repeated = result.repeated.filter((k) => OWNED_KEYS.includes(k));
  if (repeated.length > 0) problems.push(`the output still sets ${repeated.join(', ')} more than once`);
  let cursor = 0;
  for (const segment of c.segments.filter((s) => !s.owned)) {
    const at = output.indexOf(segment.text, cursor);
    if (at < 0) {
      problems.push(`the line ${JSON.stringify(segment.text)} is not in the output as it was, in its place`);
      break;
    }
    cursor = at + segment.text.length;
  }
  return problems.map((p) => `${c.name}: ${p}\n  input:  ${JSON.stringify(contentOf(c))}\n  output: ${JSON.stringify(output)}`);
}
const sortKeys = (o: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

interface Rollout {
  readonly cases: readonly Case[];
  readonly inputs: readonly string[];
  readonly readingsBefore: readonly JavaReading[];
  readonly check: ReturnType<typeof runPlaybook>;
  readonly afterCheck: readonly string[];
  readonly first: ReturnType<typeof runPlaybook>;
  readonly outputs: readonly string[];
  readonly readingsAfter: readonly JavaReading[];
  readonly second: ReturnType<typeof runPlaybook>;
  readonly afterSecond: readonly string[];
}

/** `--check --diff`, then a run, then a second run of the real playbook (no restart) over the cases. */
function rollOut(synth: SynthOutput, name: string, cases: readonly Case[]): Rollout {
  const dir = join(synth.dir, name);
  const { inventory, brokersDir, paths } = writeCases(dir, synth, cases);
  const vars = { kafka_listeners_restart: false };
  const inputs = paths.map(readLatin1);
  const check = runPlaybook(inventory, brokersDir, dir, {}, ['--check', '--diff']);
  const afterCheck = paths.map(readLatin1);
  const first = runPlaybook(inventory, brokersDir, dir, vars);
  const outputs = paths.map(readLatin1);
  const second = runPlaybook(inventory, brokersDir, dir, vars);
  const afterSecond = paths.map(readLatin1);
  const [readingsBefore, readingsAfter] = [paths.map((p) => `${p}.input`), paths];
  paths.forEach((p, i) => writeFileSync(`${p}.input`, Buffer.from(inputs[i]!, 'latin1')));
  const readings = loadWithJava([...readingsBefore, ...readingsAfter]);
  return {
    cases,
    inputs,
    readingsBefore: readings.slice(0, paths.length),
    check,
    afterCheck,
    first,
    outputs,
    readingsAfter: readings.slice(paths.length),
    second,
    afterSecond,
  };
}

const failedRun = (run: ReturnType<typeof runPlaybook>): string => (run.status === 0 ? '' : `ansible-playbook exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);

beforeAll(assertAnsibleInstalled);

let synth: SynthOutput;
beforeAll(() => {
  synth = synthExample();
});
afterAll(() => rmSync(synth.dir, { recursive: true, force: true }));

describe('the kafka-listeners role on server.properties files that Kafka reads with java.util.Properties', () => {
  let rollout: Rollout;
  beforeAll(() => {
    rollout = rollOut(synth, 'fixed', FIXED);
  });

  it.each(FIXED.map((c, i) => [c.name, i] as const))('GIVEN %s WHEN the role sets the listeners THEN Kafka reads exactly them, and every other key and line as before', (_name, i) => {
    expect(failedRun(rollout.first)).toBe('');
    expect(problemsOf(FIXED[i]!, rollout.readingsBefore[i]!, rollout.readingsAfter[i]!, rollout.outputs[i]!)).toEqual([]);
  });

  it('keeps each line end as it was, CRLF and CR included', () => {
    expect(rollout.outputs[1]).toContain('\r\nadvertised.listeners=INTERNAL://10.0.1.11:9092,CLIENT://kafka-az1.grab:10001\r\n');
    expect(rollout.outputs[1]).not.toMatch(/[^\r]\n/);
    expect(rollout.outputs[2]).toContain('\rlisteners=INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093\r');
    expect(rollout.outputs[2]).not.toContain('\n');
  });

  it('writes the file a symbolic link points to, keeping the link and the mode', () => {
    const path = join(synth.dir, 'fixed', 'hosts', `case-${FIXED.findIndex((c) => c.linked)}`, 'server.properties');
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('reports changed=0 on a second run and writes nothing', () => {
    expect(failedRun(rollout.second)).toBe('');
    expect([...recap(rollout.second.stdout).values()]).toEqual(FIXED.map(() => ({ changed: 0, failed: 0 })));
    expect(rollout.afterSecond).toEqual(rollout.outputs);
  });

  it('shows the whole logical line it replaces with --check --diff, and writes nothing', () => {
    expect(failedRun(rollout.check)).toBe('');
    expect(rollout.check.stdout).toContain('-listeners=PLAINTEXT://:9092,\\\n-    CONTROLLER://:9093\n+listeners=INTERNAL://10.0.1.11:9092,CLIENT://10.0.1.11:9094,CONTROLLER://10.0.1.11:9093\n');
    expect(rollout.check.stdout).toContain('broker 101 would restart (listener keys changed)');
    expect(rollout.afterCheck).toEqual(rollout.inputs);
  });
});

describe('the kafka-listeners role on generated server.properties files', () => {
  it('GIVEN any file Java can read WHEN the role sets the listeners THEN Kafka reads exactly them and every other key as before, a second run changes nothing and --check writes nothing', () => {
    let batch = 0;
    fc.assert(
      fc.property(fc.array(caseArb, { minLength: 10, maxLength: 10 }), (cases) => {
        const rollout = rollOut(synth, `generated-${batch++}`, cases);
        const problems = [
          failedRun(rollout.first),
          failedRun(rollout.second),
          ...cases.flatMap((c, i) => problemsOf(c, rollout.readingsBefore[i]!, rollout.readingsAfter[i]!, rollout.outputs[i]!)),
          ...cases.flatMap((c, i) => (rollout.afterSecond[i] === rollout.outputs[i] ? [] : [`${JSON.stringify(contentOf(c))}: the second run changed the file`])),
          ...cases.flatMap((c, i) => (rollout.afterCheck[i] === rollout.inputs[i] ? [] : [`${JSON.stringify(contentOf(c))}: --check changed the file`])),
          ...[...recap(rollout.second.stdout).entries()].filter(([, r]) => r.changed !== 0).map(([host]) => `${host}: the second run reported a change`),
        ].filter(Boolean);
        expect(problems).toEqual([]);
      }),
      // each batch runs the playbook three times; a failure shows its batch without shrinking it
      { numRuns: 2, endOnFailure: true },
    );
  });
});

describe('the kafka-listeners playbook on a server.properties it cannot rewrite safely', () => {
  it('refuses the files, naming host, file, line and key, before any broker is written or restarted', () => {
    const brokersDir = join(synth.dir, 'refused');
    const lines = ORIGINAL.split('\n');
    const files: Record<number, string> = {
      101: ORIGINAL,
      // a lone backslash ends the file, and controller.listener.names must be appended after it
      201: `${lines.filter((l) => !l.startsWith('controller.listener.names=')).join('\n')}\\`,
      301: ORIGINAL.replace('log.dirs=/tmp/kraft-combined-logs', 'log.dirs=/tmp/kraft-combined-logs\\u00zz'),
    };
    const path = (id: number): string => join(brokersDir, `broker-${id}`, 'server.properties');
    for (const [id, text] of Object.entries(files)) {
      mkdirSync(join(brokersDir, `broker-${id}`), { recursive: true });
      writeFileSync(path(Number(id)), text);
    }
    // Kafka's answer to the gate before the restart: no under-replicated partitions, so a rollout would restart broker 101.
    const bin = join(brokersDir, 'bin');
    mkdirSync(bin);
    symlinkSync('/bin/true', join(bin, 'kafka-topics.sh'));
    const run = runPlaybook(synth.inventory, brokersDir, synth.dir, {
      kafka_listeners_service_manager: 'command',
      kafka_listeners_restart_command: ['touch', `${brokersDir}/{{ inventory_hostname }}/restarted`],
      kafka_listeners_kafka_bin_dir: bin,
      kafka_listeners_gate_timeout_seconds: 2,
      kafka_listeners_gate_poll_seconds: 1,
    });

    expect(run.status).not.toBe(0);
    const logDirsLine = lines.findIndex((l) => l.startsWith('log.dirs=')) + 1;
    expect(run.stdout).toContain(
      `broker 301 (broker-301): refused ${path(301)} line ${logDirsLine}, key 'log.dirs': malformed \\\\uxxxx escape '\\\\u00zz', which Kafka cannot load either. The file is left as it was; fix it by hand and run again.`,
    );
    expect(run.stdout).toContain(
      `broker 201 (broker-201): refused ${path(201)} line ${lines.length - 1}, key '': the file ends in a lone backslash, which Kafka reads as an empty key; a line appended after it would drop that key.`,
    );
    for (const [id, text] of Object.entries(files)) {
      expect(readFileSync(path(Number(id)), 'utf8')).toBe(text);
      expect(existsSync(join(brokersDir, `broker-${id}`, 'restarted'))).toBe(false);
    }
  });
});
