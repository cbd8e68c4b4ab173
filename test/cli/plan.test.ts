import { describe, expect, it } from 'vitest';
import { COMPARE_FLAGS, TRAIN_FLAGS } from '../../src/cli/options/flags.js';
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
    expect(plan.data.source).toEqual({ kind: 'synthetic', count: COMPARE_FLAGS.syntheticCount.default, fgFraction: COMPARE_FLAGS.fgFraction.default, seed: COMPARE_FLAGS.seed.default });
    expect(plan.data.label).toEqual({ mode: 'binary', classes: 2, foreground: undefined, ignoreIndex: undefined });
    expect(plan.losses.map((l) => [l.spec.label, l.loss.name])).toEqual([['diceLoss', 'diceLoss'], ['focalLoss{gamma:1.5}', 'focalLoss']]);
    expect(plan.training).toEqual({ mode: 'binary', epochs: 15, batchSize: 4, lr: 0.003, width: 8, depth: 2, seed: 42 });
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
    [['--size', '30'], /--size must be divisible by 2\^depth = 4 \(the U-Net pools 2 times\), got 30/],
    [['--size', '36', '--depth', '3'], /2\^depth = 8/],
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
