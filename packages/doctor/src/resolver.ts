import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';

/** A name's IPv4 addresses, in the order the resolver gave them; rejects when the name does not resolve. */
export type Resolve = (name: string) => Promise<string[]>;

/** The host's resolver (getaddrinfo: /etc/hosts, then DNS), as every Kafka client on the host resolves. */
export const systemResolve: Resolve = async (name) => (await dns.lookup(name, { all: true, family: 4 })).map((a) => a.address);

/**
 * Names from a hosts file only (`--hosts`), so that a check can be made against the records a zone
 * should hold before they exist, and in tests. A name it does not hold fails like NXDOMAIN.
 */
export function hostsFileResolve(path: string): Resolve {
  const table = new Map<string, string[]>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || !/^\d+\.\d+\.\d+\.\d+$/.test(address)) continue;
    for (const name of names) table.set(name.toLowerCase(), [...(table.get(name.toLowerCase()) ?? []), address]);
  }
  return async (name) => {
    const found = table.get(name.toLowerCase());
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return found;
  };
}
