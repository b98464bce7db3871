import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

/** The construct packages and every workspace package they depend on, as `npm pack` packs them: their build output. */
const PACKED = ['packages/cluster-spec', 'packages/port-allocation', 'packages/plan', 'stacks/plumbing', 'stacks/provider', 'stacks/consumer'];
const ROOT_VERSIONS: Record<string, string> = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies;

function run(command: string, args: readonly string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('the constructs from outside the workspace', () => {
  it('install from their tarballs into a fresh cdktf app, which synthesizes its own stack with two provider constructs in it', () => {
    // GIVEN the packed tarballs (the build target made each package's dist/) and a fresh app outside the workspace
    const root = mkdtempSync(join(tmpdir(), 'kpl-team-app-'));
    expect(relative(REPO_ROOT, root).startsWith('..')).toBe(true);
    const tarballs = join(root, 'tarballs');
    mkdirSync(tarballs);
    const files = PACKED.map((pkg) => {
      expect(existsSync(join(REPO_ROOT, pkg, 'dist', 'index.js'))).toBe(true);
      return run('npm', ['pack', join(REPO_ROOT, pkg, 'dist'), '--pack-destination', tarballs, '--silent'], root).trim().split('\n').pop()!;
    });
    const app = join(root, 'app');
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'streaming-platform',
        private: true,
        dependencies: {
          cdktf: ROOT_VERSIONS.cdktf,
          constructs: ROOT_VERSIONS.constructs,
          '@cdktf/provider-aws': ROOT_VERSIONS['@cdktf/provider-aws'],
          ...Object.fromEntries(PACKED.map((pkg, i) => [`@kafka-privatelink/${pkg.split('/')[1]}`, `file:../tarballs/${files[i]}`])),
        },
      }),
    );
    copyFileSync(join(__dirname, 'team-app', 'main.js'), join(app, 'main.js'));

    // WHEN it installs them and runs its app with plain node
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
    run(process.execPath, ['main.js'], app);

    // THEN the stack holds the team's own provider, backend and bucket beside both clusters' listeners,
    // the first cluster's at the addresses of a construct alone in its stack, the second's behind its prefix
    const stack = JSON.parse(readFileSync(join(app, 'cdktf.out', 'stacks', 'streaming', 'cdk.tf.json'), 'utf8'));
    const listeners = Object.fromEntries(Object.entries<any>(stack.resource.aws_lb_listener).map(([address, l]) => [address, [l.port, l.load_balancer_arn]]));
    expect(listeners).toEqual({
      bootstrap_s0: [10000, '${aws_lb.nlb_s0.arn}'],
      broker_1: [10001, '${aws_lb.nlb_s0.arn}'],
      broker_2: [10002, '${aws_lb.nlb_s0.arn}'],
      payments_bootstrap_s0: [10000, '${aws_lb.payments_nlb_s0.arn}'],
      payments_broker_1: [10001, '${aws_lb.payments_nlb_s0.arn}'],
    });
    expect(stack.resource.aws_s3_bucket).toEqual({ 'audit-logs': expect.objectContaining({ bucket: 'streaming-audit-logs' }) });
    expect(stack.resource.aws_vpc_endpoint_service.endpoint_service_s0).toMatchObject({ allowed_principals: ['arn:aws:iam::444455556666:root'] });
    expect(stack.resource.aws_vpc_endpoint_service.payments_endpoint_service_s0).toMatchObject({ network_load_balancer_arns: ['${aws_lb.payments_nlb_s0.arn}'] });
    expect(stack.provider.aws).toEqual([expect.objectContaining({ region: 'us-east-1', allowed_account_ids: ['111122223333'] })]);
    expect(stack.terraform.backend.s3).toMatchObject({ bucket: 'streaming-terraform-state' });
    expect(Object.values<any>(stack.output).map((o) => o.value)).toEqual([
      '${aws_vpc_endpoint_service.endpoint_service_s0.service_name}',
      '${aws_vpc_endpoint_service.payments_endpoint_service_s0.service_name}',
    ]);
    // and the packages ran as JavaScript, with no TypeScript installed, and offer no way into their files
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    const deep = spawnSync(process.execPath, ['-e', "require('@kafka-privatelink/provider/kafka-privatelink-provider')"], { cwd: app, encoding: 'utf8' });
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  }, 600_000);
});
