import { CheckRow, row } from './check';
import { DescribedBroker, Description } from './description';

/** A broker as a metadata response lists it. */
export interface ReportedBroker {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

const rollout = (b: DescribedBroker): string =>
  `the Ansible rollout has not run on ${b.inventoryHostname}: run ansible-playbook ansible/kafka-listeners.yml --limit ${b.inventoryHostname} with the synth output's inventory`;

/**
 * Compares the brokers a metadata response lists with the brokers the description expects. Pure.
 * One row per expected broker (advertised exactly at its zonal name and NLB port), one for the set.
 */
export function advertisedRows(d: Description, via: string, reported: readonly ReportedBroker[], ms: number): CheckRow[] {
  const expected = d.shards.flatMap((s) => s.brokers);
  const byId = new Map(reported.map((b) => [b.id, b]));
  const rows: CheckRow[] = expected.map((b) => {
    const got = byId.get(b.id);
    const want = `${b.zonalName}:${b.port}`;
    if (got === undefined) {
      return row('kafka', `broker ${b.id}`, 'fail', ms, `broker ${b.id} is not in the metadata from ${via}: it is not registered with the cluster`, `start ${b.inventoryHostname} (or see why it cannot join the cluster)`);
    }
    const seen = `${got.host}:${got.port}`;
    if (seen === want) return row('kafka', `broker ${b.id}`, 'pass', ms, `advertises ${seen}`);
    const what =
      got.host === b.zonalName
        ? `broker ${b.id} advertises ${seen}, the lockfile says ${b.port}`
        : got.port === b.port
          ? `broker ${b.id} advertises ${seen}, its zonal name is ${b.zonalName}`
          : `broker ${b.id} advertises ${seen}, expected ${want}`;
    return row('kafka', `broker ${b.id}`, 'fail', ms, what, rollout(b));
  });
  const extra = reported.filter((r) => !expected.some((b) => b.id === r.id)).sort((a, b) => a.id - b.id);
  const missing = expected.filter((b) => !byId.has(b.id)).map((b) => b.id);
  if (extra.length === 0 && missing.length === 0) rows.push(row('kafka', 'broker set', 'pass', ms, `${expected.length} brokers, as expected: ${expected.map((b) => b.id).join(', ')}`));
  else {
    const parts = [
      ...(missing.length ? [`expected but not reported: ${missing.join(', ')}`] : []),
      ...(extra.length ? [`reported but not in the description: ${extra.map((b) => `${b.id} (${b.host}:${b.port})`).join(', ')}`] : []),
    ];
    rows.push(
      row('kafka', 'broker set', 'fail', ms, parts.join('; '), extra.length ? 'add the brokers the cluster has to the spec, synth, deploy the stacks and run the rollout' : 'start the missing brokers (see their rows)'),
    );
  }
  return rows;
}

/** Metadata fetched through one broker's own port agrees with the bootstrap's. Pure. */
export function agreementRow(broker: DescribedBroker, viaBootstrap: readonly ReportedBroker[], viaBroker: readonly ReportedBroker[], ms: number): CheckRow {
  const text = (list: readonly ReportedBroker[]) =>
    [...list]
      .sort((a, b) => a.id - b.id)
      .map((b) => `${b.id}@${b.host}:${b.port}`)
      .join(' ');
  const target = `metadata via ${broker.zonalName}:${broker.port}`;
  if (text(viaBroker) === text(viaBootstrap)) return row('kafka', target, 'pass', ms, `agrees with the bootstrap: ${text(viaBroker)}`);
  return row('kafka', target, 'fail', ms, `lists ${text(viaBroker)}; the bootstrap lists ${text(viaBootstrap)}`, `the brokers disagree on the cluster's metadata: check that ${broker.inventoryHostname} is in the same cluster and its listeners match the rollout`);
}
