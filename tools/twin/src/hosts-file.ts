import { DnsRecord } from './topology';

export interface HostsEntry {
  readonly address: string;
  readonly name: string;
}

/** Fisher–Yates, with the random source injectable for tests. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * What a consumer VPC's private hosted zone answers, as hosts entries for one lookup session: a
 * zonal name → the ENI of its AZ; the shared (regional) name → every ENI, in a fresh random order
 * each session, as Route 53 answers for an endpoint's regional name.
 */
export function hostsEntries(records: readonly DnsRecord[], consumer: string, random: () => number = Math.random): HostsEntry[] {
  return records
    .filter((r) => r.consumer === consumer)
    .flatMap((r) => (r.regional ? shuffled(r.addresses, random) : r.addresses).map((address) => ({ address, name: r.name })));
}

export function hostsFileText(entries: readonly HostsEntry[]): string {
  return ['127.0.0.1\tlocalhost', ...entries.map((e) => `${e.address}\t${e.name}`)].join('\n') + '\n';
}
