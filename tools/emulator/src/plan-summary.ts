/** What one `terraform plan` would do, from `terraform show -json <planfile>`. */
export interface PlanSummary {
  readonly create: readonly string[];
  readonly update: readonly string[];
  readonly delete: readonly string[];
  /** Destroyed and created again (either order). */
  readonly replace: readonly string[];
}

interface ShownPlan {
  readonly resource_changes?: readonly { readonly address: string; readonly mode?: string; readonly change: { readonly actions: readonly string[] } }[];
}

/** Sorts the plan's managed-resource changes by kind; reads (data sources) and no-ops are left out. */
export function summarizePlan(shown: ShownPlan): PlanSummary {
  const by = { create: [] as string[], update: [] as string[], delete: [] as string[], replace: [] as string[] };
  for (const rc of shown.resource_changes ?? []) {
    if (rc.mode === 'data') continue;
    const actions = [...rc.change.actions].sort().join(',');
    if (actions === 'create') by.create.push(rc.address);
    else if (actions === 'update') by.update.push(rc.address);
    else if (actions === 'delete') by.delete.push(rc.address);
    else if (actions === 'create,delete') by.replace.push(rc.address);
    else if (actions !== 'no-op' && actions !== 'read') throw new Error(`${rc.address}: unknown plan actions ${actions}`);
  }
  for (const list of Object.values(by)) list.sort();
  return by;
}

/** `+4 ~1 -0`, with replacements as `±N` only when there are any. */
export function formatCounts(s: PlanSummary): string {
  return `+${s.create.length} ~${s.update.length} -${s.delete.length}${s.replace.length > 0 ? ` ±${s.replace.length}` : ''}`;
}

export function addSummaries(summaries: readonly PlanSummary[]): PlanSummary {
  return {
    create: summaries.flatMap((s) => s.create),
    update: summaries.flatMap((s) => s.update),
    delete: summaries.flatMap((s) => s.delete),
    replace: summaries.flatMap((s) => s.replace),
  };
}
