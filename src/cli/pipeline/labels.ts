/**
 * Masks → label maps (Int32, one label per pixel: class ids, {@link IGNORED} where ignored),
 * with the checks that stop silent nonsense before any training: a one-line summary of the mask
 * values found, a foreground that matches no pixel or every pixel, a multiclass value outside the
 * classes, palette PNGs that disagree. Binary labels are 0 (background) / 1 (foreground).
 */
import { CliError } from '../errors.js';
import { maskValues, MAX_MASK_VALUE, paletteChecker } from './maskValues.js';
import type { NamedImage } from './rawImage.js';
import { IGNORED, type LabelOptions } from './types.js';

/** Label maps of a set of masks, with what was found in them. */
export interface LabelMaps {
  labels: Int32Array[];
  /** K: 2 in binary mode, the classes in multiclass mode. */
  classes: number;
  /** Pixel count of each mask value found (value → count), in increasing value order. */
  counts: Map<number, number>;
  /** One line for the user: the mask values found and their pixel counts. */
  summary: string;
}

/** Mask values read as foreground when `foreground` is not given. */
const DEFAULT_FOREGROUND = new Set([1, 255, MAX_MASK_VALUE]);

const SHOWN = 12;

/** `{0, 255}`, or the first values then `… (N values)`. */
export function formatValues(values: readonly number[]): string {
  const shown = values.slice(0, SHOWN).join(', ');
  return values.length > SHOWN ? `{${shown}, … (${values.length} values)}` : `{${shown}}`;
}

/** `mask values: 0 (1,234 px, 78.0%), 255 (345 px, 22.0%)` over all masks given; the ignore index marked `ignored`. */
export function summarizeValues(counts: Map<number, number>, ignoreIndex?: number): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = [...counts]
    .slice(0, SHOWN)
    .map(([v, n]) => `${v} (${n.toLocaleString('en-US')} px, ${((100 * n) / total).toFixed(1)}%${v === ignoreIndex ? ', ignored' : ''})`);
  const more = counts.size > SHOWN ? `, and ${counts.size - SHOWN} more values` : '';
  return `mask values: ${parts.join(', ')}${more}`;
}

function suggestForeground(counts: Map<number, number>, ignoreIndex?: number): number | undefined {
  const values = [...counts].filter(([v]) => v !== ignoreIndex);
  if (values.length === 2 && values.some(([v]) => v === 0)) return values.find(([v]) => v !== 0)![0];
  return values.sort((a, b) => a[1] - b[1])[0]?.[0];
}

/**
 * The checks on value counts that need no pixel positions; run before any training.
 * @throws CliError when the foreground matches no pixel or every (non-ignored) pixel, when binary
 * masks hold values other than 0 and the default foreground, or when a multiclass value lies
 * outside 0..K−1 (and is not `ignoreIndex`).
 */
export function checkValues(counts: Map<number, number>, options: LabelOptions, classes: number): void {
  const { mode, foreground, ignoreIndex } = options;
  const values = [...counts.keys()].filter((v) => v !== ignoreIndex);
  const found = `masks hold ${formatValues([...counts.keys()])}`;
  if (values.length === 0) throw new CliError(`every mask pixel has the ignore index ${ignoreIndex}; nothing is left to learn.`);
  if (mode === 'multiclass') {
    const outside = values.filter((v) => v >= classes);
    if (outside.length) {
      throw new CliError(
        `${found}, but ${classes} classes cover 0..${classes - 1}, so ${formatValues(outside)} ${outside.length > 1 ? 'lie' : 'lies'} outside. Raise --classes, or set --ignore-index for a void label.`,
      );
    }
    return;
  }
  if (foreground !== undefined && foreground === ignoreIndex) {
    throw new CliError(`--foreground and --ignore-index are both ${foreground}; a value cannot be both.`);
  }
  const isForeground = (v: number) => (foreground === undefined ? DEFAULT_FOREGROUND.has(v) : v === foreground);
  if (foreground === undefined) {
    const odd = values.filter((v) => v !== 0 && !DEFAULT_FOREGROUND.has(v));
    if (odd.length) {
      throw new CliError(
        `${found}; binary masks must be 0/1 or 0/255 unless --foreground VALUE names the foreground value${ignoreIndex === undefined ? ' (and --ignore-index a void value)' : ''}.`,
      );
    }
  }
  const hits = values.filter(isForeground).length;
  if (hits === 0 || hits === values.length) {
    const what = foreground === undefined ? 'the default foreground (1, 255 or 65535)' : `--foreground ${foreground}`;
    const guess = suggestForeground(counts, ignoreIndex);
    const hint = guess !== undefined && guess !== foreground && values.length > 1 ? `; did you mean --foreground ${guess}?` : '.';
    throw new CliError(`${what} matches ${hits === 0 ? 'no' : 'every'} pixel: ${found}${hint}`);
  }
}

/** Maps one mask's values to labels (values already checked by {@link checkValues}). */
export function toLabels(values: Uint16Array, options: LabelOptions): Int32Array {
  const { mode, foreground, ignoreIndex } = options;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === ignoreIndex) out[i] = IGNORED;
    else if (mode === 'multiclass') out[i] = v;
    else out[i] = (foreground === undefined ? DEFAULT_FOREGROUND.has(v) : v === foreground) ? 1 : 0;
  }
  return out;
}

/** The label checks run one mask at a time: {@link LabelChecker.add} each, then {@link LabelChecker.finish}. */
export interface LabelChecker {
  /** The mask's label map (its palette checked against the first palette mask's, its values counted). */
  add(mask: NamedImage): Int32Array;
  /** The classes and value counts of every mask added, after {@link checkValues}. */
  finish(): Omit<LabelMaps, 'labels'>;
}

/**
 * The checks of {@link labelMaps} as a streaming pass: each mask's values are counted (one
 * histogram over all masks) and its labels returned, so no mask need be kept; the checks that need
 * every mask's values run in {@link LabelChecker.finish}.
 */
export function labelChecker(options: LabelOptions): LabelChecker {
  const samePalette = paletteChecker();
  const bins = new Float64Array(MAX_MASK_VALUE + 1);
  return {
    add(mask) {
      if (!options.palette) samePalette(mask);
      const values = maskValues(mask, options.palette);
      for (let i = 0; i < values.length; i++) bins[values[i]]++;
      return toLabels(values, options);
    },
    finish() {
      const counts = new Map<number, number>();
      bins.forEach((n, value) => n > 0 && counts.set(value, n));
      let classes = 2;
      if (options.mode === 'multiclass') {
        const largest = Math.max(...[...counts.keys()].filter((v) => v !== options.ignoreIndex));
        classes = options.classes ?? options.palette?.length ?? Math.max(2, largest + 1);
      }
      checkValues(counts, options, classes);
      return { classes, counts, summary: summarizeValues(counts, options.ignoreIndex) };
    },
  };
}

/**
 * Reads every mask into a label map, after checking them together: palettes agree, the values
 * suit the options ({@link checkValues}). Multiclass without `classes` takes the palette's length,
 * else the largest value (other than `ignoreIndex`) + 1.
 * @throws CliError naming the file, pixel, colour or values at fault.
 */
export function labelMaps(masks: readonly NamedImage[], options: LabelOptions): LabelMaps {
  const checker = labelChecker(options);
  const labels = masks.map((m) => checker.add(m));
  return { labels, ...checker.finish() };
}

/** A label map's pixels that are valid (not {@link IGNORED}) and, of those, not background. */
export interface ForegroundCount {
  foreground: number;
  valid: number;
}

/** The {@link ForegroundCount} of one label map. */
export function foregroundCount(labels: Int32Array): ForegroundCount {
  let foreground = 0;
  let valid = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== IGNORED) {
      valid++;
      if (v > 0) foreground++;
    }
  }
  return { foreground, valid };
}
