import type { Tensor } from '@tensorflow/tfjs-core';

/** How targets and predictions are read: see the README's table of modes. */
export type Mode = 'binary' | 'multiclass' | 'multilabel';
/** Every valid {@link Mode}. */
export const MODES = ['binary', 'multiclass', 'multilabel'] as const;

/** Where the channel axis is: `[B, ...spatial, C]` (last) or `[B, C, ...spatial]` (first). */
export type DataFormat = 'channelsLast' | 'channelsFirst';
/** Every valid {@link DataFormat}. */
export const DATA_FORMATS = ['channelsLast', 'channelsFirst'] as const;

/** How a loss reduces its per-class (region losses) or per-element values. */
export type Reduction = 'mean' | 'sum' | 'none';
/** Every valid {@link Reduction}. */
export const REDUCTIONS = ['mean', 'sum', 'none'] as const;

/**
 * A loss function in the argument order of tfjs-layers, so that
 * `model.compile({ loss: diceLoss() })` works. Returns a scalar unless the loss was built with
 * `reduction: 'none'`.
 */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Options every loss understands. */
export interface CommonOptions {
  /**
   * `'binary'` (C = 1, sigmoid), `'multilabel'` (C ≥ 1, sigmoid per channel) or
   * `'multiclass'` (C ≥ 2, softmax over C; index or one-hot targets).
   * @defaultValue `'binary'`
   */
  mode?: Mode;
  /**
   * `true` when yPred holds logits (the activation is applied inside, stably); `false` when it
   * already holds probabilities.
   * @defaultValue `true`
   */
  fromLogits?: boolean;
  /**
   * `'channelsLast'` for `[B, ...spatial, C]`, `'channelsFirst'` for `[B, C, ...spatial]`;
   * applies to both tensors.
   * @defaultValue `'channelsLast'`
   */
  dataFormat?: DataFormat;
  /**
   * Target value whose pixels (index targets) or elements (binary / multilabel targets) take no
   * part in the loss and get a zero gradient.
   * @defaultValue none
   */
  ignoreIndex?: number;
  /**
   * `'multiclass'` mode with one-hot (or soft) targets `[B, ...spatial, C]` — the only kind
   * `model.fit` accepts, since tfjs-layers wants targets of the output's shape: a pixel whose
   * target row is all zero ("no class") takes no part, exactly as an index target equal to
   * `ignoreIndex` would (no term, not counted in means or confusion counts, zero gradient). A
   * valid one-hot row sums to 1, so the all-zero row is free to carry this meaning. Index
   * targets are unaffected. Must be `false` in `'binary'` and `'multilabel'` mode, where an
   * all-zero target is a negative: there, set ignored elements to `ignoreIndex` instead.
   * @defaultValue `false`
   */
  ignoreUnlabeled?: boolean;
}

/** Options shared by the region losses (Dice, Jaccard, Tversky, focal Tversky). */
export interface RegionLossOptions extends CommonOptions {
  /**
   * Added to numerator and denominator of each score; keeps empty classes finite and makes an
   * empty prediction of an empty target score 1.
   * @defaultValue `1`
   */
  smooth?: number;
  /**
   * Lower clamp of the denominator (and of the score under `logLoss`). On a backend with 16-bit
   * floats the backend's own epsilon (1e-4) is used instead if larger.
   * @defaultValue `1e-7`
   */
  eps?: number;
  /**
   * Use I = (P + T − Σ m·|p − t|) / 2, which is minimised at p = t for soft targets
   * (Wang and Blaschko, 2023). Equal to Σ m·p·t for hard targets.
   * @defaultValue `false`
   */
  softLabel?: boolean;
  /**
   * Aggregate the sums per image (`[B, C]` scores, then averaged over images) instead of over
   * the whole batch.
   * @defaultValue `false`
   */
  perImage?: boolean;
  /**
   * Class (channel) ids to keep, in this order; the others take no part in the result.
   * @defaultValue every class
   */
  classes?: number[];
  /**
   * Non-negative weight of each class, indexed by class id (length C). `'mean'` is
   * Σ w_c·L_c / Σ w_c over the kept classes; `'sum'` is Σ w_c·L_c.
   * @defaultValue all 1
   */
  classWeights?: number[];
  /**
   * `'mean'` (weighted mean over kept classes, then over images), `'sum'`, or `'none'` for the
   * per-class losses `[C]` (`[B, C]` with `perImage`).
   * @defaultValue `'mean'`
   */
  reduction?: Reduction;
}
