import { join } from 'node:path';
import { PlanSummary, summarizePlan } from './plan-summary';
import { mustSucceed, runCommand, tail } from './process';

export interface Validation {
  readonly errors: number;
  readonly warnings: readonly string[];
}

/** Terraform in one stack's folder of a synth output, against the emulator. */
export class TerraformStack {
  constructor(
    private readonly terraform: string,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  private run(args: readonly string[]) {
    return runCommand(this.terraform, [...args, '-no-color'], { cwd: this.dir, env: this.env, logFile: this.logFile });
  }

  private must(args: readonly string[]) {
    return mustSucceed(`terraform ${args[0]} in ${this.dir}`, this.run(args));
  }

  async init(): Promise<void> {
    await this.must(['init', '-input=false']);
  }

  /** `terraform init` that may be refused; the caller judges the outcome. */
  attemptInit() {
    return this.run(['init', '-input=false']);
  }

  async validate(): Promise<Validation> {
    const ran = await this.run(['validate', '-json']);
    const out = JSON.parse(ran.stdout) as { error_count: number; diagnostics: { severity: string; summary: string; detail?: string }[] };
    return {
      errors: out.error_count,
      warnings: out.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.summary}${d.detail ? `: ${d.detail}` : ''}`),
    };
  }

  /** Plans into a file and says what it would do. */
  async plan(options: { readonly destroy?: boolean } = {}): Promise<PlanSummary> {
    await this.must(['plan', '-input=false', '-out=tfplan', ...(options.destroy ? ['-destroy'] : [])]);
    return this.show('tfplan');
  }

  private async show(planFile: string): Promise<PlanSummary> {
    const ran = await this.must(['show', '-json', planFile]);
    return summarizePlan(JSON.parse(ran.stdout));
  }

  /** Applies exactly the last saved plan; returns its wall time in seconds. */
  async apply(): Promise<number> {
    return (await this.must(['apply', '-input=false', 'tfplan'])).seconds;
  }

  /** A fresh plan of the applied stack: `-detailed-exitcode` 0 means no change at all. */
  async replan(): Promise<{ readonly exitCode: number; readonly summary: PlanSummary }> {
    const ran = await this.run(['plan', '-input=false', '-detailed-exitcode', '-out=replan']);
    if (ran.code !== 0 && ran.code !== 2) throw new Error(`terraform plan in ${this.dir} exited with ${ran.code}:\n${tail(ran)}`);
    return { exitCode: ran.code, summary: await this.show('replan') };
  }

  /** A plan that may be refused; the caller judges the outcome. */
  attemptPlan() {
    return this.run(['plan', '-input=false', '-out=tfplan']);
  }

  /**
   * The plan of a pull request's diff: no state lock taken (`-lock=false`), nothing saved that a
   * later apply could use; `-detailed-exitcode` 0 means no change. The caller judges the outcome.
   */
  readOnlyPlan() {
    return this.run(['plan', '-input=false', '-lock=false', '-detailed-exitcode']);
  }

  /** `terraform destroy`; the caller judges the outcome. */
  destroy() {
    return this.run(['destroy', '-input=false', '-auto-approve']);
  }

  /** The state as Terraform stores it: equal text, nothing applied in between. */
  async statePull(): Promise<string> {
    return (await this.must(['state', 'pull'])).stdout;
  }

  async stateList(): Promise<string[]> {
    return (await this.must(['state', 'list'])).stdout.split('\n').filter((l) => l.length > 0);
  }

  /** Forgets resources without destroying them. */
  async stateRm(addresses: readonly string[]): Promise<void> {
    await this.must(['state', 'rm', ...addresses]);
  }
}

export const stackDir = (outdir: string, stack: string): string => join(outdir, 'stacks', stack);
