// The cdktf app named in cdktf.json. `cdktf synth` runs it; the Nx synth targets run its bundle
// (stacks/app/bundle.mjs) directly; so can `node --import tsx`.
import './fast-tokens';
import { booleanSetting, KafkaPrivateLinkError, specPathFromEnv } from '@kafka-privatelink/cluster-spec';
import { BASE_REF_SETTING } from '@kafka-privatelink/plan';
import { CLI_PRINTS_ANNOTATIONS, stackWarnings } from './stack-warnings';
import { synthesize } from './synthesize';

// Progress and warnings are not errors: cdktf labels every line of an app's stderr [ERROR].
const log = (line: string) => process.stdout.write(`kafka-privatelink: ${line}\n`);

try {
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  synthesize({
    specPath: specPathFromEnv(process.env),
    outdir,
    frozenLockfile: booleanSetting('KAFKA_PRIVATELINK_FROZEN_LOCKFILE', process.env),
    baseRef: process.env[BASE_REF_SETTING] || undefined,
    log,
  });
  if (process.env[CLI_PRINTS_ANNOTATIONS] === undefined) stackWarnings(outdir).forEach(log);
} catch (error) {
  if (error instanceof KafkaPrivateLinkError) {
    process.stderr.write(`kafka-privatelink: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
