import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, pluginCacheFor } from '../src/emulator';
import { defaultJobs, parseJobs, prefixed, runPool } from '../src/pool';
import { exclusively } from '../src/process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('runPool', () => {
  it('reports results in the items\' order when they finish in another order', async () => {
    // GIVEN items whose work ends in reverse order
    const finished: string[] = [];
    // WHEN they run side by side
    const results = await runPool(['a', 'b', 'c'], 3, async (item) => {
      await sleep({ a: 60, b: 30, c: 0 }[item]!);
      finished.push(item);
      return item.toUpperCase();
    });
    // THEN the results keep the items' order
    expect(finished).toEqual(['c', 'b', 'a']);
    expect(results).toEqual(['A', 'B', 'C']);
  });

  it('runs at most `jobs` items at once, and never two in the same slot', async () => {
    let running = 0;
    let most = 0;
    const busy = new Set<number>();
    await runPool([...Array(7).keys()], 2, async (item, slot) => {
      expect(busy.has(slot)).toBe(false);
      busy.add(slot);
      most = Math.max(most, ++running);
      await sleep(5 + (item % 3) * 5);
      running--;
      busy.delete(slot);
    });
    expect(most).toBe(2);
  });

  it('starts the items in their order, each as a slot frees up', async () => {
    const started: number[] = [];
    await runPool([0, 1, 2, 3], 2, async (item) => {
      started.push(item);
      await sleep(item === 0 ? 40 : 5);
    });
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('runs every item when one throws, then throws the first error', async () => {
    const ran: number[] = [];
    const pooled = runPool([0, 1, 2], 1, async (item) => {
      ran.push(item);
      if (item === 0) throw new Error('item 0 broke');
      return item;
    });
    await expect(pooled).rejects.toThrow('item 0 broke');
    expect(ran).toEqual([0, 1, 2]);
  });

  it('refuses a number of jobs below 1', async () => {
    await expect(runPool([1], 0, async (i) => i)).rejects.toThrow('jobs must be a whole number of at least 1, got 0');
  });
});

describe('parseJobs', () => {
  it('takes a whole number, and defaults to the cores plus one', () => {
    expect(parseJobs('1')).toBe(1);
    expect(parseJobs('12')).toBe(12);
    expect(parseJobs(undefined)).toBe(defaultJobs());
    expect(defaultJobs()).toBeGreaterThanOrEqual(2);
  });

  it.each(['0', '-2', '1.5', 'many', ''])('refuses --jobs %j, naming the option and the value', (value) => {
    expect(() => parseJobs(value)).toThrow(`--jobs takes a whole number of at least 1, got ${JSON.stringify(value)}`);
  });
});

describe('prefixed', () => {
  it('prefixes every line of a message with the scenario', () => {
    const lines: string[] = [];
    prefixed('example', (l) => lines.push(l))('example/provider: FAILED\nterraform apply exited with 1');
    expect(lines).toEqual(['[example] example/provider: FAILED', '[example] terraform apply exited with 1']);
  });
});

describe('freePort', () => {
  it('never hands the same port to two emulators, even when the kernel offers it again', async () => {
    // GIVEN a kernel that offers a closed port a second time
    const offers = [41001, 41001, 41002];
    const offer = async (): Promise<number> => offers.shift()!;
    // WHEN two emulators ask for a port
    const first = await freePort(offer);
    const second = await freePort(offer);
    // THEN they get different ports
    expect([first, second]).toEqual([41001, 41002]);
  });

  it('gives a port that can be bound on loopback', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1023);
  });
});

describe('pluginCacheFor', () => {
  const cliConfig = '/home/ci/.cache/kafka-privatelink/terraform.rc';

  it('uses no plugin cache with the filesystem mirror, which every init may read at once', () => {
    expect(pluginCacheFor({ awsProviderSource: 'mirror', cliConfig }, 0)).toBeUndefined();
    expect(pluginCacheFor({ awsProviderSource: 'mirror', cliConfig }, 2)).toBeUndefined();
  });

  it('gives each pool slot its own plugin cache with the registry, slot 0 the provisioned one', () => {
    expect(pluginCacheFor({ awsProviderSource: 'registry', cliConfig }, 0)).toBe('/home/ci/.cache/kafka-privatelink/terraform-plugin-cache');
    expect(pluginCacheFor({ awsProviderSource: 'registry', cliConfig }, 1)).toBe('/home/ci/.cache/kafka-privatelink/terraform-plugin-cache-1');
  });
});

describe('exclusively', () => {
  it('runs the work of a second holder of the lock only after the first one ended (real flock)', async () => {
    // GIVEN a lock file, held by a first piece of work
    const lock = join(mkdtempSync(join(tmpdir(), 'emulator-lock-')), 'cdktf-out.lock');
    const events: string[] = [];
    const first = exclusively(lock, () => undefined, async () => {
      events.push('first starts');
      await sleep(300);
      events.push('first ends');
    });
    await sleep(100);
    // WHEN a second one asks for it meanwhile
    const second = exclusively(lock, () => undefined, async () => {
      events.push('second starts');
    });
    await Promise.all([first, second]);
    // THEN it waited
    expect(events).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('runs at once without a lock file', async () => {
    expect(await exclusively(undefined, () => undefined, async () => 42)).toBe(42);
  });
});
