import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { EXAMPLE_SPEC_PATH, REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { runApp, tree } from './run-app';
import { BROKER_401, scratch } from './scratch-spec';

describe('synth through the real cdktf CLI', () => {
  it('synthesizes the provider and every consumer stack of the example into the chosen folder', () => {
    const { spec, out } = scratch();
    const result = spawnSync('npx', ['cdktf', 'synth', '--output', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKA_PRIVATELINK_SPEC: spec, CI: 'true', CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks)).toEqual(expect.arrayContaining(['provider', 'consumer-kios']));
    for (const stack of Object.values<{ synthesizedStackPath: string }>(manifest.stacks)) {
      expect(existsSync(join(out, stack.synthesizedStackPath))).toBe(true);
    }
  }, 120_000);
});

describe('synth through the real cdktf CLI, after terraform init', () => {
  const cdktfSynth = (spec: string, out: string) =>
    spawnSync('npx', ['cdktf', 'synth', '--output', out], {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKA_PRIVATELINK_SPEC: spec, CI: 'true', CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
  // What `terraform init` leaves in a stack folder: plugins and the provider lock file teams commit.
  const LOCK_HCL = '# This file is maintained automatically by "terraform init".\nprovider "registry.terraform.io/hashicorp/aws" {\n  version = "6.25.0"\n}\n';
  const initialized = ['provider', 'consumer-kios'].flatMap((stack) => [
    join('stacks', stack, '.terraform.lock.hcl'),
    join('stacks', stack, '.terraform', 'providers', 'registry.terraform.io', 'hashicorp', 'aws', 'terraform-provider-aws'),
  ]);

  it('keeps every stack\'s .terraform/ and .terraform.lock.hcl across a re-synth that changes the stacks', () => {
    const { spec, out } = scratch();
    expect(cdktfSynth(spec, out).status).toBe(0);
    for (const file of initialized) {
      mkdirSync(dirname(join(out, file)), { recursive: true });
      writeFileSync(join(out, file), LOCK_HCL);
    }
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));

    const result = cdktfSynth(spec, out);

    expect(result.status).toBe(0);
    // a normal line, so cdktf must not label it [ERROR] as it does every line of an app's stderr
    const allocation = (result.stdout + result.stderr).split('\n').filter((line) => line.includes('ports: broker 401: allocated port 10004 on shard 0'));
    expect(allocation).toEqual(['kafka-privatelink: ports: broker 401: allocated port 10004 on shard 0']);
    expect(readFileSync(join(out, 'stacks', 'provider', 'cdk.tf.json'), 'utf8')).toContain('"port": 10004');
    for (const file of initialized) expect(readFileSync(join(out, file), 'utf8')).toBe(LOCK_HCL);
    expect(readdirSync(dirname(out)).sort()).toEqual(['coban.ports-lock.json', 'coban.yaml', 'out']);
  }, 120_000);

  it('fails on a bad spec without touching the Terraform files or the stacks', () => {
    const { spec, out } = scratch();
    expect(cdktfSynth(spec, out).status).toBe(0);
    for (const file of initialized) {
      mkdirSync(dirname(join(out, file)), { recursive: true });
      writeFileSync(join(out, file), LOCK_HCL);
    }
    const before = tree(out);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('id: 201', 'id: 101'));

    expect(cdktfSynth(spec, out).status).not.toBe(0);

    expect(tree(out)).toEqual(before);
  }, 120_000);

  it('drops the Terraform files of a stack the spec no longer has, with its folder, as plain cdktf does', () => {
    const { spec, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    writeFileSync(join(out, 'stacks', 'consumer-kios', '.terraform.lock.hcl'), LOCK_HCL);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('- name: kios', '- name: kiosk'));

    expect(runApp(spec, out).status).toBe(0);

    expect(existsSync(join(out, 'stacks', 'consumer-kios'))).toBe(false);
    expect(existsSync(join(out, 'stacks', 'consumer-kiosk', '.terraform.lock.hcl'))).toBe(false);
  }, 60_000);

  it('drops the folder of a stack the spec no longer has under cdktf\'s CLI too, which removes such folders itself and fails when they are gone', () => {
    // GIVEN an output that cdktf synth wrote, and a renamed consumer
    const { spec, out } = scratch();
    expect(cdktfSynth(spec, out).status).toBe(0);
    writeFileSync(join(out, 'stacks', 'consumer-kios', '.terraform.lock.hcl'), LOCK_HCL);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('- name: kios', '- name: kiosk'));

    // WHEN cdktf synth runs again
    const result = cdktfSynth(spec, out);

    // THEN it succeeds, and the old stack's folder is gone with its Terraform files
    expect(result.stderr).not.toContain('ENOENT');
    expect(result.status).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['acceptance', 'consumer-kiosk', 'provider']);
  }, 120_000);
});

describe('synth', () => {
  it('is byte-identical when repeated', () => {
    const { spec, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    const first = tree(out);
    expect(runApp(spec, out).status).toBe(0);
    expect(tree(out)).toEqual(first);
  }, 60_000);

  it('writes the same bytes with and without the synth speed-ups', () => {
    const { spec, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    const fast = tree(out);
    const slow = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', `require('./stacks/app/src/synthesize').synthesize({ specPath: ${JSON.stringify(spec)}, outdir: ${JSON.stringify(out)} })`],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(slow.status).toBe(0);
    expect(tree(out)).toEqual(fast);
  }, 60_000);

  it('writes the same bytes under any locale and time zone', () => {
    const { spec, out } = scratch();
    // Estonian sorts "z" between "s" and "t"; a locale-aware sort would reorder these consumers.
    const consumer = (name: string, n: number) =>
      `  - name: ${name}\n    account: "22222222222${n}"\n    vpcId: vpc-0b1b2c3d4e5f6000${n}\n    subnets:\n` +
      ['1', '2', '3'].map((az) => `      apse1-az${az}: subnet-0b1b2c3d4e5f6${n}01${az}\n`).join('') +
      `    allowedCidrs: [10.${30 + n}.0.0/16]\n`;
    writeFileSync(spec, `${readFileSync(spec, 'utf8')}${consumer('zeta', 3)}${consumer('tango', 4)}${consumer('sierra', 5)}`);
    const outputs = [
      { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', TZ: 'UTC' },
      { LANG: 'et_EE.UTF-8', LC_ALL: 'et_EE.UTF-8', TZ: 'Pacific/Kiritimati' },
    ].map((env, i) => {
      expect(runApp(spec, `${out}-${i}`, env).status).toBe(0);
      return tree(`${out}-${i}`);
    });
    expect(Object.keys(JSON.parse(outputs[0]['manifest.json']).stacks)).toEqual([
      'acceptance',
      'consumer-kios',
      'consumer-sierra',
      'consumer-tango',
      'consumer-zeta',
      'provider',
    ]);
    expect(outputs[1]).toEqual(outputs[0]);
  }, 60_000);

  it('allocates a port for an added broker, says so and updates the lockfile', () => {
    const { spec, lock, out } = scratch();
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));
    const result = runApp(spec, out);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('kafka-privatelink: ports: broker 401: allocated port 10004 on shard 0');
    expect(result.stdout).toContain(`kafka-privatelink: warning: ${relative(REPO_ROOT, spec)}:64:5 consumers[0].assumeRoleArn: consumer kios is in account 222222222222`);
    expect(readFileSync(lock, 'utf8')).toContain('"401": { "port": 10004, "shard": 0, "listener": "CLIENT" }');
  }, 60_000);

  it('fails in frozen mode when the lockfile would change, and writes nothing', () => {
    const { spec, lock, out } = scratch();
    const lockBefore = readFileSync(lock, 'utf8');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));
    const result = runApp(spec, out, { KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is out of date and the lockfile is frozen');
    expect(result.stderr).toContain('broker 401: allocated port 10004 on shard 0');
    expect(readFileSync(lock, 'utf8')).toBe(lockBefore);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('fails on a bad spec with every problem listed, exits non-zero, and leaves earlier output and lockfile untouched', () => {
    const { dir, spec, lock, out } = scratch();
    expect(runApp(spec, out).status).toBe(0);
    const before = tree(out);
    const lockBefore = readFileSync(lock, 'utf8');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('id: 201', 'id: 101').replace('10.20.0.0/16', '10.20.0.0/33'));
    const result = runApp(spec, out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${spec}: 2 problems in the cluster spec:`);
    expect(result.stderr).toContain('brokers[1].id: broker id 101 is already used by brokers[0]');
    expect(result.stderr).toContain('consumers[0].allowedCidrs[0]: must be an IPv4 CIDR block');
    expect(tree(out)).toEqual(before);
    expect(readFileSync(lock, 'utf8')).toBe(lockBefore);
    expect(readdirSync(dir).sort()).toEqual(['coban.ports-lock.json', 'coban.yaml', 'out']);
  }, 60_000);

  it('fails on a corrupted lockfile without repairing it', () => {
    const { spec, lock, out } = scratch();
    const merged = readFileSync(lock, 'utf8').replace('"port": 10002', '"port": 10001');
    writeFileSync(lock, merged);
    const result = runApp(spec, out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is not a valid port lockfile');
    expect(result.stderr).toContain('port 10001 is held 2 times (broker 101, broker 201)');
    expect(readFileSync(lock, 'utf8')).toBe(merged);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('fails when the spec file does not exist, naming the setting and the path in one line', () => {
    const { dir, out } = scratch();
    const result = runApp(join(dir, 'missing.yaml'), out);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`kafka-privatelink: KAFKA_PRIVATELINK_SPEC: ${join(dir, 'missing.yaml')} does not exist\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('fails with one line, no stack trace and nothing written when a path names a folder or a file of the wrong kind', () => {
    const { dir, spec, lock, out } = scratch();
    const lockBefore = readFileSync(lock, 'utf8');
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const cases: [string, string, string][] = [
      [dir, out, `KAFKA_PRIVATELINK_SPEC: ${dir} is a folder, not a file`],
      [spec, join(dir, 'a-file'), `CDKTF_OUTDIR (cdktf synth --output): ${join(dir, 'a-file')} is a file, not a folder`],
      [spec, join(dir, 'a-file', 'out'), `CDKTF_OUTDIR (cdktf synth --output): ${join(dir, 'a-file', 'out')} has a part that is a file, not a folder`],
    ];
    for (const [specPath, outPath, message] of cases) {
      const result = runApp(specPath, outPath);
      expect([result.status, result.stderr]).toEqual([1, `kafka-privatelink: ${message}\n`]);
    }
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('ports:\n', 'ports:\n  lockfile: .\n'));
    const result = runApp(spec, out);
    expect([result.status, result.stderr]).toEqual([1, `kafka-privatelink: ports.lockfile: ${dir} is a folder, not a file\n`]);
    expect(readFileSync(join(dir, 'a-file'), 'utf8')).toBe('not a folder');
    expect(readFileSync(lock, 'utf8')).toBe(lockBefore);
    expect(readdirSync(dir).sort()).toEqual(['a-file', 'coban.ports-lock.json', 'coban.yaml']);
  }, 60_000);

  it('fails when a yes/no setting has another value, listing the accepted ones, instead of treating it as no', () => {
    const { spec, lock, out } = scratch();
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));
    const lockBefore = readFileSync(lock, 'utf8');
    const result = runApp(spec, out, { KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'on' });
    expect([result.status, result.stderr]).toEqual([
      1,
      'kafka-privatelink: KAFKA_PRIVATELINK_FROZEN_LOCKFILE: "on" is not a yes/no value; accepted: 1, true, yes (on); 0, false, no or unset (off)\n',
    ]);
    expect(readFileSync(lock, 'utf8')).toBe(lockBefore);
  });

  it('keeps the local state of a spec in its own repository, wherever the product is installed', () => {
    // GIVEN a team's repository of its own, outside the one that holds the product's code
    const { dir, spec, out } = scratch();
    for (const args of [['init', '--quiet'], ['add', '-A'], ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'spec']]) {
      expect(spawnSync('git', args, { cwd: dir }).status).toBe(0);
    }
    // WHEN it synthesizes
    expect(runApp(spec, out).status).toBe(0);
    // THEN each stack's local state is under that repository's state directory
    for (const stack of ['provider', 'consumer-kios', 'acceptance']) {
      const json = JSON.parse(readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(join(out, 'stacks', stack, json.terraform.backend.local.path)).toBe(join(realpathSync(dir), 'terraform-state', 'coban', `${stack}.tfstate`));
    }
  });

  it('passes KAFKA_PRIVATELINK_BASE_REF to the frozen lockfile check, failing in one line on a ref the checkout lacks', () => {
    const out = mkdtempSync(join(tmpdir(), 'kpl-base-ref-'));
    const result = runApp(EXAMPLE_SPEC_PATH, out, { KAFKA_PRIVATELINK_FROZEN_LOCKFILE: 'true', KAFKA_PRIVATELINK_BASE_REF: 'no-such-ref' });
    expect([result.status, result.stderr]).toEqual([
      1,
      `kafka-privatelink: KAFKA_PRIVATELINK_BASE_REF: "no-such-ref" is not a commit of the repository at ${REPO_ROOT}; give the base branch, tag or commit as this checkout has it (fetch it, e.g. with fetch-depth 0)\n`,
    ]);
  });
});
