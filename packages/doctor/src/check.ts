/**
 * One row of the doctor's report. `blocked` means the check could not run because an earlier one
 * failed for the same name or port (its `detail` names that one): the link is already named there.
 */
export type CheckStatus = 'pass' | 'fail' | 'blocked';

export interface CheckRow {
  readonly layer: 'dns' | 'tcp' | 'tls' | 'sasl' | 'kafka' | 'client' | 'produce';
  /** What was checked, e.g. `kafka-az1.grab:10001`. */
  readonly target: string;
  readonly status: CheckStatus;
  readonly ms: number;
  /** What was seen (pass) or the link that broke (fail). */
  readonly detail: string;
  /** On a failure: where to fix it, in this product's terms. */
  readonly fix?: string;
}

export const row = (layer: CheckRow['layer'], target: string, status: CheckStatus, ms: number, detail: string, fix?: string): CheckRow => ({
  layer,
  target,
  status,
  ms: Math.round(ms),
  detail,
  ...(fix !== undefined && status === 'fail' ? { fix } : {}),
});

/** Runs `f`, timing it; an exception becomes a failure row with the error's message. */
export async function timed<T>(f: () => Promise<T>): Promise<{ value?: T; error?: Error; ms: number }> {
  const start = performance.now();
  try {
    const value = await f();
    return { value, ms: performance.now() - start };
  } catch (e) {
    return { error: e instanceof Error ? e : new Error(String(e)), ms: performance.now() - start };
  }
}
