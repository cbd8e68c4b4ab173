/**
 * Loss-level entry points of the fused path: region sums for the region losses, and the scalar
 * terms (BCE, focal, CE) for the elementwise losses. Each returns null when the fused path cannot
 * run, and the caller then takes its composite path.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DataFormat, LossFn, Mode } from '../types.js';
import { defineLoss } from '../core/defineLoss.js';
import type { ParsedRegion } from '../core/options.js';
import { checkClassOptions, reduceClasses } from '../core/reduce.js';
import { prepare } from '../core/normalize.js';
import type { PerClassLoss } from '../core/regionLoss.js';
import { regionStatsOfInput, type Activation, type RegionSums } from '../core/regionStats.js';
import { backendEps } from '../core/stable.js';
import { fusedInputs, regionSumsFrom, row, sigmoidSums, softmaxSums, type FusedInputs, type SigmoidTerms, type SoftmaxTerms } from './ops.js';
import { ROW } from './sigmoidStats.js';
import { SROW } from './softmaxStats.js';

/** Options every fused call needs. */
export interface FusedCommon {
  mode: Mode;
  dataFormat: DataFormat;
  ignoreIndex?: number;
  fromLogits: boolean;
}

/** The fused sums of one call, in either family, with its inputs. */
export interface FusedSums {
  inp: FusedInputs;
  sums: Tensor;
  multiclass: boolean;
}

/** One fused forward pass computing the requested terms, or null (composite path). */
export function fusedSums(fn: string, yTrue: Tensor, yPred: Tensor, o: FusedCommon, sigmoid: SigmoidTerms, softmax: SoftmaxTerms): FusedSums | null {
  const inp = fusedInputs(fn, yTrue, yPred, o);
  if (!inp) return null;
  const multiclass = o.mode === 'multiclass';
  return { inp, multiclass, sums: multiclass ? softmaxSums(fn, inp, softmax) : sigmoidSums(inp, sigmoid) };
}

/** Σ of one row over all images and classes. */
export function sumRow(f: FusedSums, k: number): Tensor {
  return tf.sum(row(f.sums, k));
}

/** Number of valid elements (binary/multilabel) or valid pixels (multiclass). */
export function validCount(f: FusedSums): Tensor {
  if (!f.multiclass) return sumRow(f, ROW.N);
  return tf.sum(tf.slice(row(f.sums, SROW.N), [0, 0], [f.inp.B, 1]));
}

/** Region sums I, P, T from a fused pass. */
export function regionFrom(f: FusedSums, perImage: boolean): RegionSums {
  return regionSumsFrom(f.sums, perImage);
}

/**
 * `regionLoss` with the fused path first: the same checks, formula and reduction, with I, P, T
 * from one fused pass (and their gradient from one more) where the backend has the kernels.
 */
export function fusedRegionLoss(fn: string, options: ParsedRegion, perClass: PerClassLoss, squared = false): LossFn {
  const terms = { squared, softLabel: options.softLabel };
  const activation: Activation = !options.fromLogits ? 'none' : options.mode === 'multiclass' ? 'softmax' : 'sigmoid';
  return defineLoss(fn, (yTrue, yPred) => {
    const f = fusedSums(fn, yTrue, yPred, options, terms, terms);
    if (f) {
      checkClassOptions(fn, f.inp.C, options);
      return reduceClasses(fn, perClass(regionFrom(f, options.perImage), backendEps(options.eps)), options);
    }
    // Composite path (webgl, webgpu, ...): the same steps as regionLoss, with a closed-form
    // gradient over activation and sums.
    const { x, t, m, C } = prepare(fn, yTrue, yPred, options);
    checkClassOptions(fn, C, options);
    const sums = regionStatsOfInput(x, t, m, activation, { perImage: options.perImage, ...terms });
    return reduceClasses(fn, perClass(sums, backendEps(options.eps)), options);
  });
}
