import fc from 'fast-check';
import { STEPS } from './lifecycle/commands';
import { Model, Real } from './lifecycle/model';
import { readSpec } from './lifecycle/spec-edits';
import { Checkout, cloneBase, FIRST_SPEC, makeBaseRepository, removeDir, seedTerraformFiles, tempDir } from './lifecycle/workspace';

/**
 * The lifecycle model: random sequences of what teams do over a cluster's life (brokers added,
 * removed and replaced, consumers added and removed, the spec moved or renamed with or without its
 * lockfile, git revert, merges of branches that each added a broker, a deleted lockfile, branch
 * switches through Nx's cache, a synth killed at any point), in a real git repository with the
 * real app and real nx, checked after every step against a small reference model (model.ts):
 *   1. a broker that has had a port keeps it while it exists, and gets it back when it returns;
 *   2. no port is ever handed to a second broker;
 *   3. the output equals a fresh, uncached synth of the current spec and lockfile;
 *   4. no file outside the output folder and the lockfile changed;
 *   5. each step either succeeded or was refused with a message, having changed nothing.
 *
 * `npm test` runs LIFECYCLE_SEQUENCES sequences (default 4) of up to LIFECYCLE_STEPS steps
 * (default 10), each its own test; LIFECYCLE_SEED replays one. A failing sequence is shrunk and
 * printed with its seed and the steps that led there (LIFECYCLE_SHRINK=false skips the shrinking).
 * `npx nx run app:soak` runs 40 sequences of up to 30 steps from a new seed.
 */
const SEQUENCES = Number(process.env.LIFECYCLE_SEQUENCES ?? 4);
const STEPS_PER_SEQUENCE = Number(process.env.LIFECYCLE_STEPS ?? 10);
// `random` (the soak) draws new sequences each time; the test names carry the seeds to replay.
const FIRST_SEED = process.env.LIFECYCLE_SEED === 'random' ? Date.now() % 1e9 : Number(process.env.LIFECYCLE_SEED ?? 20261203);

describe('the lifecycle model: what teams do over a cluster\'s life keeps every promise', () => {
  let base: string;
  let scratch: string;
  let totalSteps = 0;
  beforeAll(() => {
    Object.assign(process.env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true' });
    base = makeBaseRepository();
    scratch = tempDir('kpl-lifecycle-');
  }, 300_000);
  afterAll(() => {
    removeDir(base);
    removeDir(scratch);
    process.stdout.write(`lifecycle: ${SEQUENCES} sequences, ${totalSteps} steps\n`);
  });

  const seeds = Array.from({ length: SEQUENCES }, (_, i) => FIRST_SEED + i);
  it.each(seeds)('sequence with seed %i keeps ports, outputs and files as the model says', async (seed) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(STEPS, { maxCommands: STEPS_PER_SEQUENCE }), async (commands) => {
        const dir = `${scratch}/${seed}-${run++}`;
        const checkout = cloneBase(base, `${dir}/repo`);
        const mirror: Checkout = cloneBase(base, `${dir}/mirror`);
        seedTerraformFiles(checkout.path('clusters/payments/cdktf.out'));
        const spec = readSpec(checkout.read(FIRST_SPEC));
        const ports = new Map<number, number>();
        const lock = JSON.parse(checkout.read('clusters/payments/cluster.ports-lock.json')) as { brokers: Record<string, { port: number }> };
        for (const [id, a] of Object.entries(lock.brokers)) ports.set(Number(id), a.port);
        const model: Model = { spec: FIRST_SPEC, ...spec, ports, brokerCommits: [], counter: 0 };
        const real: Real = { checkout, mirror, log: [] };
        try {
          await fc.asyncModelRun(() => ({ model, real }), commands);
          totalSteps += real.log.filter((l) => !l.startsWith(' ')).length;
        } catch (error) {
          throw new Error(`${(error as Error).message}\nsteps:\n${real.log.join('\n')}`);
        } finally {
          removeDir(dir);
        }
      }),
      { seed, numRuns: 1, endOnFailure: process.env.LIFECYCLE_SHRINK === 'false' },
    );
  }, 1_800_000);
});
