import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec, REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { terraformEntries } from '../src/floors';
import { caseSetups, runCases } from '../src/run-cases';
import { BENCH_BROKER_COUNTS, BENCH_CONSUMER_COUNTS } from '../src/spec-generator';

describe('caseSetups', () => {
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'bench-test-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const setupsIn = (dir: string) =>
    caseSetups({
      scratch: dir,
      appArgv: ['node', '--max-old-space-size=4096', '.gen/app/main.cjs'],
      floorScript: join(dir, 'floor.cjs'),
      exampleSpec: join(__dirname, '..', '..', '..', 'examples', 'coban.yaml'),
      commands: [{ name: 'README synth', argv: ['npx', 'nx', 'run-many', '-t', 'synth'], outdir: '/repo/cdktf.out', env: { NX_DAEMON: 'false' } }],
    });

  it('runs the floor with the node flags of the app', () => {
    const [floor] = setupsIn(scratch);

    expect(floor.kind).toBe('floor');
    expect(floor.argv).toEqual(['node', '--max-old-space-size=4096', join(scratch, 'floor.cjs')]);
    expect(floor.specPath).toBeUndefined();
  });

  it('runs the commands on the example spec, right after the example', () => {
    const setups = setupsIn(scratch);
    const example = setups.findIndex((s) => s.kind === 'example');

    expect(setups[example + 1]).toMatchObject({ kind: 'command', name: 'README synth', specPath: setups[example].specPath, outdir: '/repo/cdktf.out', env: { NX_DAEMON: 'false' } });
  });

  it('copies the example spec with its lockfile, so its synth allocates nothing', () => {
    const example = setupsIn(scratch).find((s) => s.kind === 'example')!;

    expect(existsSync(example.specPath!.replace(/\.yaml$/, '.ports-lock.json'))).toBe(true);
  });

  it('writes one spec per bench size, each of the size it is named for', () => {
    const generated = setupsIn(scratch).filter((s) => s.kind === 'generated');

    expect(generated.map((s) => s.name)).toEqual(BENCH_CONSUMER_COUNTS.flatMap((c) => BENCH_BROKER_COUNTS.map((b) => `${b}×${c}`)));
    const small = generated.find((s) => s.brokers === 49 && s.consumers === 10)!;
    const spec = parseSpec(readFileSync(small.specPath!, 'utf8'), small.specPath!);
    expect([spec.brokers.length, spec.consumers.length]).toEqual([49, 10]);
  });
});

describe('runCases with floors', () => {
  let scratch: string;
  beforeEach(() => (scratch = mkdtempSync(join(tmpdir(), 'bench-test-'))));
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  const GOLDEN = join(REPO_ROOT, 'stacks', 'app', 'test', 'golden', 'coban');
  /** A process that writes the example's shipped output into CDKTF_OUTDIR, its NLB made public when `edit` is given. */
  const writer = (edit = ''): string[] => [
    process.execPath,
    '-e',
    `const fs = require('node:fs'); const out = process.env.CDKTF_OUTDIR; fs.cpSync(${JSON.stringify(GOLDEN)}, out, { recursive: true });
     const stack = require('node:path').join(out, 'stacks', 'provider', 'cdk.tf.json');
     fs.writeFileSync(stack, fs.readFileSync(stack, 'utf8').replace('"internal": true', '"internal": ${edit === '' ? 'true' : 'false'}'));`,
  ];
  const folder = (name: string) => {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const run = (floorArgv: string[]) =>
    runCases(
      [
        { name: 'floor', kind: 'floor', argv: writer(), dir: folder('floor') },
        { name: 'example', kind: 'example', argv: writer(), dir: folder('example') },
      ],
      {
        root: REPO_ROOT,
        runs: 1,
        method: 'vmhwm-poll',
        log: () => undefined,
        floorsOf: (setup, outdir) => [
          { name: `floor-N of ${setup.name}`, kind: 'floor-n', of: setup.name, argv: floorArgv, dir: folder('floor-n'), expectedEntries: terraformEntries(outdir) },
        ],
      },
    );

  it('measures the floor-N made from an app case\'s warm-up output, in the same rounds, right after the case', async () => {
    // GIVEN a floor-N that writes the same Terraform blocks as its case
    // WHEN the cases run
    const rows = await run(writer());

    // THEN it is measured beside its case
    expect(rows!.map((r) => [r.name, r.kind, r.of, r.runs, r.error])).toEqual([
      ['floor', 'floor', undefined, 1, undefined],
      ['example', 'example', undefined, 1, undefined],
      ['floor-N of example', 'floor-n', 'example', 1, undefined],
    ]);
  }, 60_000);

  it('refuses to measure a floor-N whose Terraform blocks differ from its case\'s', async () => {
    // GIVEN a floor-N that writes one value differently
    // WHEN the cases run
    const rows = await run(writer('changed'));

    // THEN the floor-N is a failed row naming the difference, not a figure to compare with
    expect(rows![2]).toEqual({ name: 'floor-N of example', kind: 'floor-n', of: 'example', runs: 0, error: '2 Terraform blocks differ from example\'s' });
  }, 60_000);
});
