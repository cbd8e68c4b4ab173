import { describe, expect, it } from 'vitest';
import { drawResamples, percentileInterval, quantile } from '../../src/cli/pipeline/bootstrap.js';
import { runCollapse, trivialBaseline } from '../../src/cli/pipeline/collapse.js';
import { mulberry32 } from '../../src/cli/pipeline/rng.js';
import { compareStats } from '../../src/cli/pipeline/stats.js';
import { binaryCounts, diceImages, multiclassRecord, record } from './statsRecords.js';

/** `n` draws of `f(u)` for uniform u from a seeded generator. */
const draws = (seed: number, n: number, f: (u: number) => number) => {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => f(u()));
};

describe('drawResamples()', () => {
  it('draws R runs and N images per replicate, the same for a seed and different for another', () => {
    const a = drawResamples(3, 5, { replicates: 50, seed: 7 });
    const b = drawResamples(3, 5, { replicates: 50, seed: 7 });
    const c = drawResamples(3, 5, { replicates: 50, seed: 8 });
    for (let r = 0; r < 50; r++) {
      expect(a.runWeights.slice(3 * r, 3 * r + 3).reduce((x, y) => x + y)).toBe(3);
      expect(a.imageWeights.slice(5 * r, 5 * r + 5).reduce((x, y) => x + y)).toBe(5);
    }
    expect(a).toEqual(b);
    expect(Array.from(c.imageWeights)).not.toEqual(Array.from(a.imageWeights));
    expect(drawResamples(1, 1).defined).toBe(false);
    expect(() => drawResamples(0, 2)).toThrow('drawResamples: runs must be an integer >= 1, got 0.');
  });

  it('quantile() interpolates linearly and percentileInterval() drops non-finite replicates', () => {
    // type-7 quantile of [0, 10, 20, 30] at 0.5: h = 1.5 → 10 + 0.5·10 = 15
    expect(quantile([0, 10, 20, 30], 0.5)).toBe(15);
    expect(percentileInterval([Number.NaN, 1, 2, 3], 0.5)).toEqual([1.5, 2.5]);
    expect(percentileInterval([1, 2], 0.95, false)).toBeNull();
  });
});

describe('compareStats(): intervals', () => {
  it('covers the true Dice in 90–99% of 200 synthetic held-out sets (95% interval)', () => {
    // Per-image Dice round(100·u)/100 with u uniform on [0.4, 0.9): pooled Dice = mean TP / 100,
    // whose expectation is the mean of the integers 40..89 over 100 = 0.645.
    const truth = 0.645;
    let hits = 0;
    for (let k = 0; k < 200; k++) {
      const dice = draws(1000 + k, 30, (u) => Math.floor(40 + 50 * u) / 100);
      const s = compareStats([record(0, 'a', 0, diceImages(dice))], { mode: 'binary', replicates: 1000, seed: k });
      const [lo, hi] = s.losses[0].diceCI!;
      if (lo <= truth && truth <= hi) hits++;
    }
    expect(hits / 200).toBeGreaterThanOrEqual(0.9);
    expect(hits / 200).toBeLessThanOrEqual(0.99);
  });

  it('is deterministic for a seed and reports the pooled Dice as the aggregate', () => {
    const images = diceImages([0.5, 0.7, 0.9]);
    const run = () => compareStats([record(0, 'a', 0, images)], { mode: 'binary', seed: 3 });
    expect(run()).toEqual(run());
    // TP 50 + 70 + 90 of 300 true and 300 predicted pixels: Dice = 2·210 / 600 = 0.7
    expect(run().losses[0].dice).toBeCloseTo(0.7, 12);
    const ten = diceImages([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]);
    const ci = (seed: number) => compareStats([record(0, 'a', 0, ten)], { mode: 'binary', seed }).losses[0].diceCI;
    expect(ci(4)).toEqual(ci(4));
    expect(ci(4)).not.toEqual(ci(5));
  });

  it('gives a wide interval with two images and none (null) with one image and one run', () => {
    const two = compareStats([record(0, 'a', 0, diceImages([0.3, 0.9]))], { mode: 'binary' });
    const [lo, hi] = two.losses[0].diceCI!;
    // resamples of two images: {0.3, 0.3}, {0.3, 0.9}, {0.9, 0.9} → Dice 0.3, 0.6, 0.9
    expect(lo).toBeCloseTo(0.3, 12);
    expect(hi).toBeCloseTo(0.9, 12);
    const one = compareStats([record(0, 'a', 0, diceImages([0.8])), record(1, 'b', 0, diceImages([0.6]))], { mode: 'binary' });
    expect(one.losses[0].diceCI).toBeNull();
    expect(one.verdict).toMatchObject({ best: 'a', tiedWithBest: ['b'] });
    expect(one.verdict.method).toMatch(/nothing to resample/);
  });

  it('resamples runs too: three repeats of one image still give an interval', () => {
    const recs = [0.5, 0.6, 0.7].map((d, r) => record(0, 'a', r, diceImages([d])));
    const s = compareStats(recs, { mode: 'binary' });
    expect(s.repeats).toEqual([0, 1, 2]);
    expect(s.losses[0].runs.map((r) => r.dice)).toEqual([0.5, 0.6, 0.7]);
    const [lo, hi] = s.losses[0].diceCI!;
    expect(lo).toBeCloseTo(0.5, 12);
    expect(hi).toBeCloseTo(0.7, 12);
  });
});

describe('compareStats(): the verdict', () => {
  const N = 25;
  const same = (seed: number) => draws(seed, N, (u) => Math.floor(40 + 50 * u) / 100);

  it('ties two losses whose per-image scores come from the same distribution', () => {
    const s = compareStats([record(0, 'a', 0, diceImages(same(1))), record(1, 'b', 0, diceImages(same(2)))], { mode: 'binary' });
    expect(s.verdict.tiedWithBest).toHaveLength(1);
    expect(s.losses.find((l) => l.label !== s.verdict.best)!.differenceCI![0]).toBeLessThan(0);
    expect(s.verdict.method).toMatch(/paired two-way bootstrap over 1 run × 25 held-out images/);
  });

  it.each([
    ['first', 0],
    ['second', 1],
  ])('separates a clearly better loss (listed %s)', (_, at) => {
    const base = same(5);
    const good = diceImages(base.map((d) => Math.min(1, d + 0.1)));
    const bad = diceImages(base);
    const recs = at === 0 ? [record(0, 'good', 0, good), record(1, 'bad', 0, bad)] : [record(0, 'bad', 0, bad), record(1, 'good', 0, good)];
    const s = compareStats(recs, { mode: 'binary' });
    expect(s.verdict).toMatchObject({ best: 'good', tiedWithBest: [] });
    const loser = s.losses.find((l) => l.label === 'bad')!;
    expect(loser.differenceCI![1]).toBeLessThan(0);
    expect(s.losses.find((l) => l.label === 'good')!.pBest).toBe(1);
  });

  it('pairs by image: a small, steady gain under a large shared per-image offset is separated', () => {
    // Image difficulty spreads Dice over 0.2..0.8 for both losses; 'a' gains 0.02 on every image.
    const difficulty = draws(9, N, (u) => Math.floor(20 + 60 * u) / 100);
    const a = compareStats(
      [record(0, 'a', 0, diceImages(difficulty.map((d) => d + 0.02))), record(1, 'b', 0, diceImages(difficulty))],
      { mode: 'binary' },
    );
    const [la, lb] = a.losses;
    // unpaired, the two intervals overlap widely ...
    expect(lb.diceCI![1]).toBeGreaterThan(la.diceCI![0]);
    // ... paired, the difference is exactly 0.02 on every resample
    expect(a.verdict).toMatchObject({ best: 'a', tiedWithBest: [] });
    expect(lb.differenceCI![0]).toBeCloseTo(-0.02, 10);
    expect(lb.differenceCI![1]).toBeCloseTo(-0.02, 10);
  });

  it('pairs images by name, whatever order each run lists them in', () => {
    const images = diceImages([0.2, 0.5, 0.9]);
    const a = record(0, 'a', 0, images);
    const b = record(1, 'b', 0, images);
    const reversed = { ...b, perImage: [...b.perImage].reverse() };
    const s = compareStats([a, reversed], { mode: 'binary' });
    expect(s.losses[1].differenceCI).toEqual([0, 0]);
    expect(s.losses[1].perImage.map((p) => p.image)).toEqual(['img0', 'img1', 'img2']);
  });

  it('pairs runs by repeat and keeps a loss whose run is missing (an interrupted compare)', () => {
    const recs = [
      record(0, 'a', 0, diceImages([0.6, 0.7, 0.8])),
      record(0, 'a', 1, diceImages([0.62, 0.72, 0.82])),
      record(1, 'b', 0, diceImages([0.4, 0.5, 0.6])),
    ];
    const s = compareStats(recs, { mode: 'binary' });
    expect(s.repeats).toEqual([0, 1]);
    expect(s.losses.map((l) => l.runs.map((r) => r.repeat))).toEqual([[0, 1], [0]]);
    // b's Dice is its one run's: (40 + 50 + 60) / 300
    expect(s.losses[1].dice).toBeCloseTo(0.5, 12);
    expect(s.losses[1].diceCI![0]).toBeLessThan(0.5);
  });

  it('averages boundary scores over runs and images, leaving infinite HD95 out of the mean and counting it', () => {
    const r = record(0, 'a', 0, diceImages([0.5, 0.6, 0.7]));
    r.perImage = r.perImage.map((p, i) => ({ ...p, hd95: [2, 4, Infinity][i], nsd: [0.5, 0.7, 0][i] }));
    const l = compareStats([r], { mode: 'binary' }).losses[0];
    expect([l.hd95, l.hd95Infinite]).toEqual([3, 1]);
    expect(l.nsd).toBeCloseTo((0.5 + 0.7 + 0) / 3, 12);
    expect(l.perImage.map((p) => p.hd95)).toEqual([2, 4, Infinity]);
  });

  it('falls back to the mean of per-image scores for runs recorded without counts', () => {
    const r = record(0, 'a', 0, diceImages([0.2, 0.9]));
    r.perImage = r.perImage.map(({ counts: _, ...p }) => p);
    const s = compareStats([r], { mode: 'binary' });
    expect(s.aggregation).toBe('mean of per-image scores');
    expect(s.losses[0].dice).toBeCloseTo(0.55, 12);
    expect(s.baseline).toBeUndefined();
  });

  it('rejects runs that scored different images and duplicate runs', () => {
    const a = record(0, 'a', 0, diceImages([0.5, 0.6]));
    const b = record(1, 'b', 0, diceImages([0.5]));
    expect(() => compareStats([a, b], { mode: 'binary' })).toThrow(/^compareStats: every run must score the same images/);
    expect(() => compareStats([a, a], { mode: 'binary' })).toThrow(/^compareStats: each \(loss, repeat\) must have one record/);
    expect(() => compareStats([a], { mode: 'binary', confidence: 95 })).toThrow("compareStats: option 'confidence' must be a number in (0, 1), got 95.");
    expect(() => compareStats([], { mode: 'binary' })).toThrow('compareStats: records must hold at least one finished run, got 0.');
  });
});

describe('collapse', () => {
  const good = [binaryCounts(40, 5, 5, 150), binaryCounts(30, 3, 6, 161), binaryCounts(45, 2, 4, 149)];

  it('flags a constant prediction (all background) and explains it', () => {
    const constant = [binaryCounts(0, 0, 50, 150), binaryCounts(0, 0, 36, 164), binaryCounts(0, 0, 49, 151)];
    const s = compareStats([record(0, 'good', 0, good), record(1, 'flat', 0, constant)], { mode: 'binary' });
    expect(s.losses.map((l) => l.collapsed)).toEqual([false, true]);
    // 600 valid pixels, every one predicted 0
    expect(s.losses[1].runs[0].collapseReason).toBe('100.00% of pixels predicted 0');
  });

  it('flags a run no better than predicting foreground everywhere, and not a model of a rare class', () => {
    // 50 foreground pixels of 200 per image: all foreground scores 2·50 / (2·50 + 150) = 0.4 on each;
    // the run scores 2·25 / (2·25 + 50 + 25) = 0.4 and 2·26 / (2·26 + 48 + 24) ≈ 0.419: not above noise
    const images = [binaryCounts(25, 50, 25, 100), binaryCounts(26, 48, 24, 102)];
    const baseline = trivialBaseline(images, 'binary');
    expect(baseline.name).toBe('all foreground');
    const d = drawResamples(1, 2, { replicates: 200 });
    expect(runCollapse(images, 'binary', baseline, d, 0.95)).toEqual({ collapsed: true, reason: 'Dice within noise of all foreground' });
    // 1 foreground pixel in 1000, found exactly: 99.9% predicted background, as in the truth
    const rare = [binaryCounts(1, 0, 0, 999), binaryCounts(1, 0, 0, 999)];
    expect(runCollapse(rare, 'binary', trivialBaseline(rare, 'binary'), d, 0.95)).toEqual({ collapsed: false });
  });

  it('marks a loss collapsed when most of its runs are, and counts them', () => {
    const flat = [binaryCounts(0, 0, 50, 150), binaryCounts(0, 0, 36, 164), binaryCounts(0, 0, 49, 151)];
    const recs = [record(0, 'x', 0, flat), record(0, 'x', 1, good), record(0, 'x', 2, flat)];
    const s = compareStats(recs, { mode: 'binary' });
    expect(s.losses[0]).toMatchObject({ collapsed: true, collapsedRuns: 2 });
    expect(s.losses[0].runs.map((r) => r.collapsed)).toEqual([true, false, true]);
  });
});

describe('multiclass', () => {
  // Two 6-pixel images, classes 0..2; class 2 is in the truth, never predicted.
  const maps = [
    { truth: [0, 0, 1, 1, 2, 2], prediction: [0, 0, 1, 1, 1, 0] },
    { truth: [0, 1, 1, 1, 2, -1], prediction: [0, 1, 1, 0, 0, 2] },
  ];

  it('gives a never-predicted class precision NaN (not 1) and counts it 0 in the mean', () => {
    const s = compareStats([multiclassRecord(0, 'ce', 0, maps, 3)], { mode: 'multiclass', classNames: ['sky', 'road', 'pole'] });
    const [sky, road, pole] = s.losses[0].perClass!;
    expect(pole).toMatchObject({ name: 'pole', iou: 0, predictedPixels: 0, truePixels: 3 });
    expect(pole.precision).toBeNaN();
    // confusion [[3, 0, 0], [1, 4, 0], [2, 1, 0]]: sky TP 3, FP 1 + 2, FN 0; road TP 4, FP 1, FN 1
    expect([sky.iou, sky.precision]).toEqual([3 / 6, 3 / 6]);
    expect([road.iou, road.precision, road.recall]).toEqual([4 / 6, 4 / 5, 4 / 5]);
    expect(s.losses[0].iou).toBeCloseTo((3 / 6 + 4 / 6 + 0) / 3, 12);
    expect(s.losses[0].precision).toBeCloseTo((3 / 6 + 4 / 5 + 0) / 3, 12);
    expect(s.verdict.metric).toBe('iou');
  });

  it('sums confusion matrices over images and runs (rows truth, columns prediction; ignored pixels out)', () => {
    const a = multiclassRecord(0, 'ce', 0, maps, 3);
    const b = multiclassRecord(0, 'ce', 1, maps, 3);
    const s = compareStats([a, b], { mode: 'multiclass' });
    // per run: truth 0 → [3, 0, 0]; truth 1 → [1, 4, 0]; truth 2 → [2, 1, 0]; the ignored pixel predicted 2 is not counted
    expect(a.confusion).toEqual([[3, 0, 0], [1, 4, 0], [2, 1, 0]]);
    expect(s.losses[0].confusion).toEqual([[6, 0, 0], [2, 8, 0], [4, 2, 0]]);
    expect(s.losses[0].perClass!.map((c) => c.name)).toEqual(['0', '1', '2']);
  });

  it('leaves classes absent from the truth out of mIoU and compares with the most frequent class', () => {
    // class 2 neither in the truth nor predicted: mIoU over classes 0 and 1 only
    const r = multiclassRecord(0, 'ce', 0, [{ truth: [0, 0, 0, 1], prediction: [0, 0, 0, 1] }, { truth: [0, 1, 1, 1], prediction: [0, 1, 1, 1] }], 3);
    const s = compareStats([r], { mode: 'multiclass' });
    expect(s.losses[0].iou).toBe(1);
    expect(s.losses[0].perClass![2]).toMatchObject({ iou: NaN, dice: NaN, truePixels: 0, predictedPixels: 0 });
    // classes 0 and 1 tie at 4 pixels: the lowest index is the trivial prediction
    expect(s.baseline!.name).toBe('all class 0');
    expect(s.losses[0].collapsed).toBe(false);
  });
});
