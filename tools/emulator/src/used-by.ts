import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { Emulator } from './emulator';
import { runCommand } from './process';
import { Check } from './report';
import { example } from './scenarios';
import { Deployment } from './verify';
import { withBroker } from './world';

export const USED_BY = 'used-by';

/**
 * The commands the README and the pipelines name, run as a user runs them, against the emulator:
 * `npx nx run provider:deploy`, `npx nx run consumer:deploy`, then `npx nx run provider:diff` (cdktf diff) after
 * a broker is added to the spec. They write the repository's own `cdktf.out`.
 */
export async function usedByCommands(emulator: Emulator, terraform: string, workDir: string, log: (l: string) => void): Promise<Check[]> {
  const scenario = example();
  const d = await Deployment.prepare(emulator, terraform, join(workDir, USED_BY), scenario);
  // No terminal here to answer cdktf's approval prompt: the run opts in as CI does. Its state is
  // the emulator's, thrown away with it: local state is right here even in CI.
  const env = emulator.env({
    KAFKA_PRIVATELINK_SPEC: d.specPath,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    KAFKA_PRIVATELINK_FROZEN_LOCKFILE: '',
    KAFKA_PRIVATELINK_AUTO_APPROVE: 'true',
    KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE: 'true',
  });
  const checks: Check[] = [];
  const command = async (args: readonly string[]): Promise<string> => {
    const ran = await runCommand('npx', args, { cwd: REPO_ROOT, env, logFile: d.logFile });
    // cdktf colours its output even without a terminal.
    const output = stripVTControlCharacters(ran.stdout + ran.stderr);
    checks.push({ name: `npx ${args.join(' ')}`, passed: ran.code === 0, detail: `exit ${ran.code} in ${ran.seconds.toFixed(0)} s` });
    log(`used-by: npx ${args.join(' ')}: exit ${ran.code} in ${ran.seconds.toFixed(0)} s`);
    return output;
  };

  await command(['nx', 'run', 'provider:deploy', '--output-style=static']);
  await command(['nx', 'run', 'consumer:deploy', '--output-style=static']);
  const outdir = join(REPO_ROOT, 'cdktf.out');
  for (const name of d.stacks(outdir)) {
    // consumer:deploy's synth replaced cdktf.out with its stacks' .terraform folders.
    const tf = d.stack(name, outdir);
    await tf.init();
    const replan = await tf.replan();
    checks.push({ name: `used-by: ${name} re-plan empty after deploy`, passed: replan.exitCode === 0, detail: `exit ${replan.exitCode}` });
  }
  checks.push(...(await d.dnsChecks()).map((c) => ({ ...c, name: `used-by: ${c.name}` })));

  d.write(withBroker(d.currentSpec, scenario.lifecycle!, d.seeded));
  const diff = await command(['nx', 'run', 'provider:diff', '--output-style=static']);
  const plan = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(diff);
  checks.push({
    name: `provider:diff shows broker ${scenario.lifecycle!.id} as additions only`,
    passed: plan !== null && Number(plan[1]) > 0 && plan[3] === '0',
    detail: plan ? plan[0] : 'no plan line in the output',
  });
  return checks;
}
