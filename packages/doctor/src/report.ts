import { CheckRow } from './check';

/** The rows as a plain-text table; each failure is followed by the line that says where to fix it. */
export function reportTable(rows: readonly CheckRow[]): string {
  const cells = rows.map((r) => [r.layer, r.target, r.status.toUpperCase(), `${r.ms} ms`, r.detail]);
  const head = ['layer', 'check', 'result', 'time', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (i < 4 ? c[i]!.length : 0))));
  const line = (c: readonly string[]) => c.map((v, i) => (i < 4 ? v.padEnd(widths[i]!) : v)).join('  ').trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w)))];
  rows.forEach((r, i) => {
    out.push(line(cells[i]!));
    if (r.fix) out.push(`${' '.repeat(widths[0]! + 2)}fix: ${r.fix}`);
  });
  return out.join('\n');
}

export function summaryLine(rows: readonly CheckRow[]): string {
  const count = (s: CheckRow['status']) => rows.filter((r) => r.status === s).length;
  return `doctor: ${rows.length} checks, ${count('pass')} passed, ${count('fail')} failed, ${count('blocked')} blocked by a failure above`;
}
