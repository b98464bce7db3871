export interface BenchOptions {
  /** Measured runs per case, after one warm-up run. */
  readonly runs: number;
  /** Print the usage and do nothing else. */
  readonly help: boolean;
}

export const DEFAULT_RUNS = 5;
const QUICK_RUNS = 1;

export const USAGE = `usage: npm run bench -- [--quick] [--runs N]

Synthesizes generated specs (3 to 1000 brokers, 1 and 10 consumers) and the example spec, each
beside its two floors made from its own output (floor-N: a plain cdktf app creating the same
blocks, bundled as app:synth runs the app; the physical floor: writing the same bytes), and
cdktf's start-up (an app with the AWS provider only), each in fresh processes, beside the
README's synth command through Nx (uncached and from the cache) and Nx's start-up; profiles the
biggest case; then times the unit tests and an unchanged synth through Nx that must restore its
outputs from the cache. Prints a Markdown table and PASS/FAIL per target, and writes
bench-results/bench.json.

  --quick     ${QUICK_RUNS} measured run per case (a smoke test)
  --runs N    N measured runs per case (default ${DEFAULT_RUNS}; at most 3 where one run takes over 10 s)`;

export class UsageError extends Error {}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let runs = DEFAULT_RUNS;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--quick') runs = QUICK_RUNS;
    else if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--runs') {
      const value = inline ?? argv[++i];
      if (value === undefined || !/^[1-9][0-9]*$/.test(value)) throw new UsageError(`--runs needs a whole number of at least 1, got ${value ?? 'nothing'}`);
      runs = Number(value);
    } else throw new UsageError(`unknown option ${argv[i]}`);
  }
  return { runs, help };
}
