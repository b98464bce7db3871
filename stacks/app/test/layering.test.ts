import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

/** The rule ids and messages the real eslint, with eslint.config.mjs, reports for `code` as the file at `path`. */
function lint(path: string, code: string): string[] {
  const eslint = join(REPO_ROOT, 'node_modules', '.bin', 'eslint');
  const result = spawnSync(eslint, ['--stdin', '--stdin-filename', path, '--format', 'json'], { cwd: REPO_ROOT, input: code, encoding: 'utf8' });
  if (result.error) throw result.error;
  const [file] = JSON.parse(result.stdout) as Array<{ messages: Array<{ ruleId: string; message: string }> }>;
  return file.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the layering lint rule', () => {
  it('fails when a core package imports cdktf, constructs or a stack package', () => {
    const messages = lint('packages/plan/src/x.ts', "import { App } from 'cdktf';\nimport { ref } from '@kafka-privatelink/plumbing';\nexport { App, ref };\n");
    expect(messages).toEqual([
      expect.stringMatching(/^no-restricted-imports: 'cdktf' import is restricted .*The core is pure/),
      expect.stringMatching(/^no-restricted-imports: '@kafka-privatelink\/plumbing' import is restricted .*The core is pure/),
    ]);
  }, 60_000);

  it('fails when a stack package imports the other one', () => {
    const messages = lint('stacks/consumer/src/x.ts', "import { ProviderStack } from '@kafka-privatelink/provider';\nexport { ProviderStack };\n");
    expect(messages).toEqual([expect.stringMatching(/never another stack package/)]);
  }, 60_000);

  it("fails when anyone imports a package's files instead of the package", () => {
    const messages = lint('tools/emulator/src/x.ts', "import { generateSpec } from '@kafka-privatelink/bench/src/spec-generator';\nexport { generateSpec };\n");
    expect(messages).toEqual([expect.stringMatching(/its index.ts is its public surface/)]);
  }, 60_000);

  it('passes a stack package that imports the core and the plumbing', () => {
    const code = "import { ExposurePlan } from '@kafka-privatelink/plan';\nimport { ref } from '@kafka-privatelink/plumbing';\nimport { Lb } from '@cdktf/provider-aws/lib/lb';\nexport { ExposurePlan, Lb, ref };\n";
    expect(lint('stacks/provider/src/x.ts', code)).toEqual([]);
  }, 60_000);
});

/** The relative imports of every TypeScript file under `dir`, resolved to files. */
function moduleGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(join(dir, file), 'utf8');
    const targets = [...source.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)';/gms)].map((m) => {
      const base = join(dirname(file), m[1]!);
      return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(join(dir, candidate))) ?? base;
    });
    graph.set(file, targets);
  }
  return graph;
}

/** Each import cycle once, as `a.ts → b.ts → a.ts`. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const loop = stack.slice(stack.indexOf(next));
        const first = loop.indexOf([...loop].sort()[0]!);
        const rotated = [...loop.slice(first), ...loop.slice(0, first)];
        found.add([...rotated, rotated[0]].join(' → '));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...found].sort();
}

describe('the modules of every package', () => {
  const sources = ['packages', 'stacks', 'tools'].flatMap((group) =>
    readdirSync(join(REPO_ROOT, group), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, group, d.name, 'src')))
      .map((d) => `${group}/${d.name}/src`),
  );

  it('import each other without a cycle', () => {
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.flatMap((dir) => cycles(moduleGraph(join(REPO_ROOT, dir))).map((cycle) => `${dir}: ${cycle}`))).toEqual([]);
  });

  it('keep their tests in test/, none beside the sources in src/', () => {
    const inSources = sources.flatMap((dir) =>
      readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.test.ts'))
        .map((file) => `${dir}/${file}`),
    );
    expect(inSources).toEqual([]);
  });

  it('fails on a cycle of three modules, naming it once', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    expect(cycles(graph)).toEqual(['a.ts → b.ts → c.ts → a.ts']);
  });
});
