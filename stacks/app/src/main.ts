// The cdktf app named in cdktf.json. `cdktf synth|diff|deploy` run it; so can `node --import tsx`.
import './fast-tokens';
import { booleanSetting, KafkaPrivateLinkError, specPathFromEnv } from '@kafka-privatelink/cluster-spec';
import { synthesize } from './synthesize';

try {
  synthesize({
    specPath: specPathFromEnv(process.env),
    outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
    frozenLockfile: booleanSetting('KAFKA_PRIVATELINK_FROZEN_LOCKFILE', process.env),
    // Progress and warnings are not errors: cdktf labels every line of an app's stderr [ERROR].
    log: (line) => process.stdout.write(`kafka-privatelink: ${line}\n`),
  });
} catch (error) {
  if (error instanceof KafkaPrivateLinkError) {
    process.stderr.write(`kafka-privatelink: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
