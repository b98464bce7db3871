// Preloaded with `node --require` (NODE_OPTIONS) by the fork check: code outside the fork's folder
// that asks for `cdktf`, `constructs` or `@cdktf/provider-aws` gets the fork's copy, as it would in
// an app whose own node_modules held the fork. The fork's folder links `cdktf` to `cdktn`, so the
// app, its stacks and the provider bindings share ONE core: a second copy makes `instanceof` false
// and splits the token registry. At exit it fails the process if a module of the repository's own
// cdktf, constructs or provider bindings was loaded all the same.
const Module = require('node:module');
const { join, sep } = require('node:path');

const fork = process.env.KAFKA_PRIVATELINK_FORK;
if (!fork) {
  process.stderr.write('fork-check: KAFKA_PRIVATELINK_FORK is not set; it names the folder that tools/fork-check/install-fork.sh printed\n');
  process.exit(2);
}
const forkModules = join(fork, 'node_modules') + sep;
const REDIRECTED = /^(cdktf|constructs|@cdktf\/provider-aws)(\/|$)/;
const CORE_FILE = /[\\/]node_modules[\\/](cdktf|cdktn|constructs|@cdktf[\\/]provider-aws|@cdktn[\\/]provider-aws)[\\/]/;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function redirect(request, parent, isMain, options) {
  if (REDIRECTED.test(request) && !(parent?.filename ?? '').startsWith(forkModules)) {
    return resolveFilename.call(this, request, parent, isMain, { ...options, paths: [fork] });
  }
  return resolveFilename.call(this, request, parent, isMain, options);
};

process.on('exit', () => {
  const strays = Object.keys(require.cache).filter((file) => CORE_FILE.test(file) && !file.startsWith(forkModules));
  if (strays.length > 0) {
    process.stderr.write(`fork-check: ${strays.length} modules of the repository's own cdktf were loaded beside the fork, e.g. ${strays[0]}\n`);
    process.exitCode = 1;
  }
});
