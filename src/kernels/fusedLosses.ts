/**
 * What the losses read from the fused path: region sums I, P, T, and the scalar terms (BCE,
 * focal, CE) with their valid counts. Each entry returns null when the fused path cannot run
 * (a backend without the Segloss kernels, or the kernels switched off), and the caller then takes
 * its composite path: `fusedX(...) ?? compositeX(...)`. Nothing here builds a loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { ParsedCommon } from '../core/options.js';
import type { RegionSums } from '../core/regionStats.js';
import { fusedInputs, regionSumsFrom, row, sigmoidSums, softmaxSums, type FusedInputs, type SigmoidTerms, type SoftmaxTerms } from './ops.js';
import { SIGMOID_ROW, SOFTMAX_ROW } from './kernelNames.js';

/** The fused sums of one call, in either family, with its inputs. */
export interface FusedSums {
  inp: FusedInputs;
  sums: Tensor;
  multiclass: boolean;
}

/**
 * One fused forward pass computing the requested terms, or null (composite path). The input
 * checks run first, with the composite path's errors. `softmax` may depend on the class count C,
 * known once the inputs are checked.
 */
export function fusedSums(fn: string, yTrue: Tensor, yPred: Tensor, o: ParsedCommon, sigmoid: SigmoidTerms, softmax: SoftmaxTerms | ((C: number) => SoftmaxTerms)): FusedSums | null {
  const inp = fusedInputs(fn, yTrue, yPred, o);
  if (!inp) return null;
  if (o.mode !== 'multiclass') return { inp, multiclass: false, sums: sigmoidSums(inp, sigmoid) };
  return { inp, multiclass: true, sums: softmaxSums(fn, inp, typeof softmax === 'function' ? softmax(inp.C) : softmax) };
}

/** Σ of one row over all images and classes. */
export function sumRow(f: FusedSums, k: number): Tensor {
  return tf.sum(row(f.sums, k));
}

/** Number of valid elements (binary/multilabel) or valid pixels (multiclass). */
export function validCount(f: FusedSums): Tensor {
  if (!f.multiclass) return sumRow(f, SIGMOID_ROW.N);
  // The softmax kernel repeats image b's valid-pixel count in every column of row N.
  return tf.sum(tf.slice(row(f.sums, SOFTMAX_ROW.N), [0, 0], [f.inp.B, 1]));
}

/** How the region sums are formed. */
export interface RegionTerms {
  squared: boolean;
  softLabel: boolean;
}

/**
 * I, P, T per class from one fused pass (their gradient from one more), per image `[B, C]` or over
 * the batch `[C]`; null where the fused path cannot run.
 */
export function fusedRegionSums(fn: string, yTrue: Tensor, yPred: Tensor, o: ParsedCommon & { perImage: boolean }, terms: RegionTerms): RegionSums | null {
  const f = fusedSums(fn, yTrue, yPred, o, terms, terms);
  return f && regionSumsFrom(f.sums, o.perImage);
}
