import { mkdirSync } from 'node:fs';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Tools } from './provision';
import { mustSucceed, runCommand } from './process';

const MOTO_DIR = join(__dirname, '..', 'moto');

/** A free TCP port on loopback, for the emulator to bind. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface EmulatorOptions {
  /** Accounts whose AZ names are shifted against the AZ IDs, as AWS maps them per account. */
  readonly shiftedAzAccounts: readonly string[];
  readonly logDir: string;
}

/** moto's server, bound to 127.0.0.1, with our PrivateLink extension loaded. */
export class Emulator {
  private constructor(
    private readonly tools: Tools,
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly logDir: string,
  ) {}

  static async start(tools: Tools, options: EmulatorOptions): Promise<Emulator> {
    mkdirSync(options.logDir, { recursive: true });
    const port = await freePort();
    const child = spawn(tools.python, [join(MOTO_DIR, 'kafka_privatelink_moto.py'), '-H', '127.0.0.1', '-p', String(port)], {
      cwd: MOTO_DIR,
      // No MOTO_ACCOUNT_ID: it would pin every request to one account, whatever role was assumed.
      env: {
        ...process.env,
        KAFKA_PRIVATELINK_MOTO_AZ_SHIFT: options.shiftedAzAccounts.map((a) => `${a}=1`).join(','),
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const emulator = new Emulator(tools, child, `http://127.0.0.1:${port}`, options.logDir);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode} at start`);
      try {
        const response = await fetch(`${emulator.url}/moto-api/data.json`);
        if (response.ok) return emulator;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('the emulator did not answer within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Credentials and endpoints for Terraform, cdktf and boto3: the stacks' JSON stays untouched. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const inherited = { ...process.env };
    delete inherited.AWS_PROFILE;
    return {
      ...inherited,
      AWS_ENDPOINT_URL: this.url,
      AWS_ACCESS_KEY_ID: 'emulator',
      AWS_SECRET_ACCESS_KEY: 'emulator',
      AWS_EC2_METADATA_DISABLED: 'true',
      // No profile, config or credentials file of the machine's user reaches the emulator run.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      TF_CLI_CONFIG_FILE: this.tools.cliConfig,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      PATH: `${join(this.tools.terraform, '..')}:${process.env.PATH ?? ''}`,
      ...extra,
    };
  }

  /** Forgets every resource of every account. */
  async reset(): Promise<void> {
    const response = await fetch(`${this.url}/moto-api/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`resetting the emulator failed: ${response.status}`);
  }

  /**
   * Turns moto's IAM enforcement on or off in the running server (its `/moto-api/reset-auth`, which
   * sets `INITIAL_NO_AUTH_ACTION_COUNT`): on, every request must be signed by a known identity and
   * allowed by its policies; off, as moto starts.
   */
  async enforceIam(on: boolean): Promise<void> {
    const response = await fetch(`${this.url}/moto-api/reset-auth`, { method: 'POST', body: on ? '0' : 'inf' });
    if (!response.ok) throw new Error(`turning the emulator's IAM enforcement ${on ? 'on' : 'off'} failed: ${response.status}`);
  }

  /** Runs one command of moto/aws.py with `input` as JSON; returns its JSON answer. */
  async aws<T>(command: 'seed' | 'dns' | 'state' | 'iam', input: unknown): Promise<T> {
    const ran = await mustSucceed(
      `aws.py ${command}`,
      runCommand(this.tools.python, [join(MOTO_DIR, 'aws.py'), command], {
        env: this.env({ AWS_DEFAULT_REGION: 'us-east-1' }),
        input: JSON.stringify(input),
        logFile: join(this.logDir, 'aws.log'),
      }),
    );
    return JSON.parse(ran.stdout) as T;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}
