import type { ExposurePlan } from '@kafka-privatelink/plan';

/** What moto/aws.py `dns` reads back for one consumer VPC. */
export interface DnsAnswer {
  readonly privateZones: number;
  /** Alias record name → alias target, without trailing dots. */
  readonly records: Readonly<Record<string, string>>;
  readonly endpoints: Readonly<Record<string, { readonly name: string; readonly state: string; readonly dnsEntries: readonly string[] }>>;
  /** The consumer account's own AZ names → AZ IDs. */
  readonly azIdByName: Readonly<Record<string, string>>;
}

export interface DnsFinding {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

const norm = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** The AZ ID a zonal entry serves (its first label ends with `-<AZ name>`), or undefined for the regional one. */
function entryAzId(entry: string, azIdByName: DnsAnswer['azIdByName']): string | undefined {
  const label = entry.split('.')[0]!;
  const name = Object.keys(azIdByName).find((az) => label.endsWith(`-${az}`));
  return name === undefined ? undefined : azIdByName[name];
}

/**
 * Every name the plan gives a consumer resolves where it must: the shared name to its shard
 * endpoint's regional entry, each zonal name to that endpoint's entry in the same AZ ID as the
 * name (the regional entry for a cross-region consumer, whose AZ IDs differ from the NLB's), and
 * every endpoint was accepted.
 */
export function checkConsumerDns(plan: ExposurePlan, consumerName: string, answer: DnsAnswer): DnsFinding[] {
  const consumer = plan.consumers.find((c) => c.name === consumerName);
  if (!consumer) throw new Error(`no consumer ${consumerName} in the plan`);
  const findings: DnsFinding[] = [{ name: `${consumerName}: one private zone ${plan.dns.zone}`, passed: answer.privateZones === 1, detail: `${answer.privateZones} private zones` }];
  for (const shard of plan.shards) {
    const endpoint = Object.entries(answer.endpoints).find(([, e]) => e.name.endsWith(`-s${shard.index}`));
    if (!endpoint) {
      findings.push({ name: `${consumerName}: endpoint of shard ${shard.index}`, passed: false, detail: `none among ${Object.keys(answer.endpoints).join(', ') || 'no endpoints'}` });
      continue;
    }
    const [endpointId, { state, dnsEntries }] = endpoint;
    findings.push({ name: `${consumerName}: ${endpointId} (shard ${shard.index}) accepted`, passed: state === 'available', detail: `state ${state}` });
    const entries = dnsEntries.map(norm);
    const regional = entries.filter((e) => entryAzId(e, answer.azIdByName) === undefined);
    const resolve = (name: string, want: string | undefined, what: string): void => {
      const got = answer.records[name];
      findings.push({
        name: `${consumerName}: ${name} → ${what}`,
        passed: want !== undefined && got !== undefined && norm(got) === want,
        detail: `alias ${got ?? 'missing'}; expected ${want ?? `one entry among ${entries.join(', ')}`}`,
      });
    };
    resolve(shard.sharedName, regional.length === 1 ? regional[0] : undefined, 'regional entry');
    for (const zonal of shard.zonalNames) {
      if (consumer.crossRegion) {
        resolve(zonal.name, regional.length === 1 ? regional[0] : undefined, 'regional entry (cross-region)');
        continue;
      }
      const inAz = entries.filter((e) => entryAzId(e, answer.azIdByName) === zonal.azId);
      resolve(zonal.name, inAz.length === 1 ? inAz[0] : undefined, `zonal entry of ${zonal.azId}`);
    }
  }
  return findings;
}
