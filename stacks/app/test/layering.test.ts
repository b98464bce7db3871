import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
