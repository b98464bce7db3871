import { DEFAULT_RUNS, parseOptions } from '../src/options';

describe('parseOptions', () => {
  it('measures the default number of runs without options', () => {
    expect(parseOptions([])).toEqual({ runs: DEFAULT_RUNS, help: false });
  });

  it('measures one run with --quick', () => {
    expect(parseOptions(['--quick']).runs).toBe(1);
  });

  it('takes --runs N and --runs=N', () => {
    expect(parseOptions(['--runs', '3']).runs).toBe(3);
    expect(parseOptions(['--runs=7']).runs).toBe(7);
  });

  it('fails when --runs is not a positive whole number', () => {
    expect(() => parseOptions(['--runs', '0'])).toThrow('--runs needs a whole number of at least 1, got 0');
    expect(() => parseOptions(['--runs'])).toThrow('got nothing');
  });

  it('fails when an option is unknown', () => {
    expect(() => parseOptions(['--fast'])).toThrow('unknown option --fast');
  });
});
