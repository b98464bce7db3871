// Checks a team app's package-lock.json: every @kafka-privatelink package in it must come from a
// `file:` tarball or from the registry given with --registry (the one the app's .npmrc pins the scope
// to). The scope is not registered on the public registry, so a package of it resolved from anywhere
// else is someone else's package. Usage:
//   node check-lockfile.mjs <package-lock.json> [--registry <url>]
// Exits 0 with one line saying what it checked; otherwise 1 with one line per problem.
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';

const SCOPE = '@kafka-privatelink/';
const USAGE = 'usage: node check-lockfile.mjs <package-lock.json> [--registry <url>]';

function fail(lines) {
  for (const line of lines) process.stderr.write(`check-lockfile: ${line}\n`);
  process.exit(1);
}

function parseArgs(args) {
  let lockfile;
  let registry;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--registry') {
      if (i + 1 >= args.length) fail([`--registry needs a URL; ${USAGE}`]);
      registry = args[++i];
    } else if (args[i].startsWith('-') || lockfile !== undefined) {
      fail([`unexpected argument "${args[i]}"; ${USAGE}`]);
    } else {
      lockfile = args[i];
    }
  }
  if (lockfile === undefined) fail([`no lockfile given; ${USAGE}`]);
  return { lockfile, registry: registry === undefined ? undefined : registryPrefix(registry) };
}

// With a trailing slash, so that a host that merely begins like the registry's does not pass.
function registryPrefix(registry) {
  let url;
  try {
    url = new URL(registry);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['http:', 'https:'].includes(url.protocol)) fail([`--registry must be an http or https URL, got "${registry}"`]);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function readLockfile(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail([`cannot read the lockfile "${path}": ${error.code ?? error.message}`]);
  }
  let lock;
  try {
    lock = JSON.parse(text);
  } catch {
    fail([`"${path}" is not JSON; give the app's package-lock.json`]);
  }
  // lockfileVersion 1 (npm 6) has no "packages" map: it does not record where nested packages came from.
  if (typeof lock?.packages !== 'object' || lock.packages === null) {
    fail([`"${path}" has lockfileVersion ${JSON.stringify(lock?.lockfileVersion)}, without "packages"; allowed: 2 or 3 (npm 7 or later)`]);
  }
  return lock.packages;
}

const { lockfile, registry } = parseArgs(process.argv.slice(2));
const allowed = registry === undefined ? 'a file: tarball' : `a file: tarball or ${registry}`;
const scoped = Object.entries(readLockfile(lockfile)).filter(([key, entry]) => {
  // Keys are install paths (node_modules/a/node_modules/@kafka-privatelink/plan); an alias keeps the real name in "name".
  const installedAs = key.split('node_modules/').pop();
  return key.includes('node_modules/') && (installedAs.startsWith(SCOPE) || String(entry.name ?? '').startsWith(SCOPE));
});
if (scoped.length === 0) fail([`"${lockfile}" holds no ${SCOPE}* package: is it the lockfile of the app that installs the constructs?`]);

const problems = scoped.flatMap(([key, entry]) => {
  const resolved = entry.resolved;
  if (typeof resolved === 'string' && (resolved.startsWith('file:') || (registry !== undefined && resolved.startsWith(registry)))) return [];
  // npm leaves "resolved" out of the lockfile with omit-lockfile-registry-resolved=true; then where the
  // package came from is not written down, and the next install takes it from whatever the scope points to.
  const from = typeof resolved === 'string' ? `${entry.link ? 'a link to ' : ''}${resolved}` : 'nowhere recorded (no "resolved"; set omit-lockfile-registry-resolved=false)';
  return [`${key} is resolved from ${from}; allowed: ${allowed}`];
});
if (problems.length > 0) fail(problems);
process.stdout.write(`check-lockfile: ${scoped.length} ${SCOPE}* packages in ${lockfile}, each from ${allowed}\n`);
