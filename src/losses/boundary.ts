import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { CommonOptions, LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import { activate, checkPrediction, prepare, toLastPerm } from '../core/normalize.js';
import { parseClassOptions, parseCommon, parseReduction } from '../core/options.js';
import { checkClassOptions } from '../core/reduce.js';
import { assertTensor, checkEnum, checkKeys, fail, shapeText } from '../core/validate.js';
import { defaultClasses, keepChannels, labelReader, parseSpacing, signedMaps, spacingFor, thresholdReader } from './signedDistanceMap.js';

/** Options of {@link boundaryLoss}. */
export interface BoundaryLossOptions extends Omit<CommonOptions, 'ignoreIndex'> {
  /**
   * Class (channel) ids that enter the loss, in this order.
   * @defaultValue binary `[0]`, multiclass every class but 0 (background), multilabel every channel
   */
  classes?: number[];
  /**
   * Distance between neighbouring pixels along each spatial axis (one entry per spatial axis).
   * @defaultValue 1 along every axis
   */
  spacing?: number[];
  /**
   * `'mean'` over images, positions and kept classes, or `'sum'`.
   * @defaultValue `'mean'`
   */
  reduction?: 'mean' | 'sum';
  /**
   * What yTrue holds. `'mask'`: the targets of `mode`, whose φ is computed at each call (on the
   * CPU, after a read). `'signedDistanceMap'`: φ itself, precomputed with
   * {@link signedDistanceMap}, float32 in the layout of `dataFormat` — `[B, ...spatial, K]` with
   * channel k the map of class `classes[k]` (K kept classes, as signedDistanceMap returns for
   * the same `classes`), or `[B, ...spatial, C]` (yPred's shape, as `model.fit` needs) from which
   * the kept channels are taken. The call then reads nothing back, on any backend. `spacing`
   * belongs to the map then, so it must not be given here.
   * @defaultValue `'mask'`
   */
  targetType?: BoundaryTargetType;
}

/** What yTrue holds in {@link boundaryLoss}: target masks or labels, or their signed distance map. */
export type BoundaryTargetType = 'mask' | 'signedDistanceMap';
const TARGET_TYPES = ['mask', 'signedDistanceMap'] as const satisfies readonly BoundaryTargetType[];

const KEYS = ['mode', 'fromLogits', 'dataFormat', 'classes', 'spacing', 'reduction', 'targetType'] as const;

/** φ given as yTrue: checked against yPred's channels-last shape and returned channels last with the kept channels. */
function givenMap(fn: string, yTrue: unknown, yPred: Tensor, x: Tensor, kept: readonly number[], channelsFirst: boolean): Tensor {
  assertTensor(fn, 'yTrue', yTrue);
  const C = x.shape[x.rank - 1];
  const K = kept.length;
  const layout = channelsFirst ? '[B, K or C, ...spatial]' : '[B, ...spatial, K or C]';
  const last = channelsFirst && yTrue.rank === x.rank ? toLastPerm(x.rank).map((d) => yTrue.shape[d]) : yTrue.shape;
  const sameGrid = yTrue.rank === x.rank && last.slice(0, -1).every((d, i) => d === x.shape[i]);
  const channels = last[last.length - 1];
  if (!sameGrid || (channels !== K && channels !== C)) {
    fail(fn, `yTrue must be a signed distance map ${layout} with K = ${K} kept or C = ${C} channels for yPred ${shapeText(yPred.shape)} (targetType 'signedDistanceMap'), got shape ${shapeText(yTrue.shape)}.`);
  }
  if (yTrue.dtype !== 'float32') fail(fn, `yTrue must be a float32 signed distance map (targetType 'signedDistanceMap'), got ${yTrue.dtype}.`, 'TypeError');
  const phi = channelsFirst ? tf.transpose(yTrue, toLastPerm(yTrue.rank)) : yTrue;
  return channels === K ? phi : keepChannels(phi, kept);
}

/**
 * Boundary loss: the predicted probabilities weighted by the target's signed distance map.
 *
 * Loss = mean (or sum) over images b, positions q and kept classes c of p_c(q)·φ_c(q), where
 * φ_c is {@link signedDistanceMap} of the target region G of class c: dist(q, G) outside G,
 * −(dist(q, ∁G) − 1) inside G, 0 if G is empty or full. φ is a constant: the gradient is φ
 * (times the activation's derivative), so probability mass far from G costs in proportion
 * to its distance and mass deep inside G is rewarded.
 *
 * **When to use:** highly unbalanced segmentation (small lesions) where region losses give
 * weak or unstable gradients; the paper adds it to a region loss with a weight that grows
 * during training, e.g. `combineLosses([[diceLoss(), 1], [boundaryLoss(), 0.01]])`. Alone it
 * can be minimised by predicting nothing when the target is empty (φ = 0 there).
 *
 * **Cost:** one read of the target from the backend per call (`dataSync`; class-index targets
 * also pay the label check's small read), then on the CPU two exact EDTs per image and kept
 * class, each linear in the pixel count (Felzenszwalb and Huttenlocher, 2012): by design this
 * runs on the CPU, so on a GPU backend each call stalls the pipeline once. For GPU training,
 * precompute φ once per target with {@link signedDistanceMap} and pass it as yTrue with
 * `targetType: 'signedDistanceMap'`: the loss is then a product and a mean, with no read.
 *
 * **Reference:** Kervadec, Bouchtiba, Desrosiers, Granger, Dolz and Ben Ayed, "Boundary loss
 * for highly unbalanced segmentation", MIDL 2019, arXiv:1812.07032. Distances equal
 * `scipy.ndimage.distance_transform_edt`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { boundaryLoss } from 'segloss';
 * const yTrue = tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1]);        // φ = [1, 0, 0, 1, 2]
 * const probs = tf.tensor3d([0, 1, 1, 0, 0.5], [1, 5, 1]);
 * boundaryLoss({ fromLogits: false })(yTrue, probs).print();  // (0.5·2) / 5 = 0.2
 * ```
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { boundaryLoss, signedDistanceMap } from 'segloss';
 * // φ once per target (e.g. when the dataset is built), then training reads nothing back:
 * const phi = signedDistanceMap(tf.tensor3d([0, 1, 1, 0, 0], [1, 5, 1])); // [1, 0, 0, 1, 2]
 * const probs = tf.tensor3d([0, 1, 1, 0, 0.5], [1, 5, 1]);
 * boundaryLoss({ fromLogits: false, targetType: 'signedDistanceMap' })(phi, probs).print(); // ≈ 0.2
 * ```
 * @throws Error on unknown options, a `spacing` of the wrong length, class ids out of range,
 * or tensors of the wrong shape for the mode.
 * @see {@link signedDistanceMap}, {@link hausdorffDTLoss}, {@link combineLosses}
 */
export function boundaryLoss(options: BoundaryLossOptions = {}): LossFn {
  const fn = 'boundaryLoss';
  checkKeys(fn, options, KEYS);
  const bag = options as Record<string, unknown>;
  const common = parseCommon(fn, bag);
  const { classes } = parseClassOptions(fn, bag);
  const spacing = parseSpacing(fn, options.spacing);
  const reduction = parseReduction(fn, bag, ['mean', 'sum'] as const, 'mean');
  const targetType = checkEnum(fn, 'targetType', options.targetType, TARGET_TYPES, 'mask');
  if (targetType === 'signedDistanceMap' && spacing !== undefined) {
    fail(fn, `option 'spacing' must be left out with targetType 'signedDistanceMap' (the precomputed map already holds the spacing), got ${shapeText(spacing)}.`);
  }
  const o = Object.freeze({ ...common, classes, spacing, reduction, targetType });

  /** φ given: no read, every backend. */
  function precomputed(yTrue: Tensor, yPred: Tensor): Tensor {
    checkPrediction(fn, yPred, o.mode, o.dataFormat);
    const channelsFirst = o.dataFormat === 'channelsFirst';
    const x = channelsFirst ? tf.transpose(yPred, toLastPerm(yPred.rank)) : yPred;
    const C = x.shape[x.rank - 1];
    checkClassOptions(fn, C, { classes: o.classes });
    const kept = o.classes ?? defaultClasses(o.mode, C);
    const phi = givenMap(fn, yTrue, yPred, x, kept, channelsFirst);
    const v = tf.mul(keepChannels(activate(x, o.mode, o.fromLogits), kept), phi);
    return o.reduction === 'sum' ? tf.sum(v) : tf.mean(v);
  }

  return defineLoss(fn, (yTrue, yPred) => {
    if (o.targetType === 'signedDistanceMap') return precomputed(yTrue, yPred);
    const { x, t, labels, B, C, spatial } = prepare(fn, yTrue, yPred, o);
    checkClassOptions(fn, C, { classes: o.classes });
    const kept = o.classes ?? defaultClasses(o.mode, C);
    const h = spacingFor(fn, o.spacing, spatial);
    const N = spatial.reduce((a, b) => a * b, 1);
    const read = labels ? labelReader(labels.dataSync(), N, 1, 0) : thresholdReader(t.dataSync(), N, C, 0);
    const phi = tf.tensor(signedMaps(B, spatial, kept, h, read), [B, ...spatial, kept.length], 'float32');
    const v = tf.mul(keepChannels(activate(x, o.mode, o.fromLogits), kept), phi);
    return o.reduction === 'sum' ? tf.sum(v) : tf.mean(v);
  });
}

/** The modes boundaryLoss accepts (the CLI reads this to build a loss for a task). */
boundaryLoss.modes = ['binary', 'multiclass', 'multilabel'] as const satisfies readonly Mode[];
