/**
 * Pairs image files with mask files by file stem (the name without its extension), whatever
 * the supported extension of each: `images/a.jpg` ↔ `masks/a.png`, or with a mask suffix
 * (`maskSuffix: '_mask'`) `images/a.jpg` ↔ `masks/a_mask.png`. Works on names only; listing
 * folders is the caller's job. Every error names the files concerned.
 */
import { CliError } from '../errors.js';

/** File extensions read as images (lower case). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp'] as const;

/** Extensions of lossy formats, refused for masks: compression changes label values at edges. */
export const LOSSY_EXTENSIONS = ['.jpg', '.jpeg'] as const;

/** One image file and its mask file (names as given, e.g. relative to their folders). */
export interface FilePair {
  /** The image's stem, used to name the sample (and its saved prediction). */
  stem: string;
  image: string;
  mask: string;
}

/** Options of {@link pairFiles}. */
export interface PairingOptions {
  /**
   * Mask stem = image stem + `maskSuffix` (e.g. `_mask`, `_segmentation`).
   * @defaultValue `''` (same stem)
   */
  maskSuffix?: string;
  /** How to show the image folder in messages. @defaultValue `'images'` */
  imageDir?: string;
  /** How to show the mask folder in messages. @defaultValue `'masks'` */
  maskDir?: string;
}

/** The extension of `file` in lower case (with its dot), or `''`. */
export function extensionOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > 0 ? file.slice(dot).toLowerCase() : '';
}

/** True for file names with a supported image extension (hidden files excluded). */
export function isImageFile(file: string): boolean {
  return !file.startsWith('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(extensionOf(file));
}

function byStem(files: string[], dir: string): Map<string, string> {
  const stems = new Map<string, string>();
  for (const file of [...files].filter(isImageFile).sort()) {
    const stem = file.slice(0, file.length - extensionOf(file).length);
    const other = stems.get(stem);
    if (other !== undefined) {
      throw new CliError(`${dir}/${other} and ${dir}/${file} have the same name stem '${stem}'; keep one of them.`);
    }
    stems.set(stem, file);
  }
  return stems;
}

const SHOWN = 5;

function list(names: string[], dir: string): string {
  const shown = names.slice(0, SHOWN).map((n) => `${dir}/${n}`).join(', ');
  return names.length > SHOWN ? `${shown} and ${names.length - SHOWN} more` : shown;
}

/** The suffix every mask stem adds to some image stem, when there is one (for "did you mean"). */
function commonSuffix(imageStems: string[], maskStems: string[]): string | undefined {
  let suffix: string | undefined;
  for (const m of maskStems) {
    const base = imageStems.filter((s) => m.startsWith(s) && m.length > s.length).sort((a, b) => b.length - a.length)[0];
    if (base === undefined) return undefined;
    const s = m.slice(base.length);
    if (suffix !== undefined && s !== suffix) return undefined;
    suffix = s;
  }
  return suffix;
}

/**
 * Pairs `imageFiles` with `maskFiles` (file names in their folders; files without a supported
 * extension and hidden files are left out). Returns the pairs in image-name order.
 * @throws CliError when no image is found, when two files in one folder share a stem, when a mask
 * is a JPEG ("masks must be lossless"), or when any image or mask is left unpaired (naming them,
 * and the `--mask-suffix` that would pair them when one would).
 */
export function pairFiles(imageFiles: string[], maskFiles: string[], options: PairingOptions = {}): FilePair[] {
  const { maskSuffix = '', imageDir = 'images', maskDir = 'masks' } = options;
  const images = byStem(imageFiles, imageDir);
  const masks = byStem(maskFiles, maskDir);
  if (images.size === 0) {
    throw new CliError(`${imageDir} holds no images (${IMAGE_EXTENSIONS.join(', ')}).`);
  }
  for (const file of masks.values()) {
    if ((LOSSY_EXTENSIONS as readonly string[]).includes(extensionOf(file))) {
      throw new CliError(
        `${maskDir}/${file} is a JPEG; masks must be lossless (PNG, TIFF or lossless WebP), because JPEG compression changes label values along every edge. Save the masks as PNG.`,
      );
    }
  }
  const pairs: FilePair[] = [];
  const lonelyImages: string[] = [];
  const used = new Set<string>();
  for (const [stem, image] of images) {
    const mask = masks.get(stem + maskSuffix);
    if (mask === undefined) lonelyImages.push(image);
    else {
      pairs.push({ stem, image, mask });
      used.add(stem + maskSuffix);
    }
  }
  const lonelyMasks = [...masks].filter(([stem]) => !used.has(stem)).map(([, file]) => file);
  if (lonelyImages.length === 0 && lonelyMasks.length === 0) return pairs;
  const expect = maskSuffix ? `a mask's name must be its image's name + '${maskSuffix}'` : 'masks must have the same name as their image';
  const lines = [`unpaired files (${expect}, with any of ${IMAGE_EXTENSIONS.join(' ')}):`];
  if (lonelyImages.length) lines.push(`  ${lonelyImages.length} image(s) without a mask: ${list(lonelyImages, imageDir)}`);
  if (lonelyMasks.length) lines.push(`  ${lonelyMasks.length} mask(s) without an image: ${list(lonelyMasks, maskDir)}`);
  const suffix = commonSuffix([...images.keys()], [...masks.keys()]);
  if (suffix !== undefined && suffix !== maskSuffix) lines.push(`  Did you mean --mask-suffix ${suffix}?`);
  throw new CliError(lines.join('\n'));
}
