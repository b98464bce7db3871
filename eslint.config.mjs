import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layering: core (cluster-spec, port-allocation, plan, emitters) ← plumbing ← the stack packages
// (provider, consumer) ← the app. A package is used only through its entry point, never through
// its files. ESLint replaces a rule's options per file rather than merging them, so every layer's
// rule repeats the restrictions that hold everywhere.
const EVERYWHERE = {
  patterns: [{ group: ['@kafka-privatelink/*/*'], message: 'Import the package itself: its index.ts is its public surface.' }],
  paths: [{ name: '@cdktf/provider-aws', message: 'Deep-import the resource (@cdktf/provider-aws/lib/<resource>): the root costs seconds and a gigabyte per process.' }],
};
const forbid = (message, ...groups) => ({
  'no-restricted-imports': ['error', { paths: EVERYWHERE.paths, patterns: [...EVERYWHERE.patterns, ...groups.map((group) => ({ group, message }))] }],
});
const CDKTF = ['cdktf', 'cdktf/*', 'constructs', '@cdktf/*'];
const stack = (name) => `@kafka-privatelink/${name}`;

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/cdktf.out/**', '**/dist/**', '**/.gen/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', EVERYWHERE],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    rules: forbid(
      'The core is pure: no cdktf, constructs or provider bindings, and nothing from the stacks or the app.',
      CDKTF,
      ['plumbing', 'provider', 'consumer', 'app'].map(stack),
    ),
  },
  {
    files: ['stacks/plumbing/src/**/*.ts'],
    rules: forbid('The plumbing serves the stacks; it never imports them.', ['provider', 'consumer', 'app'].map(stack)),
  },
  {
    files: ['stacks/provider/src/**/*.ts'],
    rules: forbid('A stack package uses the core and the plumbing, never another stack package or the app.', ['consumer', 'app'].map(stack)),
  },
  {
    files: ['stacks/consumer/src/**/*.ts'],
    rules: forbid('A stack package uses the core and the plumbing, never another stack package or the app.', ['provider', 'app'].map(stack)),
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: { process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
