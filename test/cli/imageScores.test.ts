import { describe, expect, it } from 'vitest';
import { confusionMatrix, imageScores } from '../../src/cli/pipeline/imageScores.js';
import type { RunRecord } from '../../src/cli/pipeline/runRecord.js';
import { decodeLabels, encodeLabels, parseRunFile, runFileName, runFileText, settingsDiffer } from '../../src/cli/orchestrate/runStore.js';

const I = (...v: number[]) => Int32Array.from(v);

describe('imageScores()', () => {
  it('binary: tp 2, fp 1, fn 1 → Dice 4/6, IoU 2/4, precision 2/3, recall 2/3; ignored pixels left out', () => {
    const s = imageScores(I(1, 1, 1, 0, 0, -1), I(1, 1, 0, 1, 0, 1), 'binary', 2);
    expect(s.dice).toBeCloseTo(4 / 6, 15);
    expect(s.iou).toBeCloseTo(2 / 4, 15);
    expect(s.precision).toBeCloseTo(2 / 3, 15);
    expect(s.recall).toBeCloseTo(2 / 3, 15);
  });

  it('binary: no foreground anywhere scores 1; a missed foreground scores precision 0, never 1', () => {
    expect(imageScores(I(0, 0), I(0, 0), 'binary', 2)).toEqual({ dice: 1, iou: 1, precision: 1, recall: 1 });
    expect(imageScores(I(1, 0), I(0, 0), 'binary', 2)).toEqual({ dice: 0, iou: 0, precision: 0, recall: 0 });
    expect(imageScores(I(0, 0), I(1, 0), 'binary', 2)).toEqual({ dice: 0, iou: 0, precision: 0, recall: 0 });
  });

  it('multiclass: the mean over the classes present in truth or prediction (class 2 absent: not counted)', () => {
    // class 0: tp 1, fp 2, fn 0 → Dice 2/4; class 1: tp 1, fp 0, fn 1 → Dice 2/3; class 3: fn 1 → 0.
    const s = imageScores(I(0, 1, 1, 3), I(0, 1, 0, 0), 'multiclass', 4);
    expect(s.dice).toBeCloseTo((2 / 4 + 2 / 3 + 0) / 3, 15);
    expect(s.iou).toBeCloseTo((1 / 3 + 1 / 2 + 0) / 3, 15);
    expect(s.precision).toBeCloseTo((1 / 3 + 1 + 0) / 3, 15);
    expect(s.recall).toBeCloseTo((1 + 1 / 2 + 0) / 3, 15);
  });

  it('confusionMatrix() counts rows truth, columns prediction, skips ignored pixels and refuses labels out of range', () => {
    expect(confusionMatrix(I(0, 1, 1, -1, 2), I(0, 0, 1, 2, 2), 3)).toEqual([[1, 0, 0], [1, 1, 0], [0, 0, 1]]);
    expect(() => confusionMatrix(I(0, 1), I(0, 3), 3)).toThrow('confusionMatrix: labels must be in 0..2, got truth 1, prediction 3 at pixel 1.');
  });
});

describe('run files', () => {
  const record: RunRecord = {
    task: { loss: 1, repeat: 2, seed: 44 },
    label: 'focalLoss{gamma:1.5}',
    loss: 'focalLoss',
    scores: { dice: 0.1 + 0.2, iou: 1 / 3, precision: 0, recall: 1 },
    perImage: [{ image: 'a', dice: 0.5, iou: 1 / 3, precision: 1, recall: 0.25, hd95: Infinity, nsd: NaN }],
    history: [{ epoch: 1, loss: 0.7, valLoss: 0.6, valDice: 0.3, valIou: 0.2, seconds: 1.5 }],
    seconds: 2.25,
    steps: 3,
    predictions: [I(0, 0, 0, 1, 1, 0), I()],
  };

  it('run-length encode label maps losslessly', () => {
    expect(encodeLabels(I(0, 0, 0, 1, 1, 0))).toEqual([0, 3, 1, 2, 0, 1]);
    expect(decodeLabels([0, 3, 1, 2, 0, 1])).toEqual(I(0, 0, 0, 1, 1, 0));
  });

  it('round-trip a record exactly, Infinity and NaN included, with its settings', () => {
    const text = runFileText(record, { seed: 44, epochs: 2 });
    expect(parseRunFile(text)).toEqual({ settings: { seed: 44, epochs: 2 }, record });
    expect(parseRunFile(text.slice(0, -20))).toBeUndefined(); // cut short: trained again
    expect(runFileName(record.label, 2)).toBe('runs/focalLoss_gamma_1.5_--r2.json');
  });

  it('settingsDiffer() names the first setting that differs', () => {
    expect(settingsDiffer({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2] })).toBeUndefined();
    expect(settingsDiffer({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3] })).toEqual(['b', '[1,2]', '[1,3]']);
    expect(settingsDiffer({ epochs: 2 }, { budget: 1 })).toEqual(['epochs', '2', 'null']);
  });
});
