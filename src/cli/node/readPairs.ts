/// <reference types="node" />
/**
 * Reads a data folder (`images/` and `masks/`, any supported format, paired by file stem, with
 * an optional mask suffix) into decoded image/mask pairs for `pipeline/dataset.ts`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import type { ImagePair } from '../pipeline/dataset.js';
import { pairFiles } from '../pipeline/pairing.js';
import { readImage } from './images.js';

function files(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`segloss: folder ${dir} is missing; a data folder needs images/ and masks/, paired by file name.`);
  }
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
}

/**
 * Lists, pairs and decodes `<dir>/images/*` with `<dir>/masks/*`.
 * @throws CliError for a missing folder, unpaired or JPEG masks, or an unreadable file (named).
 */
export async function readPairs(dir: string, options: { maskSuffix?: string } = {}): Promise<ImagePair[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`segloss: data folder ${dir} does not exist (expected ${join(dir, 'images')} and ${join(dir, 'masks')}).`);
  }
  const imageDir = join(dir, 'images');
  const maskDir = join(dir, 'masks');
  const pairs = pairFiles(files(imageDir), files(maskDir), { maskSuffix: options.maskSuffix, imageDir, maskDir });
  const out: ImagePair[] = [];
  for (const p of pairs) {
    const image = join(imageDir, p.image);
    const mask = join(maskDir, p.mask);
    out.push({ stem: p.stem, image: { name: image, image: await readImage(image) }, mask: { name: mask, image: await readImage(mask) } });
  }
  return out;
}
