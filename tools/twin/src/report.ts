import { CrossAzSummary, percent, Ratio } from './connection-log';

export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export const check = (name: string, passed: boolean, detail: string): Check => ({ name, passed, detail });

/** A plain-text table with left-aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const checksTable = (checks: readonly Check[]): string =>
  table(
    ['check', 'result', 'detail'],
    checks.map((c) => [c.name, c.passed ? 'pass' : 'FAIL', c.detail]),
  );

const ratio = (r: Ratio): string => `${percent(r)} (${r.crossed}/${r.total})`;

/** Broker connections by path for both variants, then the needless-crossing ratios. */
export function crossAzTable(zonal: CrossAzSummary, shared: CrossAzSummary): string {
  const paths = [...new Set([...zonal.paths, ...shared.paths].map(([p]) => p))].sort();
  const count = (s: CrossAzSummary, p: string): string => String(s.paths.find(([k]) => k === p)?.[1] ?? 0);
  const crossing = (p: string): string => {
    const [client, eni, broker] = p.split(' → ');
    return eni !== client && eni !== broker ? 'needless' : '';
  };
  return [
    table(
      ['client AZ → ENI AZ → broker AZ', 'zonal names', 'shared name', 'crossing'],
      paths.map((p) => [p, count(zonal, p), count(shared, p), crossing(p)]),
    ),
    '',
    table(
      ['needless cross-AZ', 'zonal names', 'shared name', 'Grab article (shared name)'],
      [
        ['client and broker in the same AZ', ratio(zonal.sameAz), ratio(shared.sameAz), 'up to 2/3 (66.7 %)'],
        ['client and broker in other AZs', ratio(zonal.otherAz), ratio(shared.otherAz), 'up to 1/3 (33.3 %)'],
        ['all broker connections', ratio(zonal.all), ratio(shared.all), ''],
      ],
    ),
  ].join('\n');
}

export const crossAzLine = (zonal: CrossAzSummary, shared: CrossAzSummary): string =>
  `cross-AZ broker connections: zonal ${ratio(zonal.all)} vs shared name ${ratio(shared.all)}`;
