/** The files the user picked, paired by stem with the CLI's own `pairFiles` (no decoding here). */
import { pairFiles } from '../../../src/cli/pipeline/pairing';

/** Images and masks as picked (file names without folders are what pairs them). */
export interface PickedFiles {
  images: File[];
  masks: File[];
  /** The picked folder's name (shown as `--data` in the equivalent command), or undefined. */
  folder?: string;
}

/** Pairs picked files by stem (as the CLI pairs `images/` with `masks/`), with their `File`s. */
export function pairPicked(picked: PickedFiles, maskSuffix = '') {
  const byName = (files: File[]) => new Map(files.map((f) => [f.name, f]));
  const images = byName(picked.images);
  const masks = byName(picked.masks);
  return pairFiles([...images.keys()], [...masks.keys()], { maskSuffix }).map((p) => ({ stem: p.stem, image: images.get(p.image)!, mask: masks.get(p.mask)! }));
}

/**
 * Splits the files of a picked folder (`webkitRelativePath` `root/images/a.png`, `root/masks/a.png`)
 * into images and masks, as the CLI reads `--data root`. Files elsewhere are left out.
 */
export function splitFolder(files: readonly File[]): PickedFiles {
  const out: PickedFiles = { images: [], masks: [] };
  for (const f of files) {
    const parts = (f.webkitRelativePath || f.name).split('/');
    out.folder ??= parts.length > 1 ? parts[0] : undefined;
    const dir = parts.length >= 3 ? parts[parts.length - 2] : '';
    if (dir === 'images') out.images.push(f);
    else if (dir === 'masks') out.masks.push(f);
  }
  return out;
}
