import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { activate, prepare } from '../core/normalize.js';
import { parseClassOptions, parseCommon } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { softSkeleton } from '../core/softMorphology.js';
import { ratio } from '../core/stable.js';
import { checkKeys, checkNumber, fail, shapeText } from '../core/validate.js';

/** Options of {@link clDiceLoss}. */
/**
 * Options of {@link clDiceLoss}: `mode`, `fromLogits` and `dataFormat` as everywhere (binary and
 * multilabel targets may be soft; multiclass one-hot targets are read through their argmax).
 */
export interface ClDiceLossOptions extends Omit<CommonOptions, 'ignoreIndex'> {
  /**
   * Erosion steps of the soft skeleton: about the largest half-width (in pixels) of the
   * structures it thins down to a centre line.
   * @defaultValue `3`
   */
  iterations?: number;
  /**
   * Added to numerator and denominator of topology precision and sensitivity; must be > 0.
   * @defaultValue `1`
   */
  smooth?: number;
  /**
   * Channels that take part.
   * @defaultValue binary `[0]`, multiclass every class but 0, multilabel every channel
   */
  classes?: number[];
}

const KEYS = ['mode', 'fromLogits', 'dataFormat', 'iterations', 'smooth', 'classes'] as const;

/** Keeps the channels `classes` of `[..., C]` with slices and a concat (no gather: wasm lacks its gradient). */
function keepChannels(x: Tensor, classes: readonly number[]): Tensor {
  const lead = x.shape.slice(0, -1);
  const cols = classes.map((c) => tf.slice(x, [...lead.map(() => 0), c], [...lead, 1]));
  return cols.length === 1 ? cols[0] : tf.concat(cols, x.rank - 1);
}

/** The default `classes`: binary `[0]`, multiclass `[1, ..., C − 1]`, multilabel `[0, ..., C − 1]`. */
function defaultClasses(mode: Mode, C: number): number[] {
  return mode === 'multiclass' ? Array.from({ length: C - 1 }, (_, i) => i + 1) : Array.from({ length: C }, (_, i) => i);
}

/**
 * Centreline Dice (clDice) loss for tubular and thin structures (vessels, roads, neurons,
 * cracks): Dice between each mask and the other's soft skeleton.
 *
 * With S(·) the soft skeleton (soft erosion = minimum over the 3-long window along each spatial
 * axis, then over axes; soft dilation = maximum over the 3×3(×3) window; open = dilate ∘ erode;
 * S = relu(x − open(x)), then `iterations` times x = erode(x), δ = relu(x − open(x)),
 * S = S + relu(δ − S·δ)), summed over the kept channels of all images together:
 * Tprec = (Σ S(p)·t + smooth) / (Σ S(p) + smooth), Tsens = (Σ S(t)·p + smooth) / (Σ S(t) + smooth),
 * loss = 1 − 2·Tprec·Tsens / (Tprec + Tsens).
 *
 * **When to use:** thin, connected structures, where Dice barely notices a one-pixel break in a
 * vessel; combine it with a region loss (the paper uses (1 − α)·Dice + α·clDice), e.g.
 * `combineLosses([diceLoss(), [clDiceLoss(), 0.5]])`. 2-D and 3-D only. Cost: 2 + 3·iterations
 * soft erosions / dilations per skeleton, of p and of t, each a few shifted minimum / maximum
 * passes — tens of Dice evaluations (docs/v11-region-losses.md has timings). No pooling kernel,
 * so the gradient is right on every backend; at ties inside a window it is one valid subgradient.
 *
 * **Reference:** Shit, Paetzold, Sekuboyina, Ezhov, Unger, Zhylka, Pluim, Bauer and Menze,
 * "clDice — a novel topology-preserving loss function for tubular structure segmentation",
 * CVPR 2021, arXiv:2003.07311. Cross-checked against MONAI's SoftclDiceLoss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { clDiceLoss } from 'segloss';
 * const loss = clDiceLoss({ iterations: 2 });
 * // a vertical line, 1 pixel wide, in a 5×5 image
 * const yTrue = tf.tensor4d([0,0,1,0,0, 0,0,1,0,0, 0,0,1,0,0, 0,0,1,0,0, 0,0,1,0,0], [1, 5, 5, 1]);
 * const logits = tf.sub(tf.mul(yTrue, 12), 6);
 * loss(yTrue, logits).print(); // ≈ 0.001
 * ```
 * @throws Error on unknown options, bad option values, class ids ≥ C, tensors of the wrong shape
 * for the mode, or a yPred with other than 2 or 3 spatial dims.
 * @see {@link diceLoss}, {@link combineLosses}
 */
export function clDiceLoss(options: ClDiceLossOptions = {}): LossFn {
  const fn = 'clDiceLoss';
  checkKeys(fn, options, KEYS);
  const bag = options as Record<string, unknown>;
  const o = Object.freeze({
    ...parseCommon(fn, bag),
    iterations: checkNumber(fn, 'iterations', options.iterations, 3, { min: 0, integer: true }),
    smooth: checkNumber(fn, 'smooth', options.smooth, 1, { above: 0 }),
    classes: parseClassOptions(fn, { classes: options.classes }).classes,
  });
  return defineLoss(fn, (yTrue, yPred) => {
    const prepared = prepare(fn, yTrue, yPred, o);
    const { x, C, spatial } = prepared;
    if (spatial.length !== 2 && spatial.length !== 3) {
      fail(
        fn,
        `yPred must have 2 or 3 spatial dims ([B, H, W, C] or [B, D, H, W, C], channels last), got ${spatial.length} (shape ${shapeText(yPred.shape)}).`,
      );
    }
    const classes = o.classes ?? defaultClasses(o.mode, C);
    checkClassOptions(fn, C, { classes });
    // Multiclass: hard one-hot targets (one-hot / soft inputs through their argmax).
    const tAll = prepared.labels ? tf.reshape(tf.oneHot(tf.reshape(prepared.labels, [-1]), C), x.shape) : prepared.t;
    const p = keepChannels(activate(x, o.mode, o.fromLogits), classes);
    const t = keepChannels(tf.cast(tAll, 'float32'), classes);
    const Sp = softSkeleton(p, o.iterations);
    const St = softSkeleton(t, o.iterations);
    const tPrec = ratio(tf.add(tf.sum(tf.mul(Sp, t)), o.smooth), tf.add(tf.sum(Sp), o.smooth));
    const tSens = ratio(tf.add(tf.sum(tf.mul(St, p)), o.smooth), tf.add(tf.sum(St), o.smooth));
    return tf.sub(1, tf.div(tf.mul(tf.mul(tPrec, tSens), 2), tf.add(tPrec, tSens)));
  });
}

/** The modes clDiceLoss accepts (the CLI reads this to build a loss for a task). */
clDiceLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
