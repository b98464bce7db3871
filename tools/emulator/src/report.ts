export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** One stack's run: validate, plan counts, apply, re-plan. */
export interface StackRow {
  readonly scenario: string;
  readonly stack: string;
  readonly validate: string;
  readonly plan: string;
  readonly apply: string;
  readonly replan: string;
}

/** A Markdown table, columns padded so that it also reads as plain text. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export const stackTable = (rows: readonly StackRow[]): string =>
  table(
    ['spec', 'stack', 'validate', 'plan', 'apply', 're-plan'],
    rows.map((r) => [r.scenario, r.stack, r.validate, r.plan, r.apply, r.replan]),
  );

export function checksTable(checks: readonly Check[]): string {
  return table(
    ['check', 'result', 'detail'],
    checks.map((c) => [c.name, c.passed ? 'PASS' : 'FAIL', c.detail.length > 160 ? `${c.detail.slice(0, 157)}...` : c.detail]),
  );
}

/** `terraform: 9/9 stacks applied, 9/9 re-plans empty, scale-out +4 ~1 -0`. */
export function closingLine(rows: readonly StackRow[], scaleOut: string | undefined): string {
  const applied = rows.filter((r) => r.apply.startsWith('ok')).length;
  const empty = rows.filter((r) => r.replan === 'empty').length;
  return `terraform: ${applied}/${rows.length} stacks applied, ${empty}/${rows.length} re-plans empty${scaleOut ? `, scale-out ${scaleOut}` : ''}`;
}
