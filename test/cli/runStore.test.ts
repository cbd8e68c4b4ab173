import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/cli/pipeline/runRecord.js';
import { decodeLabels, encodeLabels, parseRunFile, runFileName, runFileText, settingsDiffer } from '../../src/cli/orchestrate/runStore.js';

const I = (...v: number[]) => Int32Array.from(v);

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
