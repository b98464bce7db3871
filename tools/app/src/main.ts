// The cdktf app named in cdktf.json. `cdktf synth` runs it; the Nx synth targets run its bundle
// (tools/app/bundle.mjs) directly; so can `node --import tsx`.
import './fast-tokens';
import { PlanLimitError } from '@kafka-privatelink/plan';
import { FrozenLockfileError, LockfileError, PortAllocationError } from '@kafka-privatelink/port-allocation';
import { booleanSetting, SettingError, SpecError, specPathFromEnv } from '@kafka-privatelink/spec';
import { CrossStackReferenceError } from './stack-references';
import { CLI_PRINTS_ANNOTATIONS, stackWarnings } from './stack-warnings';
import { synthesize } from './synthesize';

const KNOWN_ERRORS = [SpecError, SettingError, LockfileError, PortAllocationError, FrozenLockfileError, PlanLimitError, CrossStackReferenceError];

// Progress and warnings are not errors: cdktf labels every line of an app's stderr [ERROR].
const log = (line: string) => process.stdout.write(`kafka-privatelink: ${line}\n`);

try {
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  synthesize({ specPath: specPathFromEnv(), outdir, frozenLockfile: booleanSetting('KAFKA_PRIVATELINK_FROZEN_LOCKFILE'), log });
  if (process.env[CLI_PRINTS_ANNOTATIONS] === undefined) stackWarnings(outdir).forEach(log);
} catch (error) {
  if (KNOWN_ERRORS.some((known) => error instanceof known)) {
    process.stderr.write(`kafka-privatelink: ${(error as Error).message}\n`);
    process.exit(1);
  }
  throw error;
}
