import { median, slope, summarize } from '../src/stats';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('takes the mean of the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('fails when there is no value', () => {
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('summarize', () => {
  it('keeps the median, the spread and the samples in run order', () => {
    expect(summarize([1200, 1000, 1100])).toEqual({ median: 1100, min: 1000, max: 1200, samples: [1200, 1000, 1100] });
  });
});

describe('slope', () => {
  it('gives the cost of one more unit, so fixed costs cancel out', () => {
    // 500 ms fixed + 2 ms per broker
    expect(slope({ x: 49, y: 500 + 2 * 49 }, { x: 300, y: 500 + 2 * 300 })).toBeCloseTo(2);
  });

  it('fails when both points are at the same x', () => {
    expect(() => slope({ x: 3, y: 1 }, { x: 3, y: 2 })).toThrow('same x');
  });
});
