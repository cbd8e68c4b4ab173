import { describe, expect, it } from 'vitest';
import { compareStats } from '../../src/cli/pipeline/stats.js';
import type { RunRecord } from '../../src/cli/pipeline/runRecord.js';
import { buildResults } from '../../src/cli/report/buildResults.js';
import { intervalChart, niceTicks, lineChart, scatterChart } from '../../src/cli/report/charts.js';
import { resultsCsv, summaryCsv } from '../../src/cli/report/csv.js';
import type { CompareSettings, Overlay, Results } from '../../src/cli/report/data.js';
import { renderHtml } from '../../src/cli/report/html.js';
import { classColor, overlayRgb } from '../../src/cli/report/overlays.js';
import { formatSeconds, lossLine, scoreLine, verdictSentence } from '../../src/cli/report/text.js';
import { IGNORED, type RawImage } from '../../src/cli/pipeline/types.js';
import { diceImages, multiclassRecord, record } from './statsRecords.js';

const SETTINGS: CompareSettings = {
  data: 'synthetic', syntheticCount: 8, syntheticSize: 4, fgFraction: 0.03, valSplit: 0.25, trainImages: 6, valImages: 2, imageSizes: '4×4',
  resolution: 'native', patch: 4, augment: true, inference: 'sliding window 4×4', channels: 1, mode: 'binary',
  classes: 2, foreground: '1 or 255', ignoreIndex: null, trainForegroundFraction: 0.1, valForegroundFraction: 0.2, model: 'U-Net, width 8, depth 2',
  epochs: 2, steps: 2, batchSize: 4, optimizer: 'adam', lr: 0.003, seed: 42, threshold: 0.5, backend: 'cpu', tfjs: '4.22.0', losses: ['diceLoss', 'focalLoss{a:"<x>",b:1}'],
};
const FOCAL = 'focalLoss{a:"<x>",b:1}';

/** A report of `records` (binary unless the settings say otherwise). */
function report(records: RunRecord[], settings: CompareSettings = SETTINGS): Results {
  const stats = compareStats(records, { mode: settings.mode, classNames: settings.classNames, replicates: 500 });
  return buildResults(stats, records, {
    command: 'segloss compare --epochs 2',
    createdAt: '2026-01-01T00:00:00.000Z',
    settings,
    options: { [FOCAL]: { a: '<x>', b: 1 } },
  });
}

// Six images; diceLoss beats focal by 0.3 on each (separable), or by nothing (tied).
const BASE = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55];
const SEPARATED = report([
  record(1, FOCAL, 0, diceImages(BASE)),
  record(0, 'diceLoss', 0, diceImages(BASE.map((d) => d + 0.3))),
]);
const TIED = report([record(0, 'diceLoss', 0, diceImages(BASE)), record(1, FOCAL, 0, diceImages([...BASE].reverse()))]);

/** A 4×2 held-out image (not square: the overlays keep each image's own size). */
const OVERLAY: Overlay = {
  name: 'img0',
  width: 4,
  height: 2,
  image: new Float32Array(8).fill(0.5),
  truth: Int32Array.from({ length: 8 }, (_, i) => (i < 4 ? 1 : 0)),
  predictions: { diceLoss: new Int32Array(8), [FOCAL]: new Int32Array(8).fill(1) },
};

const view = (encoded: RawImage[] = [], mode: 'binary' | 'multiclass' = 'binary') => ({
  channels: 1,
  mode,
  pngDataUri: (image: RawImage) => (encoded.push(image), `data:image/png;base64,IMG${encoded.length}`),
});
const metricsTable = (html: string) => html.slice(html.indexOf('<table class="metrics">'), html.indexOf('</table>', html.indexOf('<table class="metrics">')));

describe('buildResults(): results.json v2', () => {
  it('carries the schema, the verdict and every documented field with its type', () => {
    const r = JSON.parse(JSON.stringify(SEPARATED));
    expect(r.schema).toBe(2);
    expect(r.verdict).toMatchObject({ best: 'diceLoss', tiedWithBest: [], metric: 'dice', confidence: 0.95 });
    expect(typeof r.verdict.method).toBe('string');
    expect(r.best).toBe(r.verdict.best);
    expect(r.statistics).toMatchObject({ aggregation: 'pooled counts', repeats: [0], images: ['img0', 'img1', 'img2', 'img3', 'img4', 'img5'], replicates: 500, seed: 0 });
    expect(r.losses.map((l: { label: string }) => l.label)).toEqual(['diceLoss', FOCAL]); // in --losses order
    const [dice, focal] = r.losses;
    expect(focal).toMatchObject({ loss: 'focalLoss', options: { a: '<x>', b: 1 }, tiedWithBest: false, collapsed: false, collapsedRuns: 0, seconds: 3 });
    for (const key of ['dice', 'iou', 'precision', 'recall', 'difference', 'pBest', 'seconds']) expect(typeof dice[key]).toBe('number');
    for (const key of ['diceCI', 'iouCI', 'differenceCI']) {
      expect(focal[key]).toHaveLength(2);
      expect(focal[key][0]).toBeLessThanOrEqual(focal[key][1]);
    }
    expect(dice.differenceCI).toBeNull();
    // mean Dice 0.425 + 0.3 pooled over equal-sized images = 0.725
    expect(dice.dice).toBeCloseTo(0.725, 12);
    expect(dice.runs).toEqual([expect.objectContaining({ repeat: 0, seed: 42, dice: dice.dice, collapsed: false, seconds: 2, history: expect.any(Array) })]);
    // img0: TP 60, FP 40, FN 40 → IoU 60 / 140
    expect(dice.perImage[0]).toEqual({ image: 'img0', dice: 0.6, iou: 60 / 140, precision: 0.6, recall: 0.6 });
    expect(r.baselines['all foreground'].recall).toBe(1);
  });

  it('averages each epoch over the runs and sums their seconds', () => {
    const a = record(0, 'x', 0, diceImages([0.5, 0.6]));
    const b = { ...record(0, 'x', 1, diceImages([0.5, 0.7])), history: [{ epoch: 1, loss: 0.3, valLoss: 0.4, valDice: 0.7, valIou: 0.5, seconds: 3 }] };
    const r = report([a, b]);
    expect(r.losses[0].history).toEqual([{ epoch: 1, loss: 0.4, valLoss: 0.5, valDice: 0.6, valIou: 0.4, seconds: 2 }]);
    expect(r.losses[0].seconds).toBe(4);
    expect(r.losses[0].runs.map((x) => x.seed)).toEqual([42, 43]);
  });
});

describe('renderHtml()', () => {
  const encoded: RawImage[] = [];
  const html = renderHtml(SEPARATED, [OVERLAY], view(encoded));
  const tied = renderHtml(TIED, [OVERLAY], view());

  it('stars a winner the data separate, and says so in one sentence', () => {
    expect(html).toContain('<p class="verdict">diceLoss is best (held-out Dice), ahead of every other loss (each difference&#39;s 95% interval excludes 0).</p>');
    expect(metricsTable(html)).toContain('<tr class="winner"><td><code>diceLoss</code></td><td>★ best</td>');
  });

  it('never stars a tied winner: "tied with best" in words instead', () => {
    expect(tied).not.toContain('★ best');
    expect(metricsTable(tied)).toContain('tied with best');
    expect(tied).toContain('is tied with it (its difference&#39;s 95% interval contains 0)');
  });

  it('lists the losses by held-out Dice with intervals, the column bests bold, then the baseline', () => {
    const rows = metricsTable(html);
    expect(rows.indexOf('<code>diceLoss</code>')).toBeLessThan(rows.indexOf('<code>focalLoss'));
    expect(rows.indexOf('<code>focalLoss')).toBeLessThan(rows.indexOf('all foreground'));
    const ci = SEPARATED.losses[0].diceCI!;
    expect(rows).toContain(`<td class="num best">0.725 <span class="ci">[${ci[0].toFixed(3)}, ${ci[1].toFixed(3)}]</span></td>`);
  });

  it('marks a collapsed loss in the table and the error-bar chart', () => {
    const flat = record(1, 'flat', 0, diceImages(BASE).map((c) => ({ tp: [c.tp[0] + c.fn[0], 0], fp: [c.fp[0] + c.tp[1], 0], fn: [0, c.tp[1] + c.fn[1]] })));
    const page = renderHtml(report([record(0, 'diceLoss', 0, diceImages(BASE)), flat]), [], view());
    expect(metricsTable(page)).toMatch(/<tr class="collapsed-row"><td><code>flat<\/code><\/td><td>behind <span class="collapsed" title="100.00% of pixels predicted 0">⚠ collapsed<\/span>/);
    expect(page).toContain('>flat (collapsed)</text>');
  });

  it('escapes labels and shows every setting in order', () => {
    expect(html).toContain('<code>focalLoss{a:&#34;&#60;x&#62;&#34;,b:1}</code>');
    expect(html).not.toContain('<x>');
    const settings = html.slice(html.indexOf('<table class="settings">'));
    const keys = [...settings.matchAll(/<tr><th>([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(keys).toEqual(Object.keys(SETTINGS));
  });

  it('draws the error bars, the top-two scatter, the Dice chart and one loss chart per loss', () => {
    expect(html.match(/<svg /g)).toHaveLength(3 + SEPARATED.losses.length);
    // one error bar per loss with an interval, one scatter point per image
    expect(html.match(/class="bar"/g)).toHaveLength(2);
    expect(html.match(/class="point"/g)).toHaveLength(6);
    expect(html).toContain('<code>focalLoss{a:&#34;&#60;x&#62;&#34;,b:1}</code> scores higher on 0 images, <code>diceLoss</code> on 6');
  });

  it('encodes image, truth and one prediction per loss for each sample, through the given encoder', () => {
    expect(encoded).toHaveLength(2 + SEPARATED.losses.length);
    for (const image of encoded) expect([image.width, image.height, image.channels, image.bitDepth, image.data.length]).toEqual([4, 2, 3, 8, 24]);
    for (let k = 1; k <= encoded.length; k++) expect(html).toContain(`src="data:image/png;base64,IMG${k}"`);
    // shown at 128 pixels on the longer side (a 4×2 image zoomed 32 times), aspect kept
    expect(html).toContain('alt="img0 image" width="128" height="64"');
    expect(html).toContain('at resolution <strong>native</strong>');
  });
});

describe('renderHtml(): multiclass', () => {
  const maps = [
    { truth: [0, 0, 1, 1, 2, 2], prediction: [0, 0, 1, 1, 1, 0] },
    { truth: [0, 1, 1, 1, 2, IGNORED], prediction: [0, 1, 1, 0, 0, 2] },
  ];
  const settings: CompareSettings = { ...SETTINGS, mode: 'multiclass', classes: 3, classNames: ['sky', 'road', 'pole'], losses: ['ce', 'gd'] };
  const sky = maps.map((m) => ({ truth: m.truth, prediction: m.truth.map(() => 0) }));
  const results = report([multiclassRecord(0, 'ce', 0, maps, 3), multiclassRecord(1, 'gd', 0, sky, 3)], settings);
  const html = renderHtml(results, [], view([], 'multiclass'));

  it('uses mIoU for the verdict and names the classes in the per-class tables', () => {
    expect(results.verdict.metric).toBe('iou');
    expect(html).toContain('<table class="classes">');
    expect(html).toMatch(/<tr><th>pole<\/th><td class="num">0\.000<\/td><td class="num">0\.000<\/td><td class="num">—<\/td>/);
  });

  it('shows a class never predicted with precision "—", never 1, and flags the one-class loss', () => {
    const gd = results.losses.find((l) => l.label === 'gd')!;
    // 11 valid pixels all predicted sky, 3 of them sky
    expect(gd.perClass!.map((c) => c.precision)).toEqual([3 / 11, NaN, NaN]);
    expect(gd.collapsed).toBe(true);
    expect(JSON.parse(JSON.stringify(gd)).perClass[1].precision).toBeNull();
  });

  it('draws the confusion matrix normalised by row, with pixel counts on hover, and a class legend', () => {
    // ce's confusion [[3, 0, 0], [1, 4, 0], [2, 1, 0]]: the pole row is 67% sky, 33% road
    expect(html).toContain('title="truth pole → predicted sky: 2 pixels (66.7% of the row)">67%</td>');
    expect(html).toContain(`<i style="background:#${classColor(2).map((v) => v.toString(16).padStart(2, '0')).join('')}"></i>pole`);
  });
});

describe('CSV files', () => {
  it('results.csv has one row per loss × image (mean over runs), labels quoted where needed', () => {
    const rows = resultsCsv(SEPARATED).trim().split('\n');
    expect(rows).toHaveLength(1 + 2 * 6);
    expect(rows[0]).toBe('label,loss,image,dice,iou,precision,recall,runs');
    expect(rows[1]).toBe(`diceLoss,diceLoss,img0,0.6,${60 / 140},0.6,0.6,1`);
    expect(rows[7]).toMatch(/^"focalLoss\{a:""<x>"",b:1\}",focalLoss,img0,0\.3,/);
  });

  it('summary.csv has one row per loss with its intervals, verdict and collapse flag', () => {
    const rows = summaryCsv(TIED).trim().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[0].split(',')).toHaveLength(20);
    const focal = rows[2].split(',');
    const head = rows[0].split(',');
    const at = (name: string) => focal[head.indexOf(name) + 1]; // the quoted label holds two commas
    expect([at('tied_with_best'), at('best'), at('collapsed')]).toEqual(['true', 'false', 'false']);
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

  it('gives every multiclass class its own tint, class 0 included (not assumed to be background)', () => {
    const show = (label: number) => Array.from(overlayRgb(Float32Array.of(0), 1, 1, 1, { labels: Int32Array.of(label), mode: 'multiclass' }).data);
    expect(show(0)).toEqual(mix(classColor(0)));
    expect(show(1)).toEqual(mix(classColor(1)));
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
    expect(scoreLine({ dice: 0, iou: 0, precision: NaN, recall: 0 }, 2)).toBe('Dice 0.00  IoU 0.00  precision —  recall 0.00');
  });

  it('verdictSentence() names the ties, or says the best is ahead of every other loss', () => {
    const v = (tiedWithBest: string[], n = 3) => ({ verdict: { best: 'a', tiedWithBest, metric: 'dice' as const, confidence: 0.95 }, losses: ['a', 'b', 'c'].slice(0, n).map((label) => ({ label })) });
    expect(verdictSentence(v(['b', 'c']))).toBe("a is best (held-out Dice); b and c are tied with it (their difference's 95% interval contains 0): the data cannot separate the losses.");
    expect(verdictSentence(v(['b']))).toBe("a is best (held-out Dice); b is tied with it (its difference's 95% interval contains 0).");
    expect(verdictSentence(v([]))).toBe("a is best (held-out Dice), ahead of every other loss (each difference's 95% interval excludes 0).");
    expect(verdictSentence(v([], 1))).toBe('a is the only loss compared (held-out Dice).');
  });

  it('verdictSentence() warns when the best loss collapsed, and when every loss did', () => {
    const v = (collapsed: boolean[]) => ({ verdict: { best: 'a', tiedWithBest: [], metric: 'dice' as const, confidence: 0.95 }, losses: ['a', 'b'].map((label, i) => ({ label, collapsed: collapsed[i] })) });
    const ahead = "a is best (held-out Dice), ahead of every other loss (each difference's 95% interval excludes 0).";
    expect(verdictSentence(v([false, true]))).toBe(ahead);
    expect(verdictSentence(v([true, false]))).toBe(`${ahead} Caution: a itself collapsed in most of its runs (see the table).`);
    expect(verdictSentence(v([true, true]))).toBe(`${ahead} Every loss collapsed (near-constant predictions, or scores within noise of the trivial baseline): train longer before trusting this ranking.`);
  });

  it('lossLine() prints the scores with their intervals and the standing', () => {
    const l = { label: 'b', dice: 0.5, diceCI: [0.4, 0.6] as [number, number], iou: 1 / 3, iouCI: null, tiedWithBest: true, collapsed: true };
    expect(lossLine(l, 'a', 4)).toBe('b    Dice 0.500 [0.400, 0.600]  IoU 0.333 [no interval]  tied with best  collapsed');
  });
});
