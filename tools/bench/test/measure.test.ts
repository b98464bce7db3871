import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { detectPeakRssMethod, parseGnuTimeOutput, PeakRssMethod, runMeasured } from '../src/measure';

describe('parseGnuTimeOutput', () => {
  it('reads the figures, also after the note of a failed command', () => {
    expect(parseGnuTimeOutput('113988 0.79 0.19\n')).toEqual({ peakRssKiB: 113988, cpuMs: 980 });
    expect(parseGnuTimeOutput('Command exited with non-zero status 1\n52000 0.10 0.02\n')).toEqual({ peakRssKiB: 52000, cpuMs: 120 });
  });

  it('fails when there is no figure', () => {
    expect(() => parseGnuTimeOutput('time: cannot run node\n')).toThrow('unexpected GNU time output');
  });
});

describe('runMeasured', () => {
  const methods: PeakRssMethod[] = detectPeakRssMethod() === 'gnu-time' ? ['gnu-time', 'vmhwm-poll'] : ['vmhwm-poll'];

  it.each(methods)('measures the wall time and peak memory of a child that holds 64 MiB (%s)', async (method) => {
    // GIVEN a child that touches 64 MiB and then sleeps a little
    const script = 'const b = Buffer.alloc(64 * 2 ** 20, 1); setTimeout(() => b.length, 150);';

    // WHEN it is measured
    const result = await runMeasured([process.execPath, '-e', script], { cwd: join(__dirname, '..'), env: process.env, method });

    // THEN the figures hold what it did
    expect(result.exitCode).toBe(0);
    expect(result.wallMs).toBeGreaterThanOrEqual(150);
    expect(result.peakRssKiB).toBeGreaterThan(64 * 1024);
    expect(result.peakRssKiB).toBeLessThan(1024 * 1024);
    expect(result.cpuMs).toBeGreaterThan(0);
  });

  it('reports the exit code and stderr of a failing child', async () => {
    const result = await runMeasured([process.execPath, '-e', 'console.error("broken spec"); process.exit(3)'], {
      cwd: __dirname,
      env: process.env,
      method: detectPeakRssMethod(),
    });

    expect(result.exitCode).toBe(3);
    expect(result.stderrTail).toContain('broken spec');
  });

  it('finds GNU time where Debian installs it, if it is there', () => {
    const installed = spawnSync('/usr/bin/time', ['--version']).status === 0;
    expect(detectPeakRssMethod()).toBe(installed ? 'gnu-time' : 'vmhwm-poll');
  });
});
