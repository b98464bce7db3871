import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { startLocalRegistry, type LocalRegistry } from './local-registry';

/** The construct packages and every workspace package they depend on, as `npm pack` packs them: their build output. */
const PACKED = ['packages/cluster-spec', 'packages/port-allocation', 'packages/plan', 'stacks/plumbing', 'stacks/provider', 'stacks/consumer'];
const SCOPE = '@kafka-privatelink/';
const ROOT_VERSIONS: Record<string, string> = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).devDependencies;
const TEAM_APP = join(__dirname, 'team-app');
/** The registry URL of the documented `.npmrc`, which a team replaces with its own registry's. */
const DOCUMENTED_REGISTRY = 'https://npm.corp.example/';
const CHECK_LOCKFILE = join(REPO_ROOT, 'tools', 'build', 'check-lockfile.mjs');
const INSTALL = ['install', '--no-audit', '--no-fund', '--loglevel=http'];

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// npm run and npx hand their own settings down as npm_config_* variables, which would outrank the app's
// .npmrc: the installs run with the environment of a team's shell instead.
const SHELL_ENV = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name))), npm_config_update_notifier: 'false' };

// Asynchronous, unlike spawnSync: the registry these installs ask answers from this very process.
function spawnAsync(command: string, args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: SHELL_ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await spawnAsync(command, args, cwd);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The packages npm fetched (or looked up) over HTTP, as its `--loglevel=http` lines name them, each with the URL it asked. */
function fetchesOfTheScope(npmLog: string): string[] {
  return [...npmLog.matchAll(/^npm http fetch \w+ \d+ (\S+)/gm)].map((m) => decodeURIComponent(m[1])).filter((url) => url.includes(SCOPE));
}

describe('the constructs from outside the workspace', () => {
  let root: string;
  let tarballs: string;
  /** Each package's tarball file name, by package name (`@kafka-privatelink/plumbing`). */
  const tarball: Record<string, string> = {};
  let registry: LocalRegistry;

  beforeAll(async () => {
    // GIVEN the packed tarballs (the build target made each package's dist/), outside the workspace
    root = mkdtempSync(join(tmpdir(), 'kpl-team-app-'));
    expect(relative(REPO_ROOT, root).startsWith('..')).toBe(true);
    tarballs = join(root, 'tarballs');
    mkdirSync(tarballs);
    for (const pkg of PACKED) {
      expect(existsSync(join(REPO_ROOT, pkg, 'dist', 'index.js'))).toBe(true);
      const file = (await run('npm', ['pack', join(REPO_ROOT, pkg, 'dist'), '--pack-destination', tarballs, '--silent'], root)).trim().split('\n').pop()!;
      tarball[`${SCOPE}${pkg.split('/')[1]}`] = file;
    }
    registry = await startLocalRegistry();
  }, 120_000);

  afterAll(async () => {
    await registry?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  beforeEach(() => registry.requests.splice(0));

  /** A fresh team app with the documented `.npmrc`, its scope pinned to the local registry, and the given dependencies of the scope. */
  function teamApp(name: string, scoped: Record<string, string>): string {
    const app = join(root, name);
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'streaming-platform',
        private: true,
        dependencies: { cdktf: ROOT_VERSIONS.cdktf, constructs: ROOT_VERSIONS.constructs, '@cdktf/provider-aws': ROOT_VERSIONS['@cdktf/provider-aws'], ...scoped },
      }),
    );
    const npmrc = readFileSync(join(TEAM_APP, '.npmrc'), 'utf8');
    expect(npmrc).toContain(`@kafka-privatelink:registry=${DOCUMENTED_REGISTRY}\n`);
    writeFileSync(join(app, '.npmrc'), npmrc.replace(DOCUMENTED_REGISTRY, registry.url));
    copyFileSync(join(TEAM_APP, 'main.js'), join(app, 'main.js'));
    return app;
  }

  const everyTarball = () => Object.fromEntries(Object.entries(tarball).map(([name, file]) => [name, `file:../tarballs/${file}`]));

  /** The app's lockfile entries of the scope: where each package of it was resolved from. */
  function scopedResolutions(app: string): Record<string, string> {
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
    return Object.fromEntries(Object.entries<{ resolved: string }>(lock.packages).filter(([key]) => key.includes(`node_modules/${SCOPE}`)).map(([key, entry]) => [key, entry.resolved]));
  }

  function expectTheTeamStack(app: string) {
    const stack = JSON.parse(readFileSync(join(app, 'cdktf.out', 'stacks', 'streaming', 'cdk.tf.json'), 'utf8'));
    const listeners = Object.fromEntries(Object.entries<any>(stack.resource.aws_lb_listener).map(([address, l]) => [address, [l.port, l.load_balancer_arn]]));
    expect(listeners).toEqual({
      bootstrap_s0: [10000, '${aws_lb.nlb_s0.arn}'],
      broker_1: [10001, '${aws_lb.nlb_s0.arn}'],
      broker_2: [10002, '${aws_lb.nlb_s0.arn}'],
      payments_bootstrap_s0: [10000, '${aws_lb.payments_nlb_s0.arn}'],
      payments_broker_1: [10001, '${aws_lb.payments_nlb_s0.arn}'],
    });
    return stack;
  }

  it('install from their tarballs into a fresh cdktf app, which synthesizes its own stack with two provider constructs in it', async () => {
    // GIVEN a fresh app outside the workspace: every tarball a file: dependency, the documented .npmrc
    const app = teamApp('app', everyTarball());

    // WHEN it installs them offline, as documented, and runs its app with plain node
    await run('npm', [...INSTALL, '--offline'], app);
    await run(process.execPath, ['main.js'], app);

    // THEN the stack holds the team's own provider, backend and bucket beside both clusters' listeners,
    // the first cluster's at the addresses of a construct alone in its stack, the second's behind its prefix
    const stack = expectTheTeamStack(app);
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
    // and cdktf, constructs and the AWS bindings stay the app's: peer dependencies, installed once, at its top
    expect(JSON.parse(readFileSync(join(app, 'node_modules', '@kafka-privatelink', 'provider', 'package.json'), 'utf8')).peerDependencies).toEqual(
      JSON.parse(readFileSync(join(REPO_ROOT, 'stacks', 'provider', 'package.json'), 'utf8')).peerDependencies,
    );
    expect(Object.keys(JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')).packages).filter((key) => /(^|\/)node_modules\/cdktf$/.test(key))).toEqual(['node_modules/cdktf']);
    const deep = spawnSync(process.execPath, ['-e', "require('@kafka-privatelink/provider/kafka-privatelink-provider')"], { cwd: app, encoding: 'utf8' });
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // and nothing of the scope was asked of any registry; the lockfile resolves each of its packages to its tarball
    expect(registry.requests).toEqual([]);
    expect(scopedResolutions(app)).toEqual(Object.fromEntries(Object.entries(tarball).map(([name, file]) => [`node_modules/${name}`, `file:../tarballs/${file}`])));
    expect(await run(process.execPath, [CHECK_LOCKFILE, 'package-lock.json'], app)).toBe(
      'check-lockfile: 6 @kafka-privatelink/* packages in package-lock.json, each from a file: tarball\n',
    );
    // and CI's `npm ci` from that lockfile installs the same, offline too, asking no registry
    await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
    expect(existsSync(join(app, 'node_modules', '@kafka-privatelink', 'plumbing', 'index.js'))).toBe(true);
    expect(registry.requests).toEqual([]);
  }, 600_000);

  it('GIVEN every tarball as a dependency WHEN npm installs online THEN it asks about names of the scope, of the pinned registry only', async () => {
    // GIVEN the documented app with every tarball
    const app = teamApp('app-online', everyTarball());

    // WHEN it installs without --offline
    const { stderr } = await spawnAsync('npm', INSTALL, app).then((r) => (r.status === 0 ? r : Promise.reject(new Error(r.stderr))));

    // THEN npm looked up the names that the packages depend on by version, though every one is a file:
    // dependency of the app: without the pin, each install would send them to the default registry
    const asked = fetchesOfTheScope(stderr);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((url) => Object.keys(tarball).some((name) => url === `${registry.url}${name}`))).toBe(true);
    expect(registry.requests.length).toBe(asked.length);
    // and the lockfile still takes each package from its tarball
    expect(Object.values(scopedResolutions(app)).every((resolved) => resolved.startsWith('file:../tarballs/'))).toBe(true);
  }, 600_000);

  it('refuses to install when a tarball is missing from the dependencies, naming the package, having asked the pinned registry only', async () => {
    // GIVEN the documented app whose dependencies leave out plumbing, which provider and consumer depend on
    const app = teamApp('app-missing', Object.fromEntries(Object.entries(everyTarball()).filter(([name]) => name !== `${SCOPE}plumbing`)));

    // WHEN it installs
    const result = await spawnAsync('npm', [...INSTALL, '--prefer-offline'], app);

    // THEN npm fails, naming the missing package and the pinned registry that has no such package
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(new RegExp(`npm error 404 Not Found - GET ${registry.url}@kafka-privatelink%2fplumbing`));
    expect(result.stderr).toContain("'@kafka-privatelink/plumbing@0.1.0'");
    // and the request for it reached the pinned registry; no request of the scope went anywhere else
    expect(registry.requests).toContainEqual({ method: 'GET', path: `/${SCOPE}plumbing` });
    const asked = fetchesOfTheScope(result.stderr);
    expect(asked).toContain(`${registry.url}${SCOPE}plumbing`);
    expect(asked.every((url) => url.startsWith(`${registry.url}${SCOPE}`))).toBe(true);
    // and nothing was installed under that name
    expect(existsSync(join(app, 'node_modules', '@kafka-privatelink', 'plumbing'))).toBe(false);
    expect(existsSync(join(app, 'package-lock.json'))).toBe(false);
  }, 600_000);

  it('GIVEN an app without the pin WHEN a tarball is missing from its dependencies THEN npm turns to the default registry for it', async () => {
    // GIVEN an app as the install was first documented: the tarballs as file: dependencies, plumbing left out, no .npmrc
    const app = teamApp('app-unpinned', Object.fromEntries(Object.entries(everyTarball()).filter(([name]) => name !== `${SCOPE}plumbing`)));
    rmSync(join(app, '.npmrc'));
    const defaultRegistry = (await run('npm', ['config', 'get', 'registry'], app)).trim();

    // WHEN it installs offline, so that the request npm means to make stays on this machine
    const result = await spawnAsync('npm', [...INSTALL, '--offline'], app);

    // THEN npm would have asked the default registry for the missing package, the trap the pin closes
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`npm error request to ${defaultRegistry.replace(/\/?$/, '/')}@kafka-privatelink%2fplumbing failed`);
    expect(registry.requests).toEqual([]);
  }, 600_000);

  it('install from the private registry the tarballs were published to, with only the construct in the dependencies', async () => {
    // GIVEN the six tarballs published to the team's registry
    const publisher = join(root, 'publisher');
    mkdirSync(publisher);
    const host = registry.url.slice('http:'.length);
    writeFileSync(join(publisher, '.npmrc'), `@kafka-privatelink:registry=${registry.url}\n${host}:_authToken=local-test-token\n`);
    for (const file of Object.values(tarball)) await run('npm', ['publish', join('..', 'tarballs', file), '--loglevel=error'], publisher);
    // and the documented app, which names only the construct it uses, by version
    const app = teamApp('app-registry', { [`${SCOPE}provider`]: JSON.parse(readFileSync(join(REPO_ROOT, 'stacks/provider/package.json'), 'utf8')).version });
    registry.requests.splice(0);

    // WHEN it installs and runs its app
    const { stderr } = await spawnAsync('npm', [...INSTALL, '--prefer-offline'], app).then((r) => (r.status === 0 ? r : Promise.reject(new Error(r.stderr))));
    await run(process.execPath, ['main.js'], app);

    // THEN the provider and what it depends on came from that registry, and nothing of the scope from anywhere else
    expectTheTeamStack(app);
    expect(fetchesOfTheScope(stderr).every((url) => url.startsWith(`${registry.url}${SCOPE}`))).toBe(true);
    const resolutions = scopedResolutions(app);
    expect(Object.keys(resolutions).sort()).toEqual(['cluster-spec', 'plan', 'plumbing', 'port-allocation', 'provider'].map((n) => `node_modules/${SCOPE}${n}`));
    expect(Object.values(resolutions).every((resolved) => resolved.startsWith(`${registry.url}${SCOPE}`))).toBe(true);
    // and check-lockfile passes it for that registry, and refuses it without
    expect(await run(process.execPath, [CHECK_LOCKFILE, 'package-lock.json', '--registry', registry.url], app)).toContain('5 @kafka-privatelink/* packages');
    const unpinned = await spawnAsync(process.execPath, [CHECK_LOCKFILE, 'package-lock.json'], app);
    expect(unpinned.status).toBe(1);
    expect(unpinned.stderr).toContain(`check-lockfile: node_modules/${SCOPE}plumbing is resolved from ${registry.url}${SCOPE}plumbing/-/${SCOPE}plumbing-0.1.0.tgz; allowed: a file: tarball\n`);
  }, 600_000);

  it('documents, in the README, the very .npmrc these installs use', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`ini\n${readFileSync(join(TEAM_APP, '.npmrc'), 'utf8')}\`\`\`\n`);
  });
});
