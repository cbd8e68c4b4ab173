import { describe, expect, it } from 'vitest';
import { COMPARE_FLAGS, MULTICLASS_LOSSES, TRAIN_FLAGS } from '../../src/cli/options/flags.js';
import { parseFlags } from '../../src/cli/options/parse.js';
import { comparePlan, trainPlan } from '../../src/cli/options/plan.js';
import { IGNORED } from '../../src/cli/pipeline/types.js';
import { UsageError } from '../../src/cli/errors.js';

const compare = (...argv: string[]) => {
  const { flags, given } = parseFlags('compare', COMPARE_FLAGS, argv);
  return comparePlan(flags, given);
};

describe('comparePlan()', () => {
  it('plans the synthetic set with the table defaults and one built loss per spec', () => {
    const plan = compare('--losses', 'diceLoss,focalLoss{gamma:1.5}');
    expect(plan.data.source).toEqual({
      kind: 'synthetic',
      count: COMPARE_FLAGS.syntheticCount.default,
      size: COMPARE_FLAGS.syntheticSize.default,
      fgFraction: COMPARE_FLAGS.fgFraction.default,
      seed: COMPARE_FLAGS.seed.default,
    });
    expect(plan.data.label).toEqual({ mode: 'binary', classes: 2, foreground: undefined, ignoreIndex: undefined });
    expect(plan.data.resolution).toEqual({ kind: 'native', scale: 1 });
    expect([plan.data.patch, plan.data.augment, plan.savePredictions]).toEqual([COMPARE_FLAGS.patch.default, true, false]);
    expect(plan.losses.map((l) => [l.spec.label, l.loss.name])).toEqual([['diceLoss', 'diceLoss'], ['focalLoss{gamma:1.5}', 'focalLoss']]);
    const t = COMPARE_FLAGS;
    expect(plan.training).toEqual({
      epochs: t.epochs.default,
      steps: undefined,
      batchSize: t.batchSize.default,
      lr: t.lr.default,
      width: t.width.default,
      depth: t.depth.default,
      seed: t.seed.default,
    });
  });

  it('plans --size N as whole N×N images (the patch is the image) and --scale/--patch/--no-augment as given', () => {
    const sized = compare('--size', '32').data;
    expect([sized.resolution, sized.patch]).toEqual([{ kind: 'size', size: 32 }, 32]);
    expect(sized.source).toMatchObject({ kind: 'synthetic', size: 32 }); // the synthetic set is made at that size
    const scaled = compare('--scale', '0.5', '--patch', '64', '--no-augment').data;
    expect([scaled.resolution, scaled.patch, scaled.augment]).toEqual([{ kind: 'native', scale: 0.5 }, 64, false]);
  });

  it('reads --mask-suffix, --palette and --class-names for a folder', () => {
    const d = compare('--data', 'd', '--mask-suffix', '_mask', '--palette', 'p.csv', '--class-names', 'sky, road', '--mode', 'multiclass', '--losses', 'diceLoss').data;
    expect([d.maskSuffix, d.palette, d.classNames]).toEqual(['_mask', 'p.csv', ['sky', 'road']]);
  });

  it('trains the multiclass counterpart of the default losses in multiclass mode', () => {
    const labels = compare('--mode', 'multiclass').losses.map((l) => l.spec.label);
    expect(labels).toEqual(MULTICLASS_LOSSES.split(/,(?![^{]*\})/));
    expect(labels).toContain('crossEntropyLoss');
    expect(labels).toContain('lovaszSoftmaxLoss');
  });

  it('gives the synthetic multiclass set 3 classes unless --classes says otherwise', () => {
    expect(compare('--mode', 'multiclass', '--losses', 'diceLoss').data.label.classes).toBe(3);
    expect(compare('--mode', 'multiclass', '--classes', '5', '--losses', 'diceLoss').data.label.classes).toBe(5);
  });

  it('plans a folder without resolving classes (the data decides)', () => {
    const plan = compare('--data', 'd', '--val', 'v', '--foreground', '0', '--ignore-index', '7');
    expect(plan.data.source).toEqual({ kind: 'folder', data: 'd', val: 'v' });
    expect(plan.data.label).toEqual({ mode: 'binary', classes: undefined, foreground: 0, ignoreIndex: 7 });
  });

  it.each([
    [['--size', '30'], /--size must be divisible by 2\^depth = 8 \(the U-Net pools 3 times\), got 30/],
    [['--size', '34', '--depth', '2'], /2\^depth = 4 \(the U-Net pools 2 times\), got 34/],
    [['--patch', '100'], /--patch must be divisible by 2\^depth = 8 \(the U-Net pools 3 times\), got 100/],
    [['--size', '32', '--scale', '0.5'], /--scale and --size exclude each other/],
    [['--size', '32', '--patch', '32'], /--patch and --size exclude each other/],
    [['--mask-suffix', '_m'], /--mask-suffix applies to --data folders only/],
    [['--palette', '0,0,0'], /--palette applies to --data folders only/],
    [['--data', 'd', '--synthetic-size', '32'], /--synthetic-size applies to the synthetic set only/],
    [['--class-names', 'a,,b'], /--class-names must be a comma-separated list of names, got 'a,,b'/],
    [['--mode', 'multiclass', '--classes', '3', '--class-names', 'a,b'], /--class-names must name the 3 classes, got 2 names/],
    [['--classes', '3'], /--classes must be 2 \(or left out\) in binary mode, got 3/],
    [['--mode', 'multiclass', '--foreground', '1'], /--foreground applies to --mode binary only/],
    [['--foreground', '3', '--ignore-index', '3'], /--ignore-index and --foreground must differ, got 3 for both/],
    [['--val', 'v'], /--val needs --data/],
    [['--data', 'd', '--synthetic-count', '9'], /--synthetic-count applies to the synthetic set only/],
    [['--data', 'd', '--fg-fraction', '0.1'], /--fg-fraction applies to the synthetic set only/],
  ])('refuses %j as a usage error', (argv, message) => {
    expect(() => compare(...argv)).toThrow(message);
    expect(() => compare(...argv)).toThrow(UsageError);
  });

  it('accepts a --synthetic-count equal to its default only without --data', () => {
    // Given explicitly, the flag is refused with --data even when it equals the default.
    expect(() => compare('--data', 'd', '--synthetic-count', String(COMPARE_FLAGS.syntheticCount.default))).toThrow(/applies to the synthetic set only/);
  });
});

describe('trainPlan()', () => {
  const train = (...argv: string[]) => {
    const { flags, given } = parseFlags('train', TRAIN_FLAGS, argv);
    return trainPlan(flags, given);
  };

  it('builds the one loss with the task mode and the ignored label', () => {
    const plan = train('--mode', 'multiclass', '--ignore-index', '255', '--loss', 'crossEntropyLoss');
    expect(plan.loss.spec.name).toBe('crossEntropyLoss');
    expect(plan.loss.loss.name).toBe('crossEntropyLoss');
    expect(plan.out).toBe(TRAIN_FLAGS.out.default);
    expect(IGNORED).toBe(-1); // the label ignored pixels get (what the loss is built with)
  });

  it('takes exactly one loss', () => {
    expect(() => train('--loss', 'diceLoss,bceLoss')).toThrow('--loss takes one loss, got 2 (diceLoss, bceLoss); use segloss compare for several.');
  });
});
