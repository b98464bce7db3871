import { availableParallelism } from 'node:os';

/**
 * Runs `work` on every item, at most `jobs` at a time, each worker taking the next item in order
 * as it finishes one. Results come back in the items' order, whatever order they finished in.
 * `worker` (0 … jobs-1) names the slot an item runs in: no two items run in the same slot at once.
 * Every item runs even when another one's work throws; the first error is thrown after all ended.
 */
export async function runPool<T, R>(items: readonly T[], jobs: number, work: (item: T, worker: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a whole number of at least 1, got ${jobs}`);
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (slot: number): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      try {
        results[at] = { status: 'fulfilled', value: await work(items[at]!, slot) };
      } catch (reason) {
        results[at] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, (_, slot) => worker(slot)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

/**
 * How many scenarios run side by side unless `--jobs` says: one more than the cores, because a
 * scenario spends most of its time waiting on the AWS provider's polls (about 60 s per NLB).
 */
export const defaultJobs = (): number => availableParallelism() + 1;

/** `--jobs N` as the user wrote it; the error names the option, the value and what is allowed. */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return defaultJobs();
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`--jobs takes a whole number of at least 1, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Prefixes every line of a message, so that the lines of side-by-side runs stay apart. */
export const prefixed =
  (prefix: string, log: (line: string) => void) =>
  (message: string): void => {
    for (const line of message.split('\n')) log(`[${prefix}] ${line}`);
  };
