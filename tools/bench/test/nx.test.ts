import { parseNxOutput, servedFromCache } from '../src/nx';

// As Nx 23 prints them when its output is not a terminal.
const SYNTH_FROM_CACHE = `
 NX   Running target synth for 3 projects:

- consumer
- provider
- app


✔  nx run app:synth  [local cache]



 NX   Successfully ran target synth for 3 projects

Nx read the output from the cache instead of running the command for 1 out of 3 tasks.

  Run duration:      307ms
  Cache:             1/3 hit (33%)
  Critical path:     8ms (3 tasks)
`;

const SYNTH_RAN = `
 NX   Running target synth for 3 projects:

✔  nx run app:synth


 NX   Successfully ran target synth for 3 projects

  Run duration:      6.6s
  Cache:             0/3 hit (0%)
`;

const TESTS_FAILED = `
 NX   Running target test for 8 projects:

✔  nx run spec:test
✔  nx run plan:test

> nx run app:test

No tests found, exiting with code 1

 NX   Running target test for 8 projects failed

Failed tasks:

- provider:test
- app:test

  Run duration:      9.5s
  Cache:             Skipped (--skip-nx-cache)
`;

describe('parseNxOutput', () => {
  it('reads the cache hits of a synth served from the cache', () => {
    const summary = parseNxOutput(SYNTH_FROM_CACHE);

    expect(summary).toEqual({
      projects: 3,
      failedTasks: [],
      tasks: [{ task: 'app:synth', note: 'local cache' }],
      readFromCache: { hits: 1, tasks: 3 },
      cacheLine: '1/3 hit (33%)',
      runDuration: '307ms',
    });
    expect(servedFromCache(summary)).toBe(true);
  });

  it('sees a synth that ran its command as not served from the cache', () => {
    const summary = parseNxOutput(SYNTH_RAN);

    expect(summary.tasks).toEqual([{ task: 'app:synth' }]);
    expect(summary.readFromCache).toBeUndefined();
    expect(servedFromCache(summary)).toBe(false);
  });

  it('lists the failed tasks of a test run', () => {
    const summary = parseNxOutput(TESTS_FAILED);

    expect(summary.projects).toBe(8);
    expect(summary.failedTasks).toEqual(['provider:test', 'app:test']);
    expect(summary.cacheLine).toBe('Skipped (--skip-nx-cache)');
    expect(servedFromCache(summary)).toBe(false);
  });

  it('fails to see a cache hit when Nx listed no task', () => {
    expect(servedFromCache(parseNxOutput(''))).toBe(false);
  });
});
