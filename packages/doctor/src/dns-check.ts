import { CheckRow, row } from './check';
import { Description, DescribedShard } from './description';

/** What one name answered: its addresses, or why it did not resolve. */
export type Answer = { readonly addresses: readonly string[]; readonly ms: number } | { readonly error: string; readonly ms: number };

export interface DnsContext {
  readonly description: Description;
  /** The host's AZ ID (`--az-id`), if known. */
  readonly hostAzId?: string;
  /** Whether an address lies in one of the host's own subnets. */
  readonly inHostSubnet: (address: string) => boolean;
}

const stackOf = (d: Description): string => `consumer-${d.consumer}`;

const missingFix = (d: Description, name: string): string =>
  `the private zone ${d.privateZone} has no record ${name} that this host sees: deploy the consumer stack (npx cdktf deploy ${stackOf(d)}) ` +
  'and check that the zone is associated with this VPC';

/**
 * The DNS rows of one shard from the answers its names gave. Pure. Every endpoint interface is
 * answered by the shared (regional) name; each zonal name must answer exactly one of them, and no
 * two zonal names the same one. Two zonal names on one address mean one of them points at another
 * AZ's interface: traffic still flows, across AZs. Which one can be told only from a host in one
 * of those AZs: the own AZ's interface is then the address of the host's subnet.
 */
export function dnsRows(ctx: DnsContext, shard: DescribedShard, answers: ReadonlyMap<string, Answer>): CheckRow[] {
  const d = ctx.description;
  const rows: CheckRow[] = [];
  const shared = answers.get(shard.sharedName)!;
  if ('error' in shared) rows.push(row('dns', shard.sharedName, 'fail', shared.ms, `${shard.sharedName} does not resolve (${shared.error})`, missingFix(d, shard.sharedName)));
  else rows.push(row('dns', shard.sharedName, 'pass', shared.ms, `answers ${shared.addresses.join(', ')}`));
  const sharedSet = new Set('error' in shared ? [] : shared.addresses);

  const zonal = shard.zonalNames.map((z) => ({ ...z, answer: answers.get(z.name)! }));
  const byAddress = new Map<string, string[]>();
  for (const z of zonal) if (!('error' in z.answer)) for (const a of z.answer.addresses) byAddress.set(a, [...(byAddress.get(a) ?? []), z.name]);

  for (const z of zonal) {
    const a = z.answer;
    if ('error' in a) {
      rows.push(row('dns', z.name, 'fail', a.ms, `${z.name} (zonal name of ${z.azId}) does not resolve (${a.error})`, missingFix(d, z.name)));
      continue;
    }
    const own = z.azId === ctx.hostAzId;
    if (d.crossRegion) {
      rows.push(row('dns', z.name, 'pass', a.ms, `answers ${a.addresses.join(', ')} (cross-region: any AZ's interface)`));
      continue;
    }
    if (a.addresses.length !== 1) {
      rows.push(row('dns', z.name, 'fail', a.ms, `${z.name} answers ${a.addresses.length} addresses (${a.addresses.join(', ')}), a zonal name answers its AZ's endpoint interface only`, `the record ${z.name} in ${d.privateZone} must alias the endpoint's zonal DNS entry of ${z.azId}: deploy ${stackOf(d)}`));
      continue;
    }
    const address = a.addresses[0]!;
    if (sharedSet.size > 0 && !sharedSet.has(address)) {
      rows.push(row('dns', z.name, 'fail', a.ms, `${z.name} answers ${address}, which is none of the endpoint's interfaces (${[...sharedSet].join(', ')}, from ${shard.sharedName})`, `the record ${z.name} in ${d.privateZone} must alias the endpoint's zonal DNS entry of ${z.azId}: deploy ${stackOf(d)}`));
      continue;
    }
    const sharing = (byAddress.get(address) ?? []).filter((n) => n !== z.name);
    if (sharing.length === 0) {
      const where = own ? (ctx.inHostSubnet(address) ? ", this host's AZ, in its subnet" : ", this host's AZ") : '';
      rows.push(row('dns', z.name, 'pass', a.ms, `answers ${address} (${z.azId}${where})`));
      continue;
    }
    const crossFix = (name: string, azId: string) => `the record ${name} in ${d.privateZone} must alias the endpoint's zonal DNS entry of ${azId}, not another AZ's: deploy ${stackOf(d)} (or fix the record by hand if it was edited)`;
    const ownOf = zonal.find((o) => o.azId === ctx.hostAzId && [z.name, ...sharing].includes(o.name));
    if (ownOf !== undefined) {
      // A host in one of the AZs involved: its own interface lies in its subnet.
      const ownRight = ctx.inHostSubnet(address);
      const wrong = own ? !ownRight : ownRight;
      if (wrong) {
        const unclaimed = [...sharedSet].filter((s) => !byAddress.has(s));
        rows.push(row('dns', z.name, 'fail', a.ms, `${z.name} answers ${address}, the endpoint interface of ${own ? 'another AZ' : `${ownOf.azId} (${ownOf.name}, this host's AZ)`}, not ${z.azId}'s${unclaimed.length ? ` (${unclaimed.join(', ')} is answered by no zonal name)` : ''}: clients in ${z.azId} cross AZs`, crossFix(z.name, z.azId)));
      } else rows.push(row('dns', z.name, 'pass', a.ms, `answers ${address} (${z.azId}${own ? ", this host's AZ, in its subnet" : ''}); ${sharing.join(', ')} answers it too`));
      continue;
    }
    rows.push(row('dns', z.name, 'fail', a.ms, `${z.name} and ${sharing.join(', ')} answer the same address ${address}: one of them points at another AZ's endpoint interface (run the doctor with --az-id on a host of ${[z.azId, ...zonal.filter((o) => sharing.includes(o.name)).map((o) => o.azId)].join(' or ')} to tell which)`, crossFix(z.name, z.azId)));
  }
  return rows;
}
