import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { accountProvider, CLUSTER_TAG, configureBackend, remoteState, terraformLiteral, TerraformLiteralError } from '../src';

// Terraform must be on PATH (`npm test` puts the one tools/emulator/provision.sh provides there);
// the configuration holds only outputs, so no provider is needed and this runs offline.
const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: '/dev/null' };

function terraform(dir: string, ...args: string[]): string {
  const run = spawnSync('terraform', [...args, '-no-color'], { cwd: dir, env, encoding: 'utf8' });
  if (run.error) throw new Error(`terraform could not run (${run.error.message}): \`bash tools/emulator/provision.sh --terraform-only\` provides it`);
  if (run.status !== 0) throw new Error(`terraform ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}

/** What Terraform reads back from each JSON value, each placed as the value of an output of a configuration. */
function readBack(values: readonly unknown[]): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'kpl-literal-'));
  try {
    const output = Object.fromEntries(values.map((value, i) => [`v${i}`, { value }]));
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ output }));
    terraform(dir, 'init', '-input=false');
    terraform(dir, 'apply', '-auto-approve', '-input=false');
    const outputs = JSON.parse(terraform(dir, 'output', '-json')) as Record<string, { value: unknown }>;
    return values.map((_, i) => outputs[`v${i}`].value);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The default tags of the AWS provider that accountProvider writes, as the synthesized JSON holds them. */
function synthesizedTags(tags: Record<string, string>): unknown {
  const stack = new TerraformStack(Testing.app(), 'provider');
  const plan = { cluster: 'coban', tags } as unknown as ExposurePlan;
  accountProvider(stack, plan, { account: '111111111111', region: 'ap-southeast-1' });
  return JSON.parse(Testing.synth(stack)).provider.aws[0].default_tags[0].tags;
}

/** Text made of Terraform's template sequences, their escapes, quotes, backslashes and any Unicode. */
const templateText = fc
  .array(
    fc.oneof(
      fc.constantFrom('${', '%{', '$${', '%%{', '$$${', '}', '{', '$', '%', '~}', '\\', '"', "'", '\\n', '\r\n', '\r', '${file("/etc/hostname")}', '%{ if true }x%{ endif }', '${path.cwd}', '//', 'a.b'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''))
  // These are refused, as the last tests show.
  .filter((s) => s === s.normalize('NFC') && !/[$#&]\{TfToken\[/.test(s) && !/\r(?!\n)/.test(s));

describe('spec strings are data in Terraform JSON', () => {
  it('GIVEN tags full of template sequences WHEN the AWS provider is synthesized THEN Terraform reads back exactly each key and value', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(templateText.filter((k) => k !== CLUSTER_TAG && k !== '//'), templateText, { maxKeys: 4 }), { minLength: 40, maxLength: 40 }), (batch) => {
        const written = batch.map((tags) => synthesizedTags(tags));
        expect(readBack(written)).toEqual(batch.map((tags) => ({ ...tags, [CLUSTER_TAG]: 'coban' })));
      }),
      { numRuns: 5 },
    );
  });

  it('GIVEN a tag that Terraform would evaluate WHEN synthesized THEN the JSON holds its escape, not the expression', () => {
    expect(synthesizedTags({ 'owner ${path.cwd}': '%{ if true }x%{ endif }' })).toEqual({
      'owner $${path.cwd}': '%%{ if true }x%%{ endif }',
      [CLUSTER_TAG]: 'coban',
    });
  });

  it("refuses a string holding cdktf's token marker, which cdktf would turn into a reference", () => {
    expect(() => terraformLiteral('x${TfToken[TOKEN.0]}', 'tags.team')).toThrow(TerraformLiteralError);
    expect(() => terraformLiteral('#{TfToken[TOKEN.1]}', 'tags.team')).toThrow(/tags\.team: .*token marker/);
  });

  it('refuses the tag key "//", which cdktf leaves out of the JSON', () => {
    expect(() => synthesizedTags({ '//': 'x' })).toThrow(/^tags: the key "\/\/" is Terraform JSON's comment key, which cdktf leaves out of the JSON$/);
  });

  it('refuses a carriage return without a line feed, after which Terraform reads a string without its escapes', () => {
    // GIVEN "\r%{", which is written "\r%%{": Terraform reads that back as "\r%%{", not as "\r%{"
    expect(() => terraformLiteral('\r%{', 'tags.team')).toThrow(/^tags\.team: "\\r%\{" holds a carriage return without a line feed/);
    expect(terraformLiteral('a\r\nb %{', 'tags.team')).toBe('a\r\nb %%{');
  });

  it('refuses a string that Terraform would change to its Unicode normalization form C', () => {
    // GIVEN e and a combining acute accent, which NFC writes as the one character é
    expect(() => terraformLiteral('cafe\u0301', 'tags.team')).toThrow(/tags\.team: "cafe\u0301" is not in Unicode normalization form C.*"café"/);
  });
});

describe('backend strings mean the same to the backend and to remote state', () => {
  it('GIVEN "${…}" in a local backend path and in an output WHEN terraform reads both THEN the backend keeps it literally and the output evaluates it', () => {
    // This is why backend strings are refused rather than escaped: an escape that makes
    // terraform_remote_state read the literal would be taken literally by the backend itself.
    const dir = mkdtempSync(join(tmpdir(), 'kpl-backend-'));
    try {
      const path = 'state-${upper("x")}.tfstate';
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { backend: { local: { path } } }, output: { path: { value: path } } }));
      terraform(dir, 'init', '-input=false');
      terraform(dir, 'apply', '-auto-approve', '-input=false');
      expect(JSON.parse(terraform(dir, 'output', '-json')).path.value).toBe('state-X.tfstate');
      expect(existsSync(join(dir, path))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const localPlan = { cluster: 'coban', backend: { type: 'local', directory: 'terraform-state' } } as unknown as ExposurePlan;

  it('refuses a local state path that a template sequence in the repository folder would reach', () => {
    const stack = new TerraformStack(Testing.app(), 'provider');
    expect(() => configureBackend(stack, { plan: localPlan, stackName: 'provider', outdir: '/tmp/out', stateRoot: '/home/ci/${path.cwd}/repo' })).toThrow(
      /^the local state path ".*\/home\/ci\/\$\{path\.cwd\}\/repo\/terraform-state\/coban\/provider\.tfstate" holds a template sequence \("\$\{", "%\{"\) or a cdktf token marker, which a backend takes literally but terraform_remote_state reads as a template/,
    );
    expect(() =>
      remoteState(stack, 'provider-state', { plan: localPlan, stackName: 'provider', outdir: '/tmp/out', stateRoot: '/home/%{x}/repo', fromStack: 'consumer-kios' }),
    ).toThrow(TerraformLiteralError);
  });

  it('refuses an S3 state key with a template sequence', () => {
    const plan = { cluster: 'coban', backend: { type: 's3', bucket: 'b', region: 'ap-southeast-1', keyPrefix: 'k${x}' } } as unknown as ExposurePlan;
    expect(() => configureBackend(new TerraformStack(Testing.app(), 'provider'), { plan, stackName: 'provider', outdir: '/o', stateRoot: '/r' })).toThrow(
      /^the S3 state key "k\$\{x\}\/coban\/provider\.tfstate" holds/,
    );
  });
});
