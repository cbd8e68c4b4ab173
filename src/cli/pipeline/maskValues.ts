/**
 * Mask files → one integer value per pixel, before any label mapping: a gray mask's sample (8- or
 * 16-bit, never rescaled), a palette PNG's index, or, given a palette, the class index of an
 * RGB colour. Also checks that palette PNGs read by index share one palette.
 */
import { CliError } from '../errors.js';
import { colourKey } from './palette.js';
import { formatColour, pixelAt, type NamedImage } from './rawImage.js';
import type { Colour } from './types.js';

/** Largest possible mask value (16-bit): value histograms have this many + 1 bins. */
export const MAX_MASK_VALUE = 65535;

function paletteValues(mask: NamedImage, colours: readonly Colour[]): Uint16Array {
  const { image, name } = mask;
  const lookup = new Map<number, number>();
  colours.forEach((c, i) => lookup.set(colourKey(c[0], c[1], c[2]), i));
  const out = new Uint16Array(image.width * image.height);
  const C = image.channels;
  if (C < 3) {
    throw new CliError(`${name} is a gray mask, but --palette maps RGB colours; give gray masks without --palette.`);
  }
  const shift = image.bitDepth === 16 ? 8 : 0; // 16-bit colours compare by their high byte
  for (let i = 0; i < out.length; i++) {
    const r = image.data[i * C] >> shift;
    const g = image.data[i * C + 1] >> shift;
    const b = image.data[i * C + 2] >> shift;
    const v = lookup.get(colourKey(r, g, b));
    if (v === undefined) {
      throw new CliError(
        `${name} has colour ${formatColour([r, g, b])} at pixel ${pixelAt(i, image.width)}, which is not in the palette (${colours.length} colours); add it to --palette (a void colour can be a class given to --ignore-index).`,
      );
    }
    out[i] = v;
  }
  return out;
}

function grayValues(mask: NamedImage): Uint16Array {
  const { image, name } = mask;
  const C = image.channels;
  const out = new Uint16Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) {
    const v = image.data[i * C];
    if (C >= 3 && (image.data[i * C + 1] !== v || image.data[i * C + 2] !== v)) {
      const colour = formatColour([v, image.data[i * C + 1], image.data[i * C + 2]]);
      throw new CliError(
        `${name} is a colour mask (pixel ${pixelAt(i, image.width)} is ${colour}); pass --palette to map its colours to classes, or save masks with class values in one channel.`,
      );
    }
    out[i] = v;
  }
  return out;
}

/**
 * One integer per pixel of `mask`: with `palette`, the index of each pixel's RGB colour in it (an
 * unknown colour is an error naming the file, pixel and colour); else a palette PNG's indices,
 * or a gray (or R = G = B) mask's samples as stored (16-bit masks keep their integer values).
 * Alpha is not read.
 * @throws CliError naming the file.
 */
export function maskValues(mask: NamedImage, palette?: readonly Colour[]): Uint16Array {
  if (palette) return paletteValues(mask, palette);
  if (mask.image.palette) return Uint16Array.from(mask.image.palette.indices);
  return grayValues(mask);
}

/**
 * Checks that masks read by palette index agree on their palettes: every index that two files'
 * palettes both define has the same colour in both. (Editors often reorder a palette when they
 * save, so one index would mean different classes in different files.)
 * @throws CliError naming both files, the index and both colours.
 */
export function checkSamePalettes(masks: readonly NamedImage[]): void {
  const check = paletteChecker();
  for (const mask of masks) check(mask);
}

/**
 * {@link checkSamePalettes} one mask at a time: each palette mask is compared with the first one
 * seen (only that one's name and colours are kept).
 */
export function paletteChecker(): (mask: NamedImage) => void {
  let first: { name: string; colours: readonly Colour[] } | undefined;
  return (mask) => {
    if (!mask.image.palette) return;
    const colours = mask.image.palette.colours;
    if (!first) {
      first = { name: mask.name, colours };
      return;
    }
    const reference = first.colours;
    const n = Math.min(colours.length, reference.length);
    for (let i = 0; i < n; i++) {
      const [a, b] = [reference[i], colours[i]];
      if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
        throw new CliError(
          `palette masks disagree: index ${i} is ${formatColour(a)} in ${first.name} but ${formatColour(b)} in ${mask.name}, so one index would mean two classes. Save all masks with one palette, or pass --palette with the colours in class order to read them by colour.`,
        );
      }
    }
  };
}
