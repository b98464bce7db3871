// The cdktf app named in cdktf.json. `cdktf synth` runs it; the Nx synth targets run its bundle
// (stacks/app/bundle.mjs) directly; so can `node --import tsx`.
import './fast-tokens';
import { constants } from 'node:os';
import { booleanSetting, KafkaPrivateLinkError, specPathFromEnv } from '@kafka-privatelink/cluster-spec';
import { BASE_REF_SETTING } from '@kafka-privatelink/plan';
import { CLI_PRINTS_ANNOTATIONS, stackWarnings } from './stack-warnings';
import { synthesisSteps } from './synthesize';

// Progress and warnings are not errors: cdktf labels every line of an app's stderr [ERROR].
const log = (line: string) => process.stdout.write(`kafka-privatelink: ${line}\n`);

// A signal is only noted here; the synth stops at its next step, so that it never stops halfway
// through the swap and always removes what it staged.
let stopSignal: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (stopSignal ??= signal));
const stop = (detail: string): never => {
  process.stderr.write(`kafka-privatelink: stopped by ${stopSignal}: ${detail}\n`);
  process.exit(128 + constants.signals[stopSignal ?? 'SIGTERM']);
};
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const cli = process.env[CLI_PRINTS_ANNOTATIONS] !== undefined;
  const steps = synthesisSteps({
    specPath: specPathFromEnv(process.env),
    outdir,
    frozenLockfile: booleanSetting('KAFKA_PRIVATELINK_FROZEN_LOCKFILE', process.env),
    baseRef: process.env[BASE_REF_SETTING] || undefined,
    log,
    keepRemovedStacks: cli,
  });
  while (!steps.next().done) {
    await nextTurn();
    if (stopSignal) {
      steps.return(undefined as never);
      stop('nothing was written; the output folder and the lockfile are as they were');
    }
  }
  if (!cli) stackWarnings(outdir).forEach(log);
  await nextTurn();
  if (stopSignal) stop('the synth had already finished: the output folder and the lockfile are up to date');
}

main().catch((error: unknown) => {
  if (error instanceof KafkaPrivateLinkError) {
    process.stderr.write(`kafka-privatelink: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
