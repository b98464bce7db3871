import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec } from '@kafka-privatelink/cluster-spec';
import { caseSetups } from '../src/run-cases';
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
