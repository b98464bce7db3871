import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { consumerStackName, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { loadSpec, lockfilePathFor, REPO_ROOT, Spec } from '@kafka-privatelink/cluster-spec';
import { BrokerFacts, readBrokerFacts } from './ansible-output';
import { mustRun } from './shell';
import { ConsumerInput, World } from './topology';
import { ProviderModel, readConsumerStack, readProviderStack, TerraformJson } from './terraform-json';

/** A spec and its lockfile, copied to a scratch folder so that synth never writes the repository's. */
export interface SpecCopy {
  readonly specPath: string;
  readonly lockfilePath: string;
}

export function copySpec(specPath: string, into: string): SpecCopy {
  const spec = loadSpec(specPath);
  mkdirSync(into, { recursive: true });
  const copy = join(into, basename(specPath));
  copyFileSync(specPath, copy);
  const lockfilePath = lockfilePathFor(copy, spec.ports.lockfile);
  if (relative(into, lockfilePath).startsWith('..')) throw new Error(`the lockfile of ${specPath} is outside its folder; the twin cannot copy it`);
  const source = lockfilePathFor(specPath, spec.ports.lockfile);
  if (existsSync(source)) {
    mkdirSync(dirname(lockfilePath), { recursive: true });
    copyFileSync(source, lockfilePath);
  }
  return { specPath: copy, lockfilePath };
}

/** Runs the cdktf app (what `cdktf synth` runs) for a spec into `outdir`. */
export async function synth(spec: SpecCopy, outdir: string): Promise<void> {
  await mustRun('node', ['--import', 'tsx', join('stacks', 'app', 'src', 'main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, KAFKA_PRIVATELINK_SPEC: spec.specPath, CDKTF_OUTDIR: outdir, KAFKA_PRIVATELINK_FROZEN_LOCKFILE: '' },
    timeoutMs: 300_000,
  });
}

/** What the synth output says is deployed, plus the facts about the accounts the spec holds. */
export interface Exposure {
  readonly spec: Spec;
  readonly provider: ProviderModel;
  readonly consumers: readonly ConsumerInput[];
  readonly brokers: readonly BrokerFacts[];
  readonly world: World;
}

const readJson = (file: string): TerraformJson => JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;

export function readExposure(spec: SpecCopy, outdir: string): Exposure {
  const parsed = loadSpec(spec.specPath);
  const stacks = new Set(readdirSync(join(outdir, 'stacks')));
  const stackFile = (stack: string): string => {
    if (!stacks.has(stack)) throw new Error(`the synth output has no stack ${stack}`);
    return join(outdir, 'stacks', stack, 'cdk.tf.json');
  };
  const consumers = parsed.consumers.map((c) => ({ stack: consumerStackName(c.name), model: readConsumerStack(readJson(stackFile(consumerStackName(c.name)))) }));
  return {
    spec: parsed,
    provider: readProviderStack(readJson(stackFile(PROVIDER_STACK))),
    consumers,
    brokers: readBrokerFacts(join(outdir, 'ansible')),
    world: {
      subnetAz: new Map(parsed.consumers.flatMap((c) => Object.entries(c.subnets).map(([azId, subnet]) => [subnet, azId] as const))),
      clientCidrs: new Map(parsed.consumers.map((c) => [consumerStackName(c.name), c.allowedCidrs] as const)),
    },
  };
}
