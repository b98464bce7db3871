import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

const CHECK_LOCKFILE = join(REPO_ROOT, 'tools', 'build', 'check-lockfile.mjs');
const PINNED = 'https://npm.corp.example/';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kpl-check-lockfile-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real script, with plain node, on `lockfile` (an object written as package-lock.json, or raw text). */
function check(lockfile: unknown, ...args: string[]) {
  const path = join(dir, 'package-lock.json');
  writeFileSync(path, typeof lockfile === 'string' ? lockfile : JSON.stringify(lockfile));
  const result = spawnSync(process.execPath, [CHECK_LOCKFILE, path, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout.replaceAll(path, 'package-lock.json'), stderr: result.stderr.replaceAll(path, 'package-lock.json') };
}

const lock = (packages: Record<string, object>) => ({ name: 'streaming-platform', lockfileVersion: 3, requires: true, packages: { '': { name: 'streaming-platform' }, ...packages } });
const tarball = (name: string) => ({ version: '0.1.0', resolved: `file:vendor/kafka-privatelink-${name}-0.1.0.tgz`, integrity: 'sha512-AAAA' });
const GOOD = lock({
  'node_modules/@kafka-privatelink/provider': tarball('provider'),
  'node_modules/@kafka-privatelink/plumbing': tarball('plumbing'),
  'node_modules/cdktf': { version: '0.21.0' },
});

describe('check-lockfile', () => {
  it('GIVEN a lockfile whose packages of the scope are file: tarballs WHEN checked THEN it passes, saying what it checked', () => {
    expect(check(GOOD)).toEqual({ status: 0, stdout: 'check-lockfile: 2 @kafka-privatelink/* packages in package-lock.json, each from a file: tarball\n', stderr: '' });
  });

  it('GIVEN packages of the scope from the pinned registry WHEN checked with that registry THEN it passes, with or without its trailing slash', () => {
    const fromRegistry = lock({ 'node_modules/@kafka-privatelink/plan': { version: '0.1.0', resolved: `${PINNED}@kafka-privatelink/plan/-/plan-0.1.0.tgz` } });
    expect(check(fromRegistry, '--registry', PINNED).status).toBe(0);
    expect(check(fromRegistry, '--registry', PINNED.slice(0, -1)).stdout).toBe(`check-lockfile: 1 @kafka-privatelink/* packages in package-lock.json, each from a file: tarball or ${PINNED}\n`);
  });

  it('fails when a package of the scope was resolved from another registry, naming it and where it came from', () => {
    const poisoned = lock({
      ...GOOD.packages,
      'node_modules/@kafka-privatelink/plumbing': { version: '9.9.9', resolved: 'https://elsewhere.example/@kafka-privatelink/plumbing/-/plumbing-9.9.9.tgz' },
    });
    expect(check(poisoned, '--registry', PINNED)).toEqual({
      status: 1,
      stdout: '',
      stderr: `check-lockfile: node_modules/@kafka-privatelink/plumbing is resolved from https://elsewhere.example/@kafka-privatelink/plumbing/-/plumbing-9.9.9.tgz; allowed: a file: tarball or ${PINNED}\n`,
    });
  });

  it('fails when a registry only begins like the pinned one', () => {
    const lookalike = lock({ 'node_modules/@kafka-privatelink/plan': { version: '0.1.0', resolved: 'https://npm.corp.example.net/@kafka-privatelink/plan/-/plan-0.1.0.tgz' } });
    expect(check(lookalike, '--registry', 'https://npm.corp.example').status).toBe(1);
  });

  it('fails for every package of the scope that came from elsewhere: nested ones and aliases too, one line each', () => {
    const elsewhere = { version: '0.1.0', resolved: 'https://elsewhere.example/x.tgz' };
    const { status, stderr } = check(
      lock({ 'node_modules/@kafka-privatelink/provider/node_modules/@kafka-privatelink/plan': elsewhere, 'node_modules/kpl-plan': { ...elsewhere, name: '@kafka-privatelink/plan' } }),
    );
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'check-lockfile: node_modules/@kafka-privatelink/provider/node_modules/@kafka-privatelink/plan is resolved from https://elsewhere.example/x.tgz; allowed: a file: tarball',
      'check-lockfile: node_modules/kpl-plan is resolved from https://elsewhere.example/x.tgz; allowed: a file: tarball',
    ]);
  });

  it('fails when the lockfile does not record where a package of the scope came from, or links it to a folder', () => {
    const { status, stderr } = check(
      lock({ 'node_modules/@kafka-privatelink/plan': { version: '0.1.0' }, 'node_modules/@kafka-privatelink/plumbing': { resolved: '../plumbing', link: true } }),
      '--registry',
      PINNED,
    );
    expect(status).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `check-lockfile: node_modules/@kafka-privatelink/plan is resolved from nowhere recorded (no "resolved"; set omit-lockfile-registry-resolved=false); allowed: a file: tarball or ${PINNED}`,
      `check-lockfile: node_modules/@kafka-privatelink/plumbing is resolved from a link to ../plumbing; allowed: a file: tarball or ${PINNED}`,
    ]);
  });

  it.each([
    ['a lockfile with no package of the scope', lock({ 'node_modules/cdktf': { version: '0.21.0' } }), [], '"package-lock.json" holds no @kafka-privatelink/* package: is it the lockfile of the app that installs the constructs?'],
    ['a lockfileVersion 1 lockfile', { lockfileVersion: 1, dependencies: {} }, [], '"package-lock.json" has lockfileVersion 1, without "packages"; allowed: 2 or 3 (npm 7 or later)'],
    ['a file that is not JSON', 'not json', [], '"package-lock.json" is not JSON; give the app\'s package-lock.json'],
    ['a registry that is no http URL', GOOD, ['--registry', 'npm.corp.example'], '--registry must be an http or https URL, got "npm.corp.example"'],
    ['a registry flag without its URL', GOOD, ['--registry'], '--registry needs a URL; usage: node check-lockfile.mjs <package-lock.json> [--registry <url>]'],
    ['a second lockfile', GOOD, ['other-lock.json'], 'unexpected argument "other-lock.json"; usage: node check-lockfile.mjs <package-lock.json> [--registry <url>]'],
  ])('refuses %s, in one line', (_what, lockfile, args, message) => {
    expect(check(lockfile, ...args)).toEqual({ status: 1, stdout: '', stderr: `check-lockfile: ${message}\n` });
  });

  it('refuses a lockfile that does not exist, and no lockfile at all, in one line', () => {
    const missing = spawnSync(process.execPath, [CHECK_LOCKFILE, join(dir, 'nowhere.json')], { encoding: 'utf8' });
    expect([missing.status, missing.stderr]).toEqual([1, `check-lockfile: cannot read the lockfile "${join(dir, 'nowhere.json')}": ENOENT\n`]);
    const none = spawnSync(process.execPath, [CHECK_LOCKFILE], { encoding: 'utf8' });
    expect([none.status, none.stderr]).toEqual([1, 'check-lockfile: no lockfile given; usage: node check-lockfile.mjs <package-lock.json> [--registry <url>]\n']);
  });
});
