import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { preparePlan, PROVIDER_STACK } from '@kafka-privatelink/plan';
import { lockfilePathFor, REPO_ROOT, SpecInput } from '@kafka-privatelink/cluster-spec';
import { checkConsumerDns, DnsAnswer } from './dns-check';
import { Emulator } from './emulator';
import { guardsNamedIn, refusedGuards } from './guards';
import { addSummaries, formatCounts, PlanSummary } from './plan-summary';
import { mustSucceed, runCommand, tail } from './process';
import { Check, StackRow } from './report';
import { Policy, readOnlyViolations, renderPlanRolePolicy, withoutAction } from './plan-role';
import { Scenario } from './scenarios';
import { stackDir, TerraformStack } from './terraform';
import { deriveSpec, seedRequest, Seeded, withBroker, withoutBroker } from './world';

export interface ScenarioResult {
  readonly rows: readonly StackRow[];
  readonly checks: readonly Check[];
  /** The scale-out plan over all stacks, when the scenario has a lifecycle. */
  readonly scaleOut?: PlanSummary;
}

const PORT_GUARDS = 'terraform_data.';

const check = (name: string, passed: boolean, detail = ''): Check => ({ name, passed, detail });

/** A scenario's spec in the emulator's world: written to disk with its lockfile, synthesized. */
export class Deployment {
  readonly specPath: string;
  readonly outdir: string;
  readonly logFile: string;
  /** The AWS keys Terraform runs with. @default - the emulator's own test credentials */
  credentials?: AccessKey;

  constructor(
    readonly emulator: Emulator,
    readonly terraform: string,
    readonly dir: string,
    private spec: SpecInput,
    readonly seeded: Seeded,
  ) {
    this.specPath = join(dir, `${spec.cluster}.yaml`);
    this.outdir = join(dir, 'cdktf.out');
    this.logFile = join(dir, 'terraform.log');
  }

  /** Resets the emulator, seeds what `scenario` references and writes the derived spec. */
  static async prepare(emulator: Emulator, terraform: string, dir: string, scenario: Scenario): Promise<Deployment> {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await emulator.reset();
    const seeded = await emulator.aws<Seeded>('seed', seedRequest(scenario.spec, scenario.lifecycle ? [scenario.lifecycle] : []));
    const spec = deriveSpec(scenario.spec, seeded, relative(REPO_ROOT, join(dir, 'state')));
    const deployment = new Deployment(emulator, terraform, dir, spec, seeded);
    deployment.write(spec);
    if (scenario.lockfile) copyFileSync(scenario.lockfile, deployment.lockfilePath);
    return deployment;
  }

  get currentSpec(): SpecInput {
    return this.spec;
  }

  get lockfilePath(): string {
    return lockfilePathFor(this.specPath, this.spec.ports?.lockfile);
  }

  /** A synthesized stack's Terraform JSON. */
  stackJson(name: string): object {
    return JSON.parse(readFileSync(join(stackDir(this.outdir, name), 'cdk.tf.json'), 'utf8')) as object;
  }

  write(spec: SpecInput): void {
    this.spec = spec;
    writeFileSync(this.specPath, `# Derived by emulator:verify from a scenario, with the emulator's ids.\n${stringify(spec)}`);
  }

  /** What `cdktf synth` runs: the app, for this spec, into this deployment's output folder. */
  async synth(): Promise<void> {
    await mustSucceed(
      `synth of ${this.specPath}`,
      runCommand('node', ['--import', 'tsx', join('stacks', 'app', 'src', 'main.ts')], {
        cwd: REPO_ROOT,
        env: { ...process.env, KAFKA_PRIVATELINK_SPEC: this.specPath, CDKTF_OUTDIR: this.outdir, KAFKA_PRIVATELINK_FROZEN_LOCKFILE: '' },
        logFile: this.logFile,
      }),
    );
  }

  /** Stack names in deploy order: provider, the consumers, acceptance. */
  stacks(outdir = this.outdir): string[] {
    const names = Object.keys((JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: object }).stacks);
    const rank = (n: string): number => (n === PROVIDER_STACK ? 0 : n === 'acceptance' ? 2 : 1);
    return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  }

  stack(name: string, outdir = this.outdir): TerraformStack {
    const keys = this.credentials ? { AWS_ACCESS_KEY_ID: this.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: this.credentials.secretAccessKey } : {};
    return new TerraformStack(this.terraform, stackDir(outdir, name), this.emulator.env(keys), this.logFile);
  }

  /** Reads back each consumer's zone and endpoints from the emulator and checks every name. */
  async dnsChecks(): Promise<Check[]> {
    const { plan } = preparePlan(this.specPath);
    const checks: Check[] = [];
    for (const consumer of plan.consumers) {
      const answer = await this.emulator.aws<DnsAnswer>('dns', { account: consumer.account, region: consumer.region, vpcId: consumer.vpcId, zone: plan.dns.zone });
      checks.push(...checkConsumerDns(plan, consumer.name, answer).map((f) => check(`dns ${f.name}`, f.passed, f.detail)));
    }
    return checks;
  }
}

/** init, validate, plan, apply and re-plan every stack in order; stops at the first failure. */
async function deployAll(d: Deployment, scenario: string, log: (l: string) => void): Promise<{ rows: StackRow[]; checks: Check[] }> {
  const rows: StackRow[] = [];
  const checks: Check[] = [];
  for (const name of d.stacks()) {
    const tf = d.stack(name);
    const row: { -readonly [K in keyof StackRow]: StackRow[K] } = { scenario, stack: name, validate: '—', plan: '—', apply: '—', replan: '—' };
    rows.push(row);
    try {
      await tf.init();
      const validation = await tf.validate();
      row.validate = validation.errors === 0 ? `ok, ${validation.warnings.length} warnings` : `${validation.errors} errors`;
      checks.push(check(`${scenario}/${name}: validate`, validation.errors === 0 && validation.warnings.length === 0, validation.warnings.join('; ')));
      const plan = await tf.plan();
      row.plan = formatCounts(plan);
      const seconds = await tf.apply();
      row.apply = `ok, ${seconds.toFixed(0)} s`;
      checks.push(check(`${scenario}/${name}: apply`, true, `${plan.create.length} resources in ${seconds.toFixed(0)} s`));
      const replan = await tf.replan();
      row.replan = replan.exitCode === 0 ? 'empty' : formatCounts(replan.summary);
      checks.push(check(`${scenario}/${name}: re-plan empty`, replan.exitCode === 0, [...replan.summary.update, ...replan.summary.replace, ...replan.summary.create, ...replan.summary.delete].join(', ')));
      log(`${scenario}/${name}: plan ${row.plan}, applied in ${seconds.toFixed(0)} s, re-plan ${row.replan}`);
    } catch (error) {
      checks.push(check(`${scenario}/${name}: deployed`, false, (error as Error).message));
      log(`${scenario}/${name}: FAILED\n${(error as Error).message}`);
      break;
    }
  }
  return { rows, checks };
}

/** Plans every stack after a spec change, applies, and re-plans; returns the plans' total. */
async function change(d: Deployment, what: string, checks: Check[], log: (l: string) => void): Promise<PlanSummary> {
  await d.synth();
  const plans: PlanSummary[] = [];
  for (const name of d.stacks()) {
    const tf = d.stack(name);
    await tf.init();
    const plan = await tf.plan();
    plans.push(plan);
    await tf.apply();
    const replan = await tf.replan();
    checks.push(check(`${what}: ${name} re-plan empty after apply`, replan.exitCode === 0, formatCounts(replan.summary)));
    log(`${what}: ${name} plan ${formatCounts(plan)}${plan.update.length ? ` (updates ${plan.update.join(', ')})` : ''}`);
  }
  return addSummaries(plans);
}

/** The example's life after its first deploy: a broker added, one removed, a destroy refused. */
async function lifecycle(d: Deployment, scenario: Scenario, log: (l: string) => void): Promise<{ checks: Check[]; scaleOut: PlanSummary }> {
  const spare = scenario.lifecycle!;
  const checks: Check[] = [];
  const base = d.currentSpec;

  d.write(withBroker(base, spare, d.seeded));
  const scaleOut = await change(d, `scale-out +broker ${spare.id}`, checks, log);
  const ruleUpdates = scaleOut.update.every((a) => a.startsWith('aws_vpc_security_group_ingress_rule.'));
  const port = preparePlan(d.specPath).plan.brokers.find((b) => b.id === spare.id)!.port;
  const ownCreates = scaleOut.create.every((a) => a.includes(`broker_${spare.id}`) || (a.startsWith(PORT_GUARDS) && a.endsWith(`["${port}"]`)));
  checks.push(
    check(
      `scale-out: only creations for broker ${spare.id} and its port ${port}, and in-place rule-range updates`,
      scaleOut.delete.length === 0 && scaleOut.replace.length === 0 && ruleUpdates && ownCreates && scaleOut.create.length > 0,
      `${formatCounts(scaleOut)}: creates ${scaleOut.create.join(', ')}; updates ${scaleOut.update.join(', ') || 'none'}`,
    ),
  );

  const removed = base.brokers.find((b) => b.id !== spare.id && b.azId !== spare.azId)!.id;
  d.write(withoutBroker(d.currentSpec, removed));
  const removal = await change(d, `remove broker ${removed}`, checks, log);
  checks.push(
    check(
      `remove broker ${removed}: the plan destroys only its resources`,
      removal.create.length === 0 && removal.replace.length === 0 && removal.delete.length > 0 && removal.delete.every((a) => a.includes(`broker_${removed}`)),
      `${formatCounts(removal)}: destroys ${removal.delete.join(', ')}`,
    ),
  );

  const zonal = await d.dnsChecks();
  checks.push(...zonal.map((c) => ({ ...c, name: `after the changes: ${c.name}` })));

  // Teardown in reverse order; the provider's NLB must survive it.
  const stacks = d.stacks().reverse();
  for (const name of stacks.filter((s) => s !== PROVIDER_STACK)) {
    const ran = await d.stack(name).destroy();
    checks.push(check(`destroy ${name}`, ran.code === 0, ran.code === 0 ? '' : ran.stderr.trim().split('\n').slice(-3).join(' ')));
  }
  const provider = d.stack(PROVIDER_STACK);
  const deployed = await provider.stateList();
  const refused = await provider.destroy();
  const kept = await provider.stateList();
  const guards = deployed.filter((a) => a.startsWith(PORT_GUARDS));
  checks.push(
    check(
      'destroy of the provider stack is refused at plan time by the port guards, destroying nothing',
      refused.code !== 0 && guardsNamedIn(refused.stderr).length > 0 && kept.length === deployed.length,
      `exit ${refused.code}; ${guardsNamedIn(refused.stderr).length}/${guards.length} guards refused; ${kept.length}/${deployed.length} resources still in state`,
    ),
  );
  // The guards are state only. Without them, as when a cluster is retired, NLB deletion protection is the last stop.
  await provider.stateRm(guards);
  const destroyed = await provider.destroy();
  const nlbs = (await provider.stateList()).filter((l) => l.startsWith('aws_lb.'));
  const refusal = /deletion protection/i.test(destroyed.stderr + destroyed.stdout);
  checks.push(
    check(
      'destroy of the provider stack is refused while NLB deletion protection is on',
      destroyed.code !== 0 && refusal && nlbs.length > 0,
      `exit ${destroyed.code}; ${refusal ? 'refused for deletion protection' : 'no deletion-protection refusal'}; still in state: ${nlbs.join(', ') || 'no NLB'}`,
    ),
  );
  log(`destroy: provider stack ${destroyed.code !== 0 ? 'refused' : 'destroyed'}; kept ${nlbs.join(', ') || 'nothing'}`);
  return { checks, scaleOut };
}

/**
 * Deletes the deployed scenario's lockfile and synthesizes: the provider's plan must be refused,
 * naming every broker that would move and every port that would change hands, and apply nothing.
 * Then the lockfile comes back (as from git) and every stack must plan no change.
 */
async function lostLockfile(d: Deployment, log: (l: string) => void): Promise<Check[]> {
  const checks: Check[] = [];
  const provider = d.stack(PROVIDER_STACK);
  const kept = readFileSync(d.lockfilePath, 'utf8');
  const before = preparePlan(d.specPath).plan;
  const deployedJson = d.stackJson(PROVIDER_STACK);
  const deployedState = await provider.statePull();

  rmSync(d.lockfilePath);
  await d.synth();
  const fresh = preparePlan(d.specPath).plan;
  const moves = before.brokers.flatMap((b) => {
    const now = fresh.brokers.find((f) => f.id === b.id)!;
    return now.port === b.port ? [] : [`"broker ${b.id} port ${b.port}" -> "broker ${b.id} port ${now.port}"`];
  });
  checks.push(check('lost-lockfile: synth allocates afresh and moves a broker', existsSync(d.lockfilePath) && moves.length > 0, moves.join('; ') || 'no broker moved'));

  const planned = await provider.attemptPlan();
  const named = guardsNamedIn(planned.stderr);
  const expected = refusedGuards(deployedJson, d.stackJson(PROVIDER_STACK));
  const unnamed = moves.filter((m) => !planned.stdout.includes(m));
  checks.push(
    check(
      'lost-lockfile: the provider plan is refused, naming every moved broker with its old and new port',
      planned.code === 1 && /Instance cannot be destroyed/.test(planned.stderr) && moves.length > 0 && unnamed.length === 0,
      `exit ${planned.code}; ${unnamed.length === 0 ? `shows ${moves.join('; ')}` : `does not show ${unnamed.join('; ')}`}`,
    ),
  );
  checks.push(
    check(
      'lost-lockfile: Terraform refuses exactly the guards whose broker or port changed',
      expected.length > 0 && JSON.stringify(named) === JSON.stringify(expected),
      `refused ${named.join(', ') || 'none'}${JSON.stringify(named) === JSON.stringify(expected) ? '' : `; expected ${expected.join(', ')}`}`,
    ),
  );
  const untouched = (await provider.statePull()) === deployedState;
  checks.push(check('lost-lockfile: nothing applied, the state is as deployed', untouched, untouched ? '' : 'the state changed'));
  log(`lost-lockfile: provider plan exit ${planned.code}, refused ${named.join(', ')}; state ${untouched ? 'untouched' : 'CHANGED'}`);

  writeFileSync(d.lockfilePath, kept);
  await d.synth();
  for (const name of d.stacks()) {
    const replan = await d.stack(name).replan();
    checks.push(check(`lost-lockfile: lockfile restored: ${name} re-plan empty`, replan.exitCode === 0, formatCounts(replan.summary)));
  }
  return checks;
}

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** moto's default account: the CI account that holds the state and the CI identities. */
const CI_ACCOUNT = '123456789012';
const PLAN_ROLE = 'kafka-privatelink-plan';
const ADMIN = 'kafka-privatelink-admin';
/**
 * Actions left out of the plan user's or plan roles' policy, one at a time, and what the denial
 * shows: moto's message naming the action, or for S3 (whose AccessDenied names none) the SDK's
 * operation with its 403; HeadObject is authorized as s3:GetObject. Without s3:ListBucket or
 * dynamodb:GetItem, init and plan of the default workspace still succeed here, so neither is listed.
 */
const LEFT_OUT = [
  { action: 'elasticloadbalancing:Describe*', from: 'role', denied: /not authorized to perform: (elasticloadbalancing:Describe\w+)/ },
  { action: 's3:GetObject', from: 'user', denied: /(S3: (?:Head|Get)Object), https response error StatusCode: 403/ },
] as const;
const everything: Policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const userArn = (name: string): string => `arn:aws:iam::${CI_ACCOUNT}:user/${name}`;

/**
 * The pull-request plan role against moto with IAM enforced. An admin user (CI account) deploys
 * every stack through the deploy roles; then a plan user holding only the rendered policy, plus
 * sts:AssumeRole on a plan role in each stack's account that holds only the rendered policy too,
 * plans every stack as the pull request's diff does (`-lock=false`). Each plan must be empty.
 * Then the plan user or roles lose one action at a time, and the provider's init or plan must be
 * denied, naming it.
 */
async function planRoleRun(d: Deployment, scenario: string, log: (l: string) => void): Promise<{ rows: StackRow[]; checks: Check[] }> {
  const spec = d.currentSpec;
  const backend = spec.backend;
  if (backend?.type !== 's3' || !backend.dynamodbTable || !backend.keyPrefix) throw new Error(`${scenario}: needs an S3 backend with a key prefix and a lock table`);
  const accounts = [...new Set([spec.provider.account, ...(spec.consumers ?? []).map((c) => c.account)])];
  const planRoleArn = (account: string): string => `arn:aws:iam::${account}:role/${PLAN_ROLE}`;
  const policy = renderPlanRolePolicy({ bucket: backend.bucket, keyPrefix: backend.keyPrefix, table: backend.dynamodbTable });
  const planUser: Policy = {
    ...policy,
    Statement: [...policy.Statement, { Sid: 'AssumePlanRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: accounts.map(planRoleArn) }],
  };
  const checks: Check[] = [];
  const violations = readOnlyViolations(planUser);
  checks.push(check(`${scenario}: the plan user's policy (the file plus sts:AssumeRole on the plan roles) is read-only`, violations.length === 0, violations.join('; ')));
  const planRoles = (p: Policy) => accounts.map((account) => ({ account, name: PLAN_ROLE, policy: p, trusted: [userArn(PLAN_ROLE)] }));

  await d.emulator.aws('state', { account: CI_ACCOUNT, region: backend.region, bucket: backend.bucket, table: backend.dynamodbTable });
  const { users } = await d.emulator.aws<{ users: Record<string, AccessKey> }>('iam', {
    users: [
      { account: CI_ACCOUNT, name: ADMIN, policy: everything },
      { account: CI_ACCOUNT, name: PLAN_ROLE, policy: planUser },
    ],
    roles: [...accounts.map((account) => ({ account, name: 'kafka-privatelink-deploy', policy: everything, trusted: [userArn(ADMIN)] })), ...planRoles(policy)],
  });
  await d.emulator.enforceIam(true);
  try {
    d.credentials = users[ADMIN];
    await d.synth();
    const deployed = await deployAll(d, scenario, log);
    checks.push(...deployed.checks);
    if (deployed.checks.some((c) => !c.passed)) return { rows: deployed.rows, checks };

    // The pull request's synth: the same stacks, reaching each account through its plan role.
    d.write({
      ...spec,
      provider: { ...spec.provider, assumeRoleArn: planRoleArn(spec.provider.account) },
      consumers: (spec.consumers ?? []).map((c) => ({ ...c, assumeRoleArn: planRoleArn(c.account) })),
    });
    await d.synth();
    d.credentials = users[PLAN_ROLE];
    for (const name of d.stacks()) {
      const tf = d.stack(name);
      await tf.init();
      const planned = await tf.readOnlyPlan();
      checks.push(
        check(`${scenario}/${name}: plan with only the plan role's policy is empty`, planned.code === 0, planned.code === 0 ? 'exit 0, no change' : `exit ${planned.code}: ${tail(planned, 6)}`),
      );
      log(`${scenario}/${name}: plan as the plan role exited ${planned.code}`);
    }

    // Each left-out action, one at a time: the provider's init or plan must stop at it.
    for (const { action, from, denied } of LEFT_OUT) {
      const userPolicy = from === 'user' ? withoutAction(planUser, action) : planUser;
      const rolePolicy = from === 'role' ? withoutAction(policy, action) : policy;
      await d.emulator.enforceIam(false);
      await d.emulator.aws('iam', { users: [{ account: CI_ACCOUNT, name: PLAN_ROLE, policy: userPolicy }], roles: planRoles(rolePolicy) });
      await d.emulator.enforceIam(true);
      const tf = d.stack(PROVIDER_STACK);
      const init = await tf.attemptInit();
      const ran = init.code === 0 ? await tf.readOnlyPlan() : init;
      const named = denied.exec(ran.stdout + ran.stderr)?.[1];
      checks.push(
        check(
          `${scenario}/${PROVIDER_STACK}: without ${action} on the plan ${from}, init or plan is denied`,
          ran.code === 1 && named !== undefined,
          `exit ${ran.code}; ${named ? `denied ${named}` : `no denial of ${action}: ${tail(ran, 4)}`}`,
        ),
      );
      log(`${scenario}: without ${action} the provider's ${init.code === 0 ? 'plan' : 'init'} exited ${ran.code}${named ? `, denied ${named}` : ''}`);
    }
    return { rows: deployed.rows, checks };
  } finally {
    await d.emulator.enforceIam(false);
  }
}

export async function runScenario(emulator: Emulator, terraform: string, workDir: string, scenario: Scenario, log: (l: string) => void): Promise<ScenarioResult> {
  const d = await Deployment.prepare(emulator, terraform, join(workDir, scenario.name), scenario);
  log(`${scenario.name}: seeded the emulator, spec ${relative(REPO_ROOT, d.specPath)}`);
  if (scenario.planRole) return planRoleRun(d, scenario.name, log);
  await d.synth();
  const { rows, checks } = await deployAll(d, scenario.name, log);
  if (checks.some((c) => !c.passed)) return { rows, checks };
  checks.push(...(await d.dnsChecks()).map((c) => ({ ...c, name: `${scenario.name}: ${c.name}` })));
  if (scenario.losesLockfile) checks.push(...(await lostLockfile(d, log)));
  if (!scenario.lifecycle) return { rows, checks };
  const more = await lifecycle(d, scenario, log);
  return { rows, checks: [...checks, ...more.checks], scaleOut: more.scaleOut };
}

