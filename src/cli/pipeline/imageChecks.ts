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

/** The image checks run one image at a time: {@link ImageChecker.add} each, then {@link ImageChecker.finish}. */
export interface ImageChecker {
  add(image: NamedImage): void;
  /** @throws CliError when some images are gray and others colour, naming one of each and the counts. */
  finish(): ImageCheck;
}

/**
 * The checks of {@link checkImages} as a streaming pass, so the images need not be held together:
 * it keeps counts, the first gray and the first colour image's description, and the largest
 * 16-bit sample.
 */
export function imageChecker(): ImageChecker {
  const seen = { gray: 0, colour: 0, deep: 0, max: 0 };
  let firstGray: { name: string; text: string } | undefined;
  let firstColour: { name: string; text: string } | undefined;
  return {
    add({ name, image }) {
      if (colourChannels(image) === 1) {
        seen.gray++;
        firstGray ??= { name, text: describeImage(image) };
      } else {
        seen.colour++;
        firstColour ??= { name, text: describeImage(image) };
      }
      if (image.bitDepth !== 16) return;
      seen.deep++;
      for (let i = 0; i < image.data.length; i++) if (image.data[i] > seen.max) seen.max = image.data[i];
    },
    finish() {
      if (seen.gray + seen.colour === 0) throw new CliError('no images to check.');
      if (firstGray && firstColour) {
        throw new CliError(
          `images disagree in channels: ${seen.gray} gray (e.g. ${firstGray.name}, ${firstGray.text}) and ${seen.colour} colour (e.g. ${firstColour.name}, ${firstColour.text}); convert them to one kind.`,
        );
      }
      const warnings: string[] = [];
      if (seen.deep) {
        const { max } = seen;
        const bits = Math.max(1, Math.ceil(Math.log2(max + 1)));
        if (bits <= FEW_BITS) {
          warnings.push(
            `the ${seen.deep} 16-bit image(s) use values up to ${max} (${bits} of 16 bits); scaled by 65535 they span only 0..${(max / 65535).toFixed(3)} and look nearly black to the model. If every loss scores at the baseline, rescale the images to their full range.`,
          );
        }
      }
      return { channels: seen.gray ? 1 : 3, warnings };
    },
  };
}

/**
 * Checks `images` together (see the module comment).
 * @throws CliError when some images are gray and others colour, naming one of each and the counts.
 */
export function checkImages(images: readonly NamedImage[]): ImageCheck {
  const checker = imageChecker();
  for (const image of images) checker.add(image);
  return checker.finish();
}
