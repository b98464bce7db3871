// The cdktf app named in cdktf.json. `cdktf synth|diff|deploy` run it; so can `node --import tsx`.
import './fast-tokens';
import { PlanLimitError } from '@kafka-privatelink/plan';
import { FrozenLockfileError, LockfileError, PortAllocationError } from '@kafka-privatelink/port-allocation';
import { booleanSetting, SettingError, SpecError, specPathFromEnv } from '@kafka-privatelink/cluster-spec';
import { CrossStackReferenceError } from './stack-references';
import { synthesize } from './synthesize';

const KNOWN_ERRORS = [SpecError, SettingError, LockfileError, PortAllocationError, FrozenLockfileError, PlanLimitError, CrossStackReferenceError];

try {
  synthesize({
    specPath: specPathFromEnv(),
    outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
    frozenLockfile: booleanSetting('KAFKA_PRIVATELINK_FROZEN_LOCKFILE'),
    // Progress and warnings are not errors: cdktf labels every line of an app's stderr [ERROR].
    log: (line) => process.stdout.write(`kafka-privatelink: ${line}\n`),
  });
} catch (error) {
  if (KNOWN_ERRORS.some((known) => error instanceof known)) {
    process.stderr.write(`kafka-privatelink: ${(error as Error).message}\n`);
    process.exit(1);
  }
  throw error;
}
