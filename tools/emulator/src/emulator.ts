import { mkdirSync } from 'node:fs';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Tools } from './provision';
import { mustSucceed, runCommand } from './process';

const MOTO_DIR = join(__dirname, '..', 'moto');

/** Ports handed to an emulator of this process: the kernel may offer a closed one again. */
const handedOut = new Set<number>();

/** A port the kernel offers on loopback, closed again at once. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A free TCP port on loopback for one emulator, never one another emulator of this run got. */
export async function freePort(offer: () => Promise<number> = kernelPort): Promise<number> {
  for (;;) {
    const port = await offer();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

export interface EmulatorOptions {
  /** Accounts whose AZ names are shifted against the AZ IDs, as AWS maps them per account. */
  readonly shiftedAzAccounts: readonly string[];
  readonly logDir: string;
  /**
   * The pool slot this emulator's scenario runs in (tools/emulator/src/pool.ts): Terraform's plugin
   * cache is not safe for concurrent `terraform init`s, so each slot has its own. @default 0
   */
  readonly slot?: number;
}

/**
 * Terraform's plugin cache for a pool slot. With the filesystem mirror there is none: Terraform
 * links the mirror's read-only folder into each stack, which any number of inits may share, and a
 * cache would copy the 905 MB binary. With the registry, slot 0 keeps provision.sh's cache (filled
 * by its probe) and every other slot has one of its own, filled on its first init.
 */
export function pluginCacheFor(tools: Pick<Tools, 'awsProviderSource' | 'cliConfig'>, slot: number): string | undefined {
  if (tools.awsProviderSource === 'mirror') return undefined;
  return join(dirname(tools.cliConfig), slot === 0 ? 'terraform-plugin-cache' : `terraform-plugin-cache-${slot}`);
}

/** moto exited before it answered: most often its port was taken by another process meanwhile. */
class PortLost extends Error {}

/** moto's server, bound to 127.0.0.1, with our PrivateLink extension loaded. */
export class Emulator {
  private constructor(
    private readonly tools: Tools,
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly logDir: string,
    private readonly pluginCache: string | undefined,
  ) {}

  /** Starts moto on a port of its own; a port taken by another process in between is retried. */
  static async start(tools: Tools, options: EmulatorOptions): Promise<Emulator> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await Emulator.startOnce(tools, options);
      } catch (error) {
        if (!(error instanceof PortLost) || attempt === 3) throw error;
      }
    }
  }

  private static async startOnce(tools: Tools, options: EmulatorOptions): Promise<Emulator> {
    mkdirSync(options.logDir, { recursive: true });
    const pluginCache = pluginCacheFor(tools, options.slot ?? 0);
    if (pluginCache) mkdirSync(pluginCache, { recursive: true });
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
    const emulator = new Emulator(tools, child, `http://127.0.0.1:${port}`, options.logDir, pluginCache);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new PortLost(`the emulator on port ${port} exited with ${child.exitCode} at start`);
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
    delete inherited.TF_PLUGIN_CACHE_DIR;
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
      ...(this.pluginCache ? { TF_PLUGIN_CACHE_DIR: this.pluginCache } : {}),
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
