import { median, pairedRatios, percentile } from './stats';

describe('benchmark statistics', () => {
  it('median and percentile', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(percentile([5, 1, 4, 2, 3], 80)).toBe(4);
  });

  it('paired ratios compare each pair, so a machine slowing down in the middle does not hide the difference', () => {
    // B is 10% faster in every pair while the machine's speed doubles halfway through.
    const a = [100, 100, 200, 200];
    const b = [90, 90, 180, 180];
    expect(pairedRatios(a, b).median).toBeCloseTo(0.9);
    expect(pairedRatios(a, b).mean).toBeCloseTo(0.9);
    // Medians of each side alone blur it: 150 vs 135 here, but with uneven phases they can even invert.
    expect(pairedRatios([100, 210, 220], [95, 200, 205]).median).toBeLessThan(1);
    expect(() => pairedRatios([1], [1, 2])).toThrow('equal counts');
  });
});
