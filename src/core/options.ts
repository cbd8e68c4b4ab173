/** Parsing of the option groups shared by many losses; each factory calls these once. */
import type { DataFormat, Mode, Reduction } from '../types.js';
import { DATA_FORMATS, MODES, REDUCTIONS } from '../types.js';
import { checkBoolean, checkEnum, checkNumber, checkNumberList, fail } from './validate.js';

/** Keys of {@link CommonOptions}. */
export const COMMON_KEYS = ['mode', 'fromLogits', 'dataFormat', 'ignoreIndex', 'ignoreUnlabeled'] as const;

/** Keys of {@link RegionLossOptions}. */
export const REGION_KEYS = [
  ...COMMON_KEYS,
  'smooth',
  'eps',
  'softLabel',
  'perImage',
  'classes',
  'classWeights',
  'reduction',
] as const;

/** Common options with their defaults applied. */
export interface ParsedCommon {
  readonly mode: Mode;
  readonly fromLogits: boolean;
  readonly dataFormat: DataFormat;
  readonly ignoreIndex?: number;
  /** Multiclass one-hot targets: a pixel whose target row is all zero is ignored. */
  readonly ignoreUnlabeled: boolean;
}

/** Whether some pixels or elements can be ignored (a valid mask that is not all ones). */
export function ignoresSome(o: { readonly ignoreIndex?: number; readonly ignoreUnlabeled?: boolean }): boolean {
  return o.ignoreIndex !== undefined || o.ignoreUnlabeled === true;
}

/** Region options with their defaults applied. */
export interface ParsedRegion extends ParsedCommon {
  readonly smooth: number;
  readonly eps: number;
  readonly softLabel: boolean;
  readonly perImage: boolean;
  readonly classes?: readonly number[];
  readonly classWeights?: readonly number[];
  readonly reduction: Reduction;
}

type Bag = Record<string, unknown>;

/** Reads `mode`, `fromLogits`, `dataFormat`, `ignoreIndex` and `ignoreUnlabeled`. */
export function parseCommon(fn: string, options: Bag, modes: readonly Mode[] = MODES, defaultMode: Mode = 'binary'): ParsedCommon {
  const ignoreIndex = options.ignoreIndex === undefined ? undefined : checkNumber(fn, 'ignoreIndex', options.ignoreIndex, 0);
  const mode = checkEnum(fn, 'mode', options.mode, modes, defaultMode);
  const ignoreUnlabeled = checkBoolean(fn, 'ignoreUnlabeled', options.ignoreUnlabeled, false);
  if (ignoreUnlabeled && mode !== 'multiclass') {
    fail(
      fn,
      `option 'ignoreUnlabeled' must be false in '${mode}' mode (it marks all-zero one-hot rows of 'multiclass' targets; in '${mode}' mode an all-zero target is a negative, so mark ignored elements with ignoreIndex), got true.`,
    );
  }
  return {
    mode,
    fromLogits: checkBoolean(fn, 'fromLogits', options.fromLogits, true),
    dataFormat: checkEnum(fn, 'dataFormat', options.dataFormat, DATA_FORMATS, 'channelsLast'),
    ...(ignoreIndex === undefined ? {} : { ignoreIndex }),
    ignoreUnlabeled,
  };
}

/** Reads `reduction`. */
export function parseReduction<R extends string = Reduction>(fn: string, options: Bag, allowed: readonly R[] = REDUCTIONS as unknown as R[], fallback = 'mean' as R): R {
  return checkEnum(fn, 'reduction', options.reduction, allowed, fallback);
}

/** Reads `classes` (integer ids ≥ 0) and `classWeights` (weights ≥ 0). */
export function parseClassOptions(fn: string, options: Bag): { classes?: number[]; classWeights?: number[] } {
  const classes = checkNumberList(fn, 'classes', options.classes, { min: 0, integer: true });
  const classWeights = checkNumberList(fn, 'classWeights', options.classWeights, { min: 0 });
  return { ...(classes ? { classes } : {}), ...(classWeights ? { classWeights } : {}) };
}

/** Reads every option of {@link RegionLossOptions}. */
export function parseRegion(fn: string, options: Bag): ParsedRegion {
  return {
    ...parseCommon(fn, options),
    smooth: checkNumber(fn, 'smooth', options.smooth, 1, { min: 0 }),
    eps: checkNumber(fn, 'eps', options.eps, 1e-7, { above: 0 }),
    softLabel: checkBoolean(fn, 'softLabel', options.softLabel, false),
    perImage: checkBoolean(fn, 'perImage', options.perImage, false),
    ...parseClassOptions(fn, options),
    reduction: parseReduction(fn, options),
  };
}

/** Keys of the Tversky-family options (`tverskyLoss`, `focalTverskyLoss`). */
export const TVERSKY_KEYS = [...REGION_KEYS, 'alpha', 'beta', 'gamma'] as const;

/** Tversky-family options with their defaults applied. */
export interface ParsedTversky extends ParsedRegion {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
}

/** Reads the Tversky-family options: the region options, α = 0.3, β = 0.7, and γ (the caller's default). */
export function parseTversky(fn: string, options: Bag, defaultGamma: number): ParsedTversky {
  return {
    ...parseRegion(fn, options),
    alpha: checkNumber(fn, 'alpha', options.alpha, 0.3, { min: 0 }),
    beta: checkNumber(fn, 'beta', options.beta, 0.7, { min: 0 }),
    gamma: checkNumber(fn, 'gamma', options.gamma, defaultGamma, { min: 0 }),
  };
}
