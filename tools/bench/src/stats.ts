/** A sample reduced to its median and full spread. With 3-5 runs an IQR says no more than min–max. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples: [...samples] };
}

/**
 * Cost of one more unit between two measured points (e.g. ms per broker from 49 to 300 brokers):
 * the fixed costs common to both points cancel out.
 */
export function slope(from: { readonly x: number; readonly y: number }, to: { readonly x: number; readonly y: number }): number {
  if (to.x === from.x) throw new Error(`slope between two points at the same x (${from.x})`);
  return (to.y - from.y) / (to.x - from.x);
}
