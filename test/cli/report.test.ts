import { describe, expect, it } from 'vitest';
import { niceTicks, lineChart } from '../../src/cli/report/charts.js';
import { resultsCsv } from '../../src/cli/report/csv.js';
import type { Overlay, Results } from '../../src/cli/report/data.js';
import { renderHtml } from '../../src/cli/report/html.js';
import { overlayRgb } from '../../src/cli/report/overlays.js';
import { formatSeconds, scoreLine } from '../../src/cli/report/text.js';
import { IGNORED, type RawImage } from '../../src/cli/pipeline/types.js';

const history = (dice: number[]) => dice.map((d, i) => ({ epoch: i + 1, loss: 1 - d, valLoss: 1.1 - d, valDice: d, valIou: d / (2 - d), seconds: 0.5 }));

/** A fixed report: two losses (one label needing escaping and CSV quoting) and a baseline. */
const RESULTS: Results = {
  tool: 'segloss compare',
  command: 'segloss compare --epochs 2',
  createdAt: '2026-01-01T00:00:00.000Z',
  settings: {
    data: 'synthetic', syntheticCount: 8, syntheticSize: 4, fgFraction: 0.03, valSplit: 0.25, trainImages: 6, valImages: 2, imageSizes: '4×4',
    resolution: 'native', patch: 4, augment: true, inference: 'sliding window 4×4', channels: 1, mode: 'binary',
    classes: 2, foreground: '1 or 255', ignoreIndex: null, trainForegroundFraction: 0.1, valForegroundFraction: 0.2, model: 'U-Net, width 8, depth 2',
    epochs: 2, steps: 2, batchSize: 4, optimizer: 'adam', lr: 0.003, seed: 42, threshold: 0.5, backend: 'cpu', tfjs: '4.22.0', losses: ['diceLoss', 'focalLoss{a:"<x>",b:1}'],
  },
  best: 'diceLoss',
  baselines: { 'all foreground': { dice: 0.3, iou: 0.2, precision: 0.2, recall: 1 } },
  losses: [
    { loss: 'focalLoss', label: 'focalLoss{a:"<x>",b:1}', options: { a: '<x>', b: 1 }, dice: 0.5, iou: 0.4, precision: 0.9, recall: 0.3, seconds: 2, history: history([0.4, 0.5]) },
    { loss: 'diceLoss', label: 'diceLoss', options: {}, dice: 0.8, iou: 0.6, precision: 0.7, recall: 0.85, seconds: 1, history: history([0.6, 0.8]) },
  ],
};

/** A 4×2 held-out image (not square: the overlays keep each image's own size). */
const OVERLAY: Overlay = {
  name: 'img0',
  width: 4,
  height: 2,
  image: new Float32Array(8).fill(0.5),
  truth: Int32Array.from({ length: 8 }, (_, i) => (i < 4 ? 1 : 0)),
  predictions: { diceLoss: new Int32Array(8), 'focalLoss{a:"<x>",b:1}': new Int32Array(8).fill(1) },
};

describe('renderHtml()', () => {
  const encoded: RawImage[] = [];
  const html = renderHtml(RESULTS, [OVERLAY], {
    channels: 1,
    mode: 'binary',
    pngDataUri: (image) => (encoded.push(image), `data:image/png;base64,IMG${encoded.length}`),
  });

  it('lists the losses by held-out Dice, the best starred, each column\'s best in bold, then the baseline', () => {
    const rows = html.slice(html.indexOf('<table class="metrics">'), html.indexOf('</table>'));
    expect(rows.indexOf('<code>diceLoss</code>')).toBeLessThan(rows.indexOf('<code>focalLoss'));
    expect(rows.indexOf('<code>focalLoss')).toBeLessThan(rows.indexOf('all foreground'));
    expect(rows).toContain('<tr class="winner"><td>★ <code>diceLoss</code></td><td class="num best">0.800</td>');
    expect(rows).toContain('<td class="num best">0.900</td>'); // focal's precision is the column's best
  });

  it('escapes labels and shows every setting in order', () => {
    expect(html).toContain('<code>focalLoss{a:&#34;&#60;x&#62;&#34;,b:1}</code>');
    expect(html).not.toContain('<x>');
    const settings = html.slice(html.indexOf('<table class="settings">'));
    const keys = [...settings.matchAll(/<tr><th>([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(keys).toEqual(Object.keys(RESULTS.settings));
  });

  it('draws one Dice chart plus one loss chart per loss', () => {
    expect(html.match(/<svg /g)).toHaveLength(1 + RESULTS.losses.length);
  });

  it('encodes image, truth and one prediction per loss for each sample, through the given encoder', () => {
    expect(encoded).toHaveLength(2 + RESULTS.losses.length);
    for (const image of encoded) expect([image.width, image.height, image.channels, image.bitDepth, image.data.length]).toEqual([4, 2, 3, 8, 24]);
    for (let k = 1; k <= encoded.length; k++) expect(html).toContain(`src="data:image/png;base64,IMG${k}"`);
    // shown at 128 pixels on the longer side (a 4×2 image zoomed 32 times), aspect kept
    expect(html).toContain('alt="img0 image" width="128" height="64"');
    expect(html).toContain('at resolution <strong>native</strong>');
  });
});

describe('resultsCsv()', () => {
  it('writes one row per loss in run order, quoting labels that need it', () => {
    const rows = resultsCsv(RESULTS).trim().split('\n');
    expect(rows[0]).toBe('label,loss,dice,iou,precision,recall,epochs,seconds,best');
    expect(rows[1]).toBe('"focalLoss{a:""<x>"",b:1}",focalLoss,0.5,0.4,0.9,0.3,2,2.00,false');
    expect(rows[2]).toBe('diceLoss,diceLoss,0.8,0.6,0.7,0.85,2,1.00,true');
  });
});

describe('charts', () => {
  it('niceTicks() steps by 1, 2 or 5 × 10^k', () => {
    // (1 - 0) / 5 = 0.2 = 2·10^-1: ticks every 0.2.
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // (37 - 3) / 5 = 6.8 → the next of 1, 2, 5, 10 × 10^0 is 10.
    expect(niceTicks(3, 37)).toEqual([10, 20, 30]);
  });

  it('lineChart() draws one path per series, skipping non-finite points', () => {
    const svg = lineChart('t', [{ name: 'a', color: '#000', points: [[1, 0], [2, Number.NaN], [3, 1]] }], { xLabel: 'x', yLabel: 'y', yRange: [0, 1] });
    const d = /<path d="([^"]+)"/.exec(svg)![1];
    expect(d.match(/[ML]/g)).toEqual(['M', 'L']);
  });
});

describe('overlayRgb()', () => {
  // A black 2×1 image; mixing is 0.4·pixel + 0.6·tint, so each tint shows as 0.6·tint.
  const black = new Float32Array(2);
  const mix = (tint: number[]) => tint.map((v) => Math.round(0.6 * v));

  it('colours binary errors: true positive green, false positive red, false negative blue', () => {
    const tp = overlayRgb(black, 1, 1, 1, { labels: Int32Array.of(1), truth: Int32Array.of(1), mode: 'binary' });
    const fp = overlayRgb(black, 1, 1, 1, { labels: Int32Array.of(1), truth: Int32Array.of(0), mode: 'binary' });
    const fn = overlayRgb(black, 1, 1, 1, { labels: Int32Array.of(0), truth: Int32Array.of(1), mode: 'binary' });
    expect(Array.from(tp.data)).toEqual(mix([0, 200, 0]));
    expect(Array.from(fp.data)).toEqual(mix([255, 30, 30]));
    expect(Array.from(fn.data)).toEqual(mix([40, 90, 255]));
  });

  it('shows a lone label map in yellow and dims ignored pixels', () => {
    const gray = Float32Array.of(1, 1, 1, 1);
    const truth = overlayRgb(gray, 2, 2, 1, { labels: Int32Array.of(1, 0, IGNORED, 0), mode: 'binary' });
    // Yellow over white: 0.4·255 + 0.6·(255, 220, 0) = (255, 234, 102); ignored: 0.35·255 ≈ 89.
    expect(Array.from(truth.data.slice(0, 3))).toEqual([255, 234, 102]);
    expect(Array.from(truth.data.slice(3, 6))).toEqual([255, 255, 255]);
    expect(Array.from(truth.data.slice(6, 9))).toEqual([89, 89, 89]);
  });

  it('leaves multiclass background untinted and gives each other class its own tint', () => {
    const show = (label: number) => Array.from(overlayRgb(Float32Array.of(0), 1, 1, 1, { labels: Int32Array.of(label), mode: 'multiclass' }).data);
    expect(show(0)).toEqual([0, 0, 0]);
    expect(show(1).some((v) => v > 0)).toBe(true);
    expect(show(2).some((v) => v > 0)).toBe(true);
    expect(show(2)).not.toEqual(show(1));
  });
});

describe('text', () => {
  it('formats seconds and score lines', () => {
    expect(formatSeconds(59.4)).toBe('59s');
    expect(formatSeconds(61)).toBe('1m01s');
    expect(formatSeconds(Number.POSITIVE_INFINITY)).toBe('?');
    expect(scoreLine({ dice: 0.5, iou: 1 / 3, precision: 1, recall: 0.25 }, 3)).toBe('Dice 0.500  IoU 0.333  precision 1.000  recall 0.250');
  });
});
