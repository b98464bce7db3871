// Writes dist/package.json for the package in the current folder, after `tsc` has compiled its
// sources into dist/: the manifest of the tarball `npm pack dist` makes. In the workspace a package's
// `main` is its TypeScript entry (tests and the app run from source); the tarball points at the
// JavaScript and its declarations instead, through an `exports` map, so it works without TypeScript
// and without reaching into the package's files. Workspace dependencies ("*") become the version
// of the package they name, which the tarballs installed beside it satisfy.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORKSPACE_FOLDERS = { '@kafka-privatelink/': ['packages', 'stacks', 'tools'] };
const source = JSON.parse(readFileSync('package.json', 'utf8'));

function workspaceVersion(name) {
  for (const folder of WORKSPACE_FOLDERS['@kafka-privatelink/']) {
    try {
      return JSON.parse(readFileSync(join('..', '..', folder, name.slice('@kafka-privatelink/'.length), 'package.json'), 'utf8')).version;
    } catch {
      // not in this folder
    }
  }
  throw new Error(`dist-package: ${source.name} depends on ${name}, which is no package of this workspace`);
}

const dependencies = Object.fromEntries(
  Object.entries(source.dependencies ?? {}).map(([name, range]) => [name, range === '*' ? workspaceVersion(name) : range]),
);
const manifest = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: JSON.parse(readFileSync(join('..', '..', 'package.json'), 'utf8')).license,
  main: 'index.js',
  types: 'index.d.ts',
  exports: { '.': { types: './index.d.ts', default: './index.js' } },
  dependencies,
  ...(source.peerDependencies ? { peerDependencies: source.peerDependencies } : {}),
};
writeFileSync(join('dist', 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
