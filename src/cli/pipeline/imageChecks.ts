/**
 * Checks on a set of images before any training: they must agree in colour channels (gray or
 * RGB, alpha aside), and 16-bit data that use only a small part of their range (12-bit camera
 * data stored in 16-bit files) get a warning, because scaled by the bit depth they look nearly
 * black to the model.
 */
import { CliError } from '../errors.js';
import { colourChannels, describeImage, type NamedImage } from './rawImage.js';

/** Warn when 16-bit data use at most this many bits (values below 2^bits). */
export const FEW_BITS = 12;

/** What the checks found. */
export interface ImageCheck {
  /** Colour channels of every image: 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** Messages to show the user (each a full sentence); empty when all is well. */
  warnings: string[];
}

/**
 * Checks `images` together (see the module comment).
 * @throws CliError when some images are gray and others colour, naming one of each and the counts.
 */
export function checkImages(images: readonly NamedImage[]): ImageCheck {
  if (images.length === 0) throw new CliError('no images to check.');
  const gray = images.filter((m) => colourChannels(m.image) === 1);
  const colour = images.filter((m) => colourChannels(m.image) === 3);
  if (gray.length && colour.length) {
    throw new CliError(
      `images disagree in channels: ${gray.length} gray (e.g. ${gray[0].name}, ${describeImage(gray[0].image)}) and ${colour.length} colour (e.g. ${colour[0].name}, ${describeImage(colour[0].image)}); convert them to one kind.`,
    );
  }
  const warnings: string[] = [];
  const deep = images.filter((m) => m.image.bitDepth === 16);
  if (deep.length) {
    let max = 0;
    for (const { image } of deep) for (let i = 0; i < image.data.length; i++) if (image.data[i] > max) max = image.data[i];
    const bits = Math.max(1, Math.ceil(Math.log2(max + 1)));
    if (bits <= FEW_BITS) {
      warnings.push(
        `the ${deep.length} 16-bit image(s) use values up to ${max} (${bits} of 16 bits); scaled by 65535 they span only 0..${(max / 65535).toFixed(3)} and look nearly black to the model. If every loss scores at the baseline, rescale the images to their full range.`,
      );
    }
  }
  return { channels: gray.length ? 1 : 3, warnings };
}
