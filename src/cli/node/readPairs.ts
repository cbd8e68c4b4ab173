/// <reference types="node" />
/**
 * Lists a data folder (`images/` and `masks/`, any supported format, paired by file stem, with
 * an optional mask suffix) as image/mask pairs that read and decode their files on demand, for
 * `pipeline/buildDataset.ts` and `pipeline/sampleStore.ts`; and reads the `--palette` argument
 * (a list, or a file holding one).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import type { ImagePair, LazyPair } from '../pipeline/buildDataset.js';
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
 * Lists and pairs `<dir>/images/*` with `<dir>/masks/*`; each pair's `read()` reads and decodes
 * both files (sharp / fast-png, see images.ts).
 * @throws CliError for a missing folder, unpaired or JPEG masks; `read()` for an unreadable file (named).
 */
export async function listPairs(dir: string, options: { maskSuffix?: string } = {}): Promise<LazyPair[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`data folder ${dir} does not exist (expected ${join(dir, 'images')} and ${join(dir, 'masks')}).`);
  }
  const imageDir = join(dir, 'images');
  const maskDir = join(dir, 'masks');
  const pairs = pairFiles(files(imageDir), files(maskDir), { maskSuffix: options.maskSuffix, imageDir, maskDir });
  return pairs.map((p) => {
    const image = join(imageDir, p.image);
    const mask = join(maskDir, p.mask);
    return { stem: p.stem, image, mask, read: async () => ({ stem: p.stem, image: { name: image, image: await readImage(image) }, mask: { name: mask, image: await readImage(mask) } }) };
  });
}

/** Lists, pairs and decodes every pair of a data folder at once (see {@link listPairs}). */
export async function readPairs(dir: string, options: { maskSuffix?: string } = {}): Promise<ImagePair[]> {
  const out: ImagePair[] = [];
  for (const pair of await listPairs(dir, options)) out.push(await pair.read());
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
