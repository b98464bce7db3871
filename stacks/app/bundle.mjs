// @ts-check
// Bundles a cdktf app (TypeScript, with everything it imports, cdktf and the provider bindings
// too) into one CommonJS file that plain `node` runs. Each synth then pays neither the TypeScript
// transpile nor the resolution of cdktf's hundreds of modules. `app:bundle` (cached by Nx) makes
// the app's bundle that every synth target runs; the bench bundles cdktf's floor the same way.
//
// usage: node stacks/app/bundle.mjs [<entry.ts> <outfile.cjs>]
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APP_ENTRY = 'stacks/app/src/main.ts';
export const APP_BUNDLE = '.gen/app/main.cjs';

/**
 * Sources that find files from where they live (`__dirname`, e.g. the repository root) keep doing
 * so: their `__dirname` becomes the path from the bundle's folder to the source's folder. Relative,
 * so that a bundle Nx restores from its cache into another checkout still finds that checkout.
 * @param {string} outfile
 * @returns {import('esbuild').Plugin}
 */
const sourceDirnames = (outfile) => ({
  name: 'source-dirnames',
  setup(bundle) {
    // The repository's own sources, TypeScript or compiled; installed packages stay as they are.
    bundle.onLoad({ filter: /\.[cm]?[jt]s$/ }, async ({ path }) => {
      if (path.split(sep).includes('node_modules')) return undefined;
      const source = await readFile(path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
      const fromBundle = (target) => `require('node:path').join(__dirname, ${JSON.stringify(relative(dirname(outfile), target))})`;
      const contents =
        `const __source_dirname = ${fromBundle(dirname(path))};\nconst __source_filename = ${fromBundle(path)};\n` +
        source.replace(/\b__dirname\b/g, '__source_dirname').replace(/\b__filename\b/g, '__source_filename');
      return { contents, loader: /\.[cm]?ts$/.test(path) ? 'ts' : 'js' };
    });
  },
});

/**
 * @param {string} entry
 * @param {string} outfile
 */
export async function bundleApp(entry, outfile) {
  const out = resolve(ROOT, outfile);
  await build({
    entryPoints: [resolve(ROOT, entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    plugins: [sourceDirnames(out)],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry = APP_ENTRY, outfile = APP_BUNDLE] = process.argv.slice(2);
  await bundleApp(entry, outfile);
}
