import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPARE_FLAGS } from '../../src/cli/options/flags.js';
import { decode as decodePng } from 'fast-png';
import * as tf from '@tensorflow/tfjs';
import { surfaceScores } from '../../src/cli/pipeline/surfaceScores.js';
import { syntheticDataset } from '../../src/cli/pipeline/synthetic.js';
import type { Tf } from '../../src/cli/pipeline/types.js';
import { predictionPath } from '../../src/cli/report/predictions.js';
import { dataFolder, samplesFolder } from './dataFolder.js';
import { png } from './imageFiles.js';
import { cli, tinyRun } from './runCli.js';

const root = mkdtempSync(join(tmpdir(), 'segloss-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The smallest run on 8 synthetic 16×16 images. */
const TINY = ['--synthetic-count', '8', '--synthetic-size', '16', '--repeats', '1', ...tinyRun()];
/** The same for a --data folder (no synthetic-set options). */
const TINY_DATA = tinyRun();

describe('segloss --help', () => {
  it('lists the commands', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/compare .*\n.*train .*\n.*eval /);
  });

  it('shows every option of compare with its default', async () => {
    const { code, out } = await cli('compare', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`--epochs N\\s+training epochs per loss .*\\(default: ${COMPARE_FLAGS.epochs.default}\\)`));
    expect(out).toMatch(/--size N\s+old quick-look mode: resize every image to N×N.*\(default: none: native resolution \(--scale\)\)/);
    expect(out).toMatch(/--no-augment\s+no random flips/);
    expect(out).toMatch(/--save-predictions\s+also write every held-out prediction/);
    expect(out).toMatch(/--out DIR\s+.*\(default: segloss-report\)/);
    expect(out).toMatch(/--losses LIST .*\(default: bceLoss,diceLoss,bceDiceLoss,focalLoss,tverskyLoss\{alpha:0\.3,beta:0\.7\},lovaszHingeLoss; with --mode multiclass: crossEntropyLoss,.*,lovaszSoftmaxLoss\)/);
    expect(out).toMatch(/--backend NAME .*\(default: auto\)/);
    expect(out).toMatch(/--val-split F .*\(default: 0\.25\)/);
    expect(out).toMatch(/-q, --quiet/);
  });

  it('shows the defaults of train and eval', async () => {
    expect((await cli('train', '--help')).out).toMatch(/--loss SPEC .*\(default: bceDiceLoss\)[\s\S]*--out DIR\s+model folder \(default: segloss-model\)/);
    expect((await cli('eval', '--help')).out).toMatch(/--model DIR\s+folder written by segloss train \(required\)[\s\S]*--synthetic-count N .*\(default: 16\)/);
  });
});

describe('segloss bad command lines', () => {
  it('names an unknown command and suggests the nearest', async () => {
    const { code, err } = await cli('compair');
    expect(code).toBe(2);
    expect(err).toMatch(/^segloss: unknown command 'compair' \(did you mean 'compare'\?\)/);
  });

  it('names an unknown flag and suggests the nearest', async () => {
    const { code, err } = await cli('compare', '--epoch', '3');
    expect(code).toBe(2);
    expect(err).toMatch(/^segloss compare: unknown option '--epoch' \(did you mean '--epochs'\?\)/);
  });

  it('says what a flag expects and what it got', async () => {
    expect((await cli('compare', '--epochs', 'abc')).err).toMatch(/--epochs must be an integer in \[1, 100000\], got 'abc'\./);
    expect((await cli('compare', '--val-split', '1')).err).toMatch(/--val-split must be a number in \(0, 1\), got '1'\./);
    expect((await cli('compare', '--mode', 'binar')).err).toMatch(/--mode must be one of binary, multiclass, got 'binar' \(did you mean 'binary'\?\)/);
    expect((await cli('compare', '--size', '30')).err).toMatch(/--size must be divisible by 2\^depth = 8 .*got 30/);
    expect((await cli('compare', '--epochs')).err).toMatch(/option '--epochs' needs a value/);
  });

  it('names an unknown loss and passes on a loss\'s own option errors', async () => {
    const unknown = await cli('compare', '--losses', 'diceLoss,focalLos');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown loss 'focalLos' \(did you mean 'focalLoss'\?\)/);
    const option = await cli('compare', '--losses', 'focalLoss{gama:2}', ...TINY);
    expect(option.err).toMatch(/--losses focalLoss\{gama:2\}: focalLoss: unknown option 'gama' \(did you mean 'gamma'\?\)/);
    const value = await cli('compare', '--losses', 'tverskyLoss{alpha:-1}', ...TINY);
    expect(value.err).toMatch(/--losses tverskyLoss\{alpha:-1\}: tverskyLoss: .*alpha/);
    const syntax = await cli('compare', '--losses', 'diceLoss{smooth 1}');
    expect(syntax.err).toMatch(/--losses expected ':', got '1' at character 17/);
  });

  it('stops on bad data before training, naming the file', async () => {
    const dir = dataFolder(join(root, 'bad'), { 'x.png': [png(new Uint8Array(4), { width: 2, height: 2 }), undefined] });
    const out = join(root, 'bad-report');
    const { code, err } = await cli('compare', '--data', dir, '--out', out, '--repeats', '1', ...TINY_DATA);
    expect(code).toBe(1);
    expect(err).toMatch(/^segloss compare: unpaired files [\s\S]*1 image\(s\) without a mask: .*bad\/images\/x\.png/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to replace a folder that is not its own output', async () => {
    const out = join(root, 'precious');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    const { code, err } = await cli('compare', '--out', out, ...TINY);
    expect(code).toBe(2);
    expect(err).toMatch(/precious is a non-empty folder without results\.json/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });
});

describe('segloss compare', () => {
  it('writes a self-contained report and results with metrics in [0, 1]', async () => {
    const out = join(root, 'report');
    const { code, out: stdout, err } = await cli('compare', '--losses', 'diceLoss,focalLoss{gamma:1.5}', '--samples', '2', '--out', out, ...TINY);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(join(out, 'index.html'));
    expect(readdirSync(out).sort()).toEqual(['index.html', 'results.csv', 'results.json', 'runs', 'summary.csv']);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['diceLoss--r0.json', 'focalLoss_gamma_1.5_--r0.json']);
    expect(readdirSync(root).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.settings).toMatchObject({
      data: 'synthetic', trainImages: 6, valImages: 2, imageSizes: '16×16', resolution: 'native', patch: 16, augment: true, mode: 'binary', epochs: 1, steps: 2, backend: 'cpu',
    });
    expect(results.losses.map((l: { loss: string; label: string }) => [l.loss, l.label])).toEqual([
      ['diceLoss', 'diceLoss'],
      ['focalLoss', 'focalLoss{gamma:1.5}'],
    ]);
    expect(results.losses[1].options).toEqual({ gamma: 1.5 });
    for (const l of results.losses) {
      for (const k of ['dice', 'iou', 'precision', 'recall']) {
        if (k === 'precision' && l[k] === null) continue; // no foreground predicted: precision undefined (NaN → null)
        expect(l[k]).toBeGreaterThanOrEqual(0);
        expect(l[k]).toBeLessThanOrEqual(1);
      }
      expect(l.perImage).toHaveLength(2);
      expect(l.runs).toHaveLength(1);
      expect(l.history).toHaveLength(1);
      expect(Object.keys(l.history[0]).sort()).toEqual(['epoch', 'loss', 'seconds', 'valDice', 'valIou', 'valLoss']);
      expect(l.history[0].valDice).toBe(l.dice); // the last epoch's held-out Dice is the reported one
    }
    const best = results.losses.reduce((a: { dice: number }, b: { dice: number }) => (b.dice > a.dice ? b : a));
    expect(results.best).toBe(best.label);
    expect(results.schema).toBe(2);
    expect(results.verdict.best).toBe(best.label);
    // All-foreground baseline: Dice = 2T / (2T + B) over the held-out labels, in (0, 1).
    expect(results.baselines['all foreground'].recall).toBe(1);

    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain(`<p class="verdict">${best.label} is best`);
    expect(html.includes('★ best')).toBe(results.verdict.tiedWithBest.length === 0); // starred only when separable
    expect(html.match(/<svg /g)).toHaveLength(5); // error bars + top-two scatter + validation Dice + one loss chart per loss
    // Two samples: image + truth + one overlay per loss = 2 × 4 inline PNGs.
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(8);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // opens offline
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('label,loss,image,dice,iou,precision,recall,hd95,nsd,runs'); // one row per loss × held-out image
    expect(csv).toHaveLength(1 + 2 * 2);
    expect(csv[3]).toMatch(/^focalLoss\{gamma:1\.5\},focalLoss,/);
  });

  it('trains every loss from the same initial weights on the same batches', async () => {
    // The same loss twice gives identical histories only if weights and batch order are seeded.
    const out = join(root, 'twice');
    await cli('compare', '--losses', 'bceLoss,bceLoss', '--out', out, '--synthetic-count', '8', '--synthetic-size', '16', '--repeats', '1', ...tinyRun('wasm'));
    const [a, b] = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).losses;
    expect(b.label).toBe('bceLoss#2');
    expect(b.history[0].loss).toBe(a.history[0].loss);
    expect(b.dice).toBe(a.dice);
  });
});

describe('segloss train and eval', () => {
  it('round-trip a saved model: eval on the held-out folder reproduces the training scores', async () => {
    // A folder dataset written from synthetic samples: 6 training and 2 held-out pairs.
    const samples = syntheticDataset({ count: 8, size: 16, fgFraction: 0.1, seed: 5, classes: 2 });
    samplesFolder(join(root, 'tr'), samples.slice(0, 6));
    samplesFolder(join(root, 'va'), samples.slice(6));
    const model = join(root, 'model');
    const trained = await cli('train', '--data', join(root, 'tr'), '--val', join(root, 'va'), '--loss', 'bceDiceLoss', '--out', model, ...TINY_DATA);
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    expect(readdirSync(model).sort()).toEqual(['model.json', 'segloss.json', 'weights.bin']);
    const card = JSON.parse(readFileSync(join(model, 'segloss.json'), 'utf8'));
    const json = join(root, 'eval.json');
    const saved = join(root, 'eval-predictions');
    const evaluated = await cli('eval', '--model', model, '--data', join(root, 'va'), '--backend', 'cpu', '--json', json, '--nsd-tolerance', '2', '--save-predictions', saved);
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(/^bceDiceLoss on 2 images .*Dice \d\.\d{4}.*(HD95 \d+\.\d\d px|HD95 n\/a).*NSD@2px \d\.\d{4}/);
    const scores = JSON.parse(readFileSync(json, 'utf8'));
    for (const k of ['dice', 'iou', 'precision', 'recall']) expect(scores[k]).toBeCloseTo(card.scores[k], 6);
    // The boundary scores are those of the saved predictions (binary 0/255 PNGs at mask size)
    // against the held-out labels, recomputed here from the files.
    const pairs = samples.slice(6).map((s) => {
      const file = decodePng(readFileSync(join(saved, predictionPath('bceDiceLoss', s.name))));
      return { width: s.width, height: s.height, truth: s.labels, prediction: Int32Array.from(file.data as Uint8Array, (v) => (v > 0 ? 1 : 0)) };
    });
    const want = surfaceScores(tf as unknown as Tf, pairs, 'binary', 2, 2);
    expect(scores.nsdTolerance).toBe(2);
    expect(scores.nsd).toBeCloseTo(want.nsd, 6);
    expect(scores.hd95Infinite).toBe(want.hd95Infinite);
    if (Number.isNaN(want.hd95)) expect(scores.hd95).toBeNull();
    else expect(scores.hd95).toBeCloseTo(want.hd95, 6);
  });

  it('eval names a folder that is not a saved model', async () => {
    const { code, err } = await cli('eval', '--model', join(root, 'nothing'), '--backend', 'cpu');
    expect(code).toBe(1);
    expect(err).toMatch(/nothing\/segloss\.json is missing/);
  });
});
