/// <reference types="node" />
/**
 * Reads a data folder (`images/` and `masks/`, any supported format, paired by file stem, with
 * an optional mask suffix) into decoded image/mask pairs for `pipeline/buildDataset.ts`, and the
 * `--palette` argument (a list, or a file holding one).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import type { ImagePair } from '../pipeline/buildDataset.js';
import { pairFiles } from '../pipeline/pairing.js';
import { parsePalette, type Palette } from '../pipeline/palette.js';
import { readImage } from './images.js';

function files(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`folder ${dir} is missing; a data folder needs images/ and masks/, paired by file name.`);
  }
  return readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile());
}

/**
 * Lists, pairs and decodes `<dir>/images/*` with `<dir>/masks/*`.
 * @throws CliError for a missing folder, unpaired or JPEG masks, or an unreadable file (named).
 */
export async function readPairs(dir: string, options: { maskSuffix?: string } = {}): Promise<ImagePair[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`data folder ${dir} does not exist (expected ${join(dir, 'images')} and ${join(dir, 'masks')}).`);
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

/**
 * The palette of a `--palette` value: the text of the file it names when one exists, else the
 * value itself as a list (`"0,0,0; 128,0,0"`). See `pipeline/palette.ts` for the forms accepted.
 * @throws CliError from parsePalette, naming the file or `--palette`.
 */
export function readPalette(value: string): Palette {
  if (existsSync(value) && statSync(value).isFile()) return parsePalette(readFileSync(value, 'utf8'), value);
  return parsePalette(value, '--palette');
}
