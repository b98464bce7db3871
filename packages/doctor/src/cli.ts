import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { SASLMechanismValue } from '@platformatic/kafka' with { 'resolution-mode': 'import' };
import { readDescription } from './description';
import { runDoctor } from './doctor';
import { DoctorInputError } from './errors';
import { reportTable, summaryLine } from './report';
import { hostsFileResolve, Resolve, systemResolve } from './resolver';

export const USAGE = `usage: kafka-privatelink doctor --describe <synth output>/doctor/<consumer>.json [options]

Checks a deployed exposure from this host, layer by layer (DNS, TCP, TLS, SASL, Kafka metadata,
client settings, optionally a produce), and names the link that broke and where to fix it.

  --describe FILE            the consumer's description that synth wrote (required)
  --az-id ID                 this host's AZ ID (e.g. apse1-az1): its zonal name must answer its AZ's endpoint interface
  --client-properties FILE   a Kafka client properties file to check against the exposure
  --ca FILE                  PEM CA bundle for TLS (default: the system's CAs)
  --sasl-username NAME       SASL user (or KAFKA_PRIVATELINK_SASL_USERNAME)
  --sasl-password-file FILE  file holding the SASL password (or KAFKA_PRIVATELINK_SASL_PASSWORD); never printed
  --sasl-mechanism M         PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default SCRAM-SHA-512)
  --produce-topic TOPIC      also produce one record with acks=all to TOPIC (off by default)
  --hosts FILE               resolve names from this hosts file instead of the system resolver
  --timeout-ms N             per connection and request (default 5000)
  --json                     one JSON document on stdout instead of the table
  --help                     this text

Exit code: 0 when every check passed, 1 when one failed, 2 for bad arguments.`;

const VALUE_OPTIONS = ['--describe', '--az-id', '--client-properties', '--ca', '--sasl-username', '--sasl-password-file', '--sasl-mechanism', '--produce-topic', '--hosts', '--timeout-ms'] as const;
const FLAGS = ['--json', '--help'] as const;
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

export interface ParsedArgs {
  readonly values: ReadonlyMap<string, string>;
  readonly flags: ReadonlySet<string>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if ((FLAGS as readonly string[]).includes(arg)) flags.add(arg);
    else if ((VALUE_OPTIONS as readonly string[]).includes(arg)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new DoctorInputError(`${arg} needs a value`);
      values.set(arg, value);
      i++;
    } else throw new DoctorInputError(`unknown argument ${arg}; allowed: ${[...VALUE_OPTIONS, ...FLAGS].join(', ')}`);
  }
  return { values, flags };
}

const readInput = (option: string, path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new DoctorInputError(`${option} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
};

const toNumber = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/** Whether an address lies in a subnet of one of this host's IPv4 interfaces. */
export function hostSubnetTest(): (address: string) => boolean {
  const nets = Object.values(networkInterfaces())
    .flat()
    .filter((n) => n !== undefined && n.family === 'IPv4' && !n.internal && n.cidr !== null)
    .map((n) => {
      const bits = Number(n!.cidr!.split('/')[1]);
      const mask = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
      return { base: toNumber(n!.address), mask };
    });
  const and = (a: number, m: number) => Number((BigInt(a) & BigInt(m)).toString());
  return (address) => nets.some((n) => and(toNumber(address), n.mask) === and(n.base, n.mask));
}

/** `kafka-privatelink doctor …`: returns the exit code. */
export async function doctorCommand(argv: readonly string[], out: (s: string) => void, err: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.has('--help')) {
    out(`${USAGE}\n`);
    return 0;
  }
  const describe = args.values.get('--describe');
  if (describe === undefined) throw new DoctorInputError('--describe is required: the doctor/<consumer>.json of the synth output');
  const description = readDescription(describe);
  const timeoutText = args.values.get('--timeout-ms') ?? '5000';
  const timeoutMs = Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) throw new DoctorInputError(`--timeout-ms must be a whole number of milliseconds between 100 and 600000, got ${timeoutText}`);
  const azId = args.values.get('--az-id');
  if (azId !== undefined && !description.shards.some((s) => s.zonalNames.some((z) => z.azId === azId))) {
    throw new DoctorInputError(`--az-id ${azId} is none of the exposure's AZ IDs (${description.shards[0]!.zonalNames.map((z) => z.azId).join(', ')})`);
  }
  const mechanism = args.values.get('--sasl-mechanism') ?? 'SCRAM-SHA-512';
  if (!(MECHANISMS as readonly string[]).includes(mechanism)) throw new DoctorInputError(`--sasl-mechanism must be one of ${MECHANISMS.join(', ')}, got ${mechanism}`);
  const username = args.values.get('--sasl-username') ?? env.KAFKA_PRIVATELINK_SASL_USERNAME;
  const passwordFile = args.values.get('--sasl-password-file');
  const password = passwordFile !== undefined ? readInput('--sasl-password-file', passwordFile).replace(/\r?\n$/, '') : env.KAFKA_PRIVATELINK_SASL_PASSWORD;
  if ((username === undefined) !== (password === undefined)) throw new DoctorInputError('SASL needs both a user (--sasl-username) and a password (--sasl-password-file or KAFKA_PRIVATELINK_SASL_PASSWORD)');
  const caFile = args.values.get('--ca');
  const ca = caFile !== undefined ? Buffer.from(readInput('--ca', caFile)) : undefined;
  const propertiesFile = args.values.get('--client-properties');
  const hosts = args.values.get('--hosts');
  if (hosts !== undefined) readInput('--hosts', hosts);
  const resolve: Resolve = hosts !== undefined ? hostsFileResolve(hosts) : systemResolve;
  const json = args.flags.has('--json');
  const sasl = description.clientListener.sasl && username !== undefined && password !== undefined ? { mechanism: mechanism as SASLMechanismValue, username, password } : undefined;

  const rows = await runDoctor({
    description,
    ...(azId !== undefined ? { hostAzId: azId } : {}),
    resolve,
    inHostSubnet: hostSubnetTest(),
    ...(propertiesFile !== undefined ? { clientProperties: { file: propertiesFile, text: readInput('--client-properties', propertiesFile) } } : {}),
    access: { timeoutMs, ...(description.clientListener.tls ? { tls: { ...(ca ? { ca } : {}) } } : {}), ...(sasl ? { sasl } : {}) },
    saslMissing: description.clientListener.sasl && sasl === undefined,
    ...(args.values.has('--produce-topic') ? { produceTopic: args.values.get('--produce-topic')! } : {}),
    progress: (line) => err(`doctor: ${line}\n`),
  });
  const failed = rows.some((r) => r.status !== 'pass');
  if (json) out(`${JSON.stringify({ cluster: description.cluster, consumer: description.consumer, azId: azId ?? null, passed: !failed, rows }, null, 2)}\n`);
  else out(`${reportTable(rows)}\n\n${summaryLine(rows)}\n`);
  return failed ? 1 : 0;
}
