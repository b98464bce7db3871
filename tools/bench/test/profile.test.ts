import { bundleModules, profileTable, summarizeProfile } from '../src/profile';

const BUNDLE = ['"use strict";', '// node_modules/cdktf/lib/app.js', 'function synth() {}', '// node_modules/@cdktf/provider-aws/lib/lb/index.js', 'class Lb {}', '// stacks/app/src/main.ts', 'main();'].join('\n');

describe('summarizeProfile', () => {
  it('adds up self time by package and by function, the bundle\'s lines mapped back to their modules', () => {
    // GIVEN a profile of the bundle: 30 ms in cdktf, 10 ms in the lb binding, 20 ms collecting garbage
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: 'synth', url: 'file:///repo/.gen/app/main.cjs', lineNumber: 2 } },
        { id: 2, callFrame: { functionName: 'Lb', url: 'file:///repo/.gen/app/main.cjs', lineNumber: 4 } },
        { id: 3, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
      ],
      samples: [1, 1, 2, 3, 1],
      timeDeltas: [10_000, 10_000, 10_000, 20_000, 10_000],
    };

    // WHEN it is summarized
    const summary = summarizeProfile(profile, bundleModules(BUNDLE), '.gen/app/main.cjs');

    // THEN each package and function has its share, the largest first
    expect(summary.totalMs).toBe(60);
    expect(summary.modules.map((l) => [l.name, l.selfMs])).toEqual([
      ['cdktf', 30],
      ['(garbage collector)', 20],
      ['@cdktf/provider-aws/lib/lb', 10],
    ]);
    expect(summary.functions[0]).toEqual({ name: 'synth (node_modules/cdktf/lib/app.js)', selfMs: 30, share: 0.5 });
    expect(profileTable(summary)).toContain('| `cdktf` | 0.03 | 50.0 % |');
  });
});
