import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { mustSucceed, runCommand } from './process';

/** What tools/emulator/provision.sh provided (its manifest). */
export interface Tools {
  readonly terraform: string;
  readonly terraformVersion: string;
  readonly cliConfig: string;
  readonly awsProviderSource: 'registry' | 'mirror';
  readonly awsProviderPinned: string;
  readonly awsProviderReal: string;
  readonly python: string;
  readonly motoVersion: string;
}

/** Provides Terraform, the AWS provider and moto (building what is missing); progress goes to `log`. */
export async function provision(log: (line: string) => void): Promise<Tools> {
  const ran = await mustSucceed(
    'tools/emulator/provision.sh',
    runCommand('bash', [join(REPO_ROOT, 'tools', 'emulator', 'provision.sh')], { onStderrLine: (line) => line && log(line), timeoutMs: 4 * 3600_000 }),
  );
  const manifest = ran.stdout.trim().split('\n').pop()!;
  return JSON.parse(readFileSync(manifest, 'utf8')) as Tools;
}
