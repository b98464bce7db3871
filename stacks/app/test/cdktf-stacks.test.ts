import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { exampleSpec, planOf, SpecDoc, synthesize } from '../../consumer/test/fixtures';

const SCRIPT = join(__dirname, '..', 'cdktf-stacks.mjs');
// The script imports the plan's TypeScript, as Nx runs it.
const NODE = [process.execPath, '--import', 'tsx'];
const PLAN_SUMMARY = join(__dirname, '..', '..', '..', 'tools', 'ci', 'plan-summary.sh');

// A laptop: no CI, cdktf asks before it applies.
const LAPTOP = { CI: '', JENKINS_URL: '', KAFKA_PRIVATELINK_AUTO_APPROVE: '' };

/** Synthesizes the spec into a scratch folder and runs the script over it without running cdktf. */
function dryRun(spec: SpecDoc, action: string, flags: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const { app } = synthesize(planOf(spec).plan);
  app.synth();
  const result = spawnSync(NODE[0], [...NODE.slice(1), SCRIPT, action, ...flags, '--output', app.outdir, '--dry-run'], { encoding: 'utf8', env: { ...process.env, ...LAPTOP, ...env } });
  const lines = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('cdktf-stacks: '))
    .map((line) => line.slice('cdktf-stacks: '.length).replaceAll(app.outdir, '<out>'));
  const commands = lines.filter((line) => /^(cdktf|terraform) /.test(line));
  const notes = lines.filter((line) => !commands.includes(line));
  return { status: result.status, commands, notes, stderr: result.stderr, outdir: app.outdir };
}

function twoConsumers(): SpecDoc {
  const spec = exampleSpec();
  spec.consumers.push({ ...spec.consumers[0], name: 'grabpay', account: '444444444444', vpcId: 'vpc-0d1b2c3d4e5f60001' });
  return spec;
}

/** The example with two shards (three brokers per NLB) and three consumers, named out of order. */
function shardedThreeConsumers(): SpecDoc {
  const spec = twoConsumers();
  spec.ports.brokersPerShard = 3;
  spec.ports.maxShards = 2;
  spec.brokers.push({ ...spec.brokers[0], id: 901, instanceId: 'i-0a1b2c3d4e5f60901', privateIp: '10.1.3.201' });
  spec.consumers.unshift({ ...spec.consumers[0], name: 'ads', account: '555555555555', vpcId: 'vpc-0d1b2c3d4e5f60002' });
  return spec;
}

describe('cdktf-stacks script: the stacks and their order come from the plan', () => {
  const AUTO = { KAFKA_PRIVATELINK_AUTO_APPROVE: 'true' };
  const FLAGS = '--output <out> --skip-synth --skip-provider-lock';
  const DEPLOY = `${FLAGS} --auto-approve --ignore-missing-stack-dependencies`;

  it('GIVEN the example WHEN deploy of each side in turn THEN provider, the consumer, then acceptance', () => {
    const spec = exampleSpec();
    expect([...dryRun(spec, 'deploy', ['--provider'], AUTO).commands, ...dryRun(spec, 'deploy', [], AUTO).commands]).toEqual([
      `cdktf deploy provider ${FLAGS} --auto-approve`,
      `cdktf deploy consumer-kios ${DEPLOY}`,
      `cdktf deploy acceptance ${DEPLOY}`,
    ]);
  });

  it('GIVEN two shards and three consumers WHEN diff and deploy THEN every consumer stack of the plan, by name, then acceptance', () => {
    const spec = shardedThreeConsumers();
    const planned = planOf(spec).plan;
    expect(planned.shards.length).toBe(2);
    const consumers = planned.consumers.map((consumer) => consumer.stackName);
    expect(consumers).toEqual(['consumer-ads', 'consumer-grabpay', 'consumer-kios']);
    expect(dryRun(spec, 'diff').commands).toEqual(consumers.map((stack) => `cdktf diff ${stack} ${FLAGS}`));
    expect(dryRun(spec, 'deploy', [], AUTO).commands).toEqual([`cdktf deploy ${consumers.join(' ')} ${DEPLOY}`, `cdktf deploy acceptance ${DEPLOY}`]);
  });

  it('refuses a synth that holds a stack the app does not make, naming it', () => {
    const { app } = synthesize(planOf(exampleSpec()).plan);
    app.synth();
    const manifest = join(app.outdir, 'manifest.json');
    const json = JSON.parse(readFileSync(manifest, 'utf8'));
    json.stacks['network'] = json.stacks['provider'];
    writeFileSync(manifest, JSON.stringify(json));
    const result = spawnSync(NODE[0], [...NODE.slice(1), SCRIPT, 'deploy', '--output', app.outdir, '--dry-run'], { encoding: 'utf8', env: { ...process.env, ...LAPTOP, ...AUTO } });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('cdktf-stacks: unknown stack network: the stacks are provider, consumer-<consumer name> and acceptance\n');
  });
});

describe('cdktf-stacks script (Nx consumer:diff, consumer:apply and consumer:deploy)', () => {
  it('GIVEN two consumers WHEN diff THEN each consumer stack is diffed on its own from the existing synth', () => {
    expect(dryRun(twoConsumers(), 'diff')).toMatchObject({
      status: 0,
      commands: ['cdktf diff consumer-grabpay --output <out> --skip-synth --skip-provider-lock', 'cdktf diff consumer-kios --output <out> --skip-synth --skip-provider-lock'],
    });
  });

  it('GIVEN acceptance required WHEN diff --acceptance THEN only the acceptance stack is diffed', () => {
    expect(dryRun(twoConsumers(), 'diff', ['--acceptance']).commands).toEqual(['cdktf diff acceptance --output <out> --skip-synth --skip-provider-lock']);
  });

  it('fails to apply when a stack has no saved plan, naming the file and the target that makes it', () => {
    const result = dryRun(twoConsumers(), 'apply');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${result.outdir}/stacks/consumer-grabpay/plan does not exist: plan first (npx nx run consumer:diff)`);
  });

  const AUTO_APPROVE = { KAFKA_PRIVATELINK_AUTO_APPROVE: 'true' };

  it('GIVEN acceptance required WHEN deploy THEN all consumers deploy first, then the acceptance stack', () => {
    const flags = '--output <out> --skip-synth --skip-provider-lock --auto-approve --ignore-missing-stack-dependencies';
    expect(dryRun(twoConsumers(), 'deploy', [], AUTO_APPROVE)).toMatchObject({
      status: 0,
      commands: [`cdktf deploy consumer-grabpay consumer-kios ${flags}`, `cdktf deploy acceptance ${flags}`],
    });
  });

  it('GIVEN acceptance not required WHEN deploy THEN only the consumer stacks deploy', () => {
    const spec = exampleSpec();
    spec.provider.acceptanceRequired = false;
    expect(dryRun(spec, 'deploy', [], AUTO_APPROVE).commands).toEqual(['cdktf deploy consumer-kios --output <out> --skip-synth --skip-provider-lock --auto-approve --ignore-missing-stack-dependencies']);
  });

  it('GIVEN --provider WHEN diff, apply or deploy THEN only the provider stack', () => {
    expect(dryRun(twoConsumers(), 'diff', ['--provider']).commands).toEqual(['cdktf diff provider --output <out> --skip-synth --skip-provider-lock']);
    expect(dryRun(twoConsumers(), 'deploy', ['--provider'], AUTO_APPROVE).commands).toEqual(['cdktf deploy provider --output <out> --skip-synth --skip-provider-lock --auto-approve']);
    expect(dryRun(twoConsumers(), 'apply', ['--provider']).stderr).toContain('/stacks/provider/plan does not exist: plan first (npx nx run provider:diff)');
  });

  it('GIVEN the local backend on a laptop WHEN deploy THEN it names the file that holds each stack\'s state', () => {
    const result = dryRun(twoConsumers(), 'deploy', ['--provider'], AUTO_APPROVE);
    expect(result.status).toBe(0);
    expect(result.notes[0]).toBe('stack provider keeps its Terraform state in <out>/terraform-state/coban/provider.tfstate (local backend): keep that file, every later diff and deploy of the stack needs it');
  });

  it('refuses to deploy without a terminal unless KAFKA_PRIVATELINK_AUTO_APPROVE opts in, before running cdktf', () => {
    const result = dryRun(twoConsumers(), 'deploy');
    expect(result.status).toBe(2);
    expect(result.commands).toEqual([]);
    expect(result.stderr).toBe(
      'cdktf-stacks: deploy shows each plan and asks before it applies it, and there is no terminal to ask in: run it in a terminal, set KAFKA_PRIVATELINK_AUTO_APPROVE=true to apply without asking (CI), or plan and apply a reviewed plan (diff, then apply)\n',
    );
  });

  it('refuses a KAFKA_PRIVATELINK_AUTO_APPROVE that is not a yes/no value, naming it', () => {
    const result = dryRun(twoConsumers(), 'deploy', [], { KAFKA_PRIVATELINK_AUTO_APPROVE: 'always' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('cdktf-stacks: KAFKA_PRIVATELINK_AUTO_APPROVE: "always" is not a yes/no value; accepted: 1, true, yes (apply without asking); 0, false, no or unset (ask)\n');
  });

  it.each([
    ['deploy', [], { CI: 'true' }, 'CI=true'],
    ['apply', ['--provider'], { CI: 'true' }, 'CI=true'],
    ['deploy', ['--provider'], { JENKINS_URL: 'https://jenkins.example.com/' }, 'JENKINS_URL is set'],
    ['diff', ['--provider'], { JENKINS_URL: 'https://jenkins.example.com/' }, 'JENKINS_URL is set'],
  ])('refuses to %s %j with the local backend in CI (%j), naming the spec field backend and the S3 backend', (action, flags, env, why) => {
    const spec = twoConsumers();
    const result = dryRun(spec, action, flags, { ...AUTO_APPROVE, ...env });
    expect(result.status).toBe(2);
    expect(result.commands).toEqual([]);
    expect(result.stderr).toMatch(
      new RegExp(`^cdktf-stacks: stack (provider|consumer-grabpay) keeps its Terraform state in a local file \\(the spec's backend is type local\\), which only this workspace sees, and ${why}: .* Set the spec's backend to S3: backend: \\{ type: s3, bucket: <bucket>, region: <region> \\} \\(or, for a throwaway environment whose state may be lost, KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE=true\\)\n$`),
    );
  });

  it('GIVEN a throwaway environment that says so WHEN deploy with the local backend in CI THEN it deploys and names the state file', () => {
    const result = dryRun(twoConsumers(), 'deploy', ['--provider'], { ...AUTO_APPROVE, CI: 'true', KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE: 'true' });
    expect(result).toMatchObject({ status: 0, commands: [expect.stringMatching(/^cdktf deploy provider /)] });
    expect(result.notes).toEqual([expect.stringMatching(/^stack provider keeps its Terraform state in /)]);
  });

  it('refuses a KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE that is not a yes/no value', () => {
    const result = dryRun(twoConsumers(), 'deploy', ['--provider'], { ...AUTO_APPROVE, CI: 'true', KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE: 'maybe' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'cdktf-stacks: KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE: "maybe" is not a yes/no value; accepted: 1, true, yes (a throwaway environment: keep local state); 0, false, no or unset (refuse local state in CI)\n',
    );
  });

  it('GIVEN the S3 backend WHEN deploy in CI THEN it deploys', () => {
    const spec = twoConsumers();
    spec.backend = { type: 's3', bucket: 'coban-state', region: 'ap-southeast-1' };
    expect(dryRun(spec, 'deploy', ['--provider'], { ...AUTO_APPROVE, JENKINS_URL: 'https://jenkins.example.com/' })).toMatchObject({ status: 0, commands: [expect.stringMatching(/^cdktf deploy provider /)] });
  });

  it('GIVEN the local backend in a pull request check (CI, not Jenkins) WHEN diff THEN it diffs, as the pull request workflow does', () => {
    expect(dryRun(twoConsumers(), 'diff', [], { CI: 'true' })).toMatchObject({
      status: 0,
      notes: [expect.stringMatching(/^stack consumer-grabpay keeps/), expect.stringMatching(/^stack consumer-kios keeps/)],
      commands: [expect.stringMatching(/^cdktf diff consumer-grabpay/), expect.stringMatching(/^cdktf diff consumer-kios/)],
    });
  });

  it('fails when nothing was synthesized', () => {
    const empty = mkdtempSync(join(tmpdir(), 'kpl-empty-'));
    const result = spawnSync(NODE[0], [...NODE.slice(1), SCRIPT, 'diff', '--output', empty], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('manifest.json does not exist: synthesize first');
  });

  it('fails when the action is unknown', () => {
    const result = spawnSync(NODE[0], [...NODE.slice(1), SCRIPT, 'destroy'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: cdktf-stacks.mjs diff|apply|deploy');
  });
});

/**
 * A synth output with one consumer stack that needs no provider (only an output), so the real
 * cdktf and terraform can plan and apply it without a network or credentials.
 */
function outputOnlySynth(answer: string): { out: string; state: string; setAnswer: (value: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-stacks-'));
  const out = join(dir, 'cdktf.out');
  const state = join(dir, 'consumer-x.tfstate');
  const stack = 'consumer-x';
  mkdirSync(join(out, 'stacks', stack), { recursive: true });
  const manifest = { version: '0.21.0', stacks: { [stack]: { name: stack, constructPath: stack, synthesizedStackPath: `stacks/${stack}/cdk.tf.json`, workingDirectory: `stacks/${stack}`, annotations: [], dependencies: [] } } };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest));
  const setAnswer = (value: string) =>
    writeFileSync(
      join(out, 'stacks', stack, 'cdk.tf.json'),
      JSON.stringify({
        '//': { metadata: { backend: 'local', stackName: stack, version: '0.21.0' }, outputs: {} },
        terraform: { backend: { local: { path: state } } },
        output: { answer: { value: value } },
      }),
    );
  setAnswer(answer);
  return { out, state, setAnswer };
}

const runScript = (...args: string[]) => spawnSync(NODE[0], [...NODE.slice(1), SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...LAPTOP } });
const stateAnswer = (state: string): string => JSON.parse(readFileSync(state, 'utf8')).outputs.answer.value;

describe('cdktf-stacks script through the real cdktf CLI and terraform', () => {
  it('diffs while another run holds the state lock, then applies exactly the saved plan', async () => {
    const { out, state, setAnswer } = outputOnlySynth('42');
    expect(runScript('diff', '--output', out).status).toBe(0);
    expect(runScript('apply', '--output', out).status).toBe(0);
    expect(stateAnswer(state)).toBe('42');

    // a deploy in progress holds the local backend's lock (a POSIX lock on the state file)
    const holder = spawn('python3', ['-c', `import fcntl,sys,time\nf=open(${JSON.stringify(state)},'r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(60)`]);
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', () => resolve());
      holder.on('error', reject);
      holder.on('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
    });
    try {
      setAnswer('43');
      const diff = runScript('diff', '--output', out);
      // eslint-disable-next-line no-control-regex
      expect((diff.stdout + diff.stderr).replace(/\u001b\[[0-9;]*m/g, '')).toContain('answer = "42" -> "43"');
      expect(diff.status).toBe(0);
      // what lands after the review must not reach the apply: it applies the reviewed plan
      setAnswer('44');
    } finally {
      holder.kill();
    }
    const apply = runScript('apply', '--output', out);
    expect(apply.status).toBe(0);
    expect(stateAnswer(state)).toBe('43');
  }, 120_000);

  it('GIVEN a terminal WHEN deploy THEN cdktf shows the plan and asks, and an answer other than Approve applies nothing', async () => {
    const { out, state } = outputOnlySynth('42');
    // `script` gives the script a terminal, as a developer's shell does
    const child = spawn('script', ['-qec', `${NODE.join(' ')} ${SCRIPT} deploy --output ${out}`, '/dev/null'], { env: { ...process.env, ...LAPTOP } });
    let output = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (answered || !output.includes('Approve')) return;
      answered = true;
      // the choices are Approve, Dismiss, Stop: one down, then Enter, dismisses
      setTimeout(() => child.stdin.write('\u001b[B'), 300);
      setTimeout(() => child.stdin.write('\r'), 800);
    });
    await new Promise((resolve) => child.on('close', resolve));
    // eslint-disable-next-line no-control-regex
    const screen = output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(screen).toContain('+ answer = "42"');
    expect(screen).toContain('Apply cancelled.');
    expect(existsSync(state) ? JSON.parse(readFileSync(state, 'utf8')).outputs : {}).toEqual({});
  }, 120_000);

  it('refuses to deploy without a terminal, before cdktf touches the state; with KAFKA_PRIVATELINK_AUTO_APPROVE=true it applies', () => {
    const { out, state } = outputOnlySynth('42');
    const refused = runScript('deploy', '--output', out);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('there is no terminal to ask in');
    expect(existsSync(state)).toBe(false);

    const approved = spawnSync(NODE[0], [...NODE.slice(1), SCRIPT, 'deploy', '--output', out], { encoding: 'utf8', env: { ...process.env, ...LAPTOP, KAFKA_PRIVATELINK_AUTO_APPROVE: 'true' } });
    expect(approved.status).toBe(0);
    expect(stateAnswer(state)).toBe('42');
  }, 120_000);

  it('summarizes a saved plan for the approval gate with tools/ci/plan-summary.sh', () => {
    const { out, setAnswer } = outputOnlySynth('42');
    expect(runScript('diff', '--output', out).status).toBe(0);
    expect(runScript('apply', '--output', out).status).toBe(0);
    setAnswer('43');
    expect(runScript('diff', '--output', out).status).toBe(0);
    const cwd = dirname(out);

    const summary = spawnSync('bash', [PLAN_SUMMARY, 'consumers', join(out, 'stacks', 'consumer-x')], { cwd, encoding: 'utf8' });

    expect(summary.status).toBe(0);
    expect(readFileSync(join(cwd, 'plans', 'consumers.summary.txt'), 'utf8')).toBe('== consumer-x\nChanges to Outputs:\n');
    expect(readFileSync(join(cwd, 'plans', 'consumers.txt'), 'utf8')).toContain('~ answer = "42" -> "43"');
  }, 120_000);

  it('summarizes a stack the synth does not have as nothing to apply', () => {
    const { out } = outputOnlySynth('42');
    const cwd = dirname(out);
    const summary = spawnSync('bash', [PLAN_SUMMARY, 'acceptance', join(out, 'stacks', 'acceptance')], { cwd, encoding: 'utf8' });
    expect(summary.status).toBe(0);
    expect(readFileSync(join(cwd, 'plans', 'acceptance.summary.txt'), 'utf8')).toBe('== acceptance: not in this synth, nothing to apply\n');
  });

  it('fails to summarize a stack that has no saved plan, naming the file', () => {
    const { out } = outputOnlySynth('42');
    const summary = spawnSync('bash', [PLAN_SUMMARY, 'consumers', join(out, 'stacks', 'consumer-x')], { cwd: dirname(out), encoding: 'utf8' });
    expect(summary.status).toBe(2);
    expect(summary.stderr).toContain(`${join(out, 'stacks', 'consumer-x')}/plan does not exist`);
  });
});
