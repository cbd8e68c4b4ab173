/** Test helper: `images/` + `masks/` data folders, as `segloss --data` reads them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from '../../src/cli/pipeline/types.js';
import { png } from './imageFiles.js';

/** Writes `{file: [imageBytes, maskBytes]}` under `dir`/images and `dir`/masks; either may be left out, and a mask may be given its own name. */
export function dataFolder(dir: string, pairs: Record<string, [Uint8Array | undefined, Uint8Array | undefined, string?]>): string {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  for (const [file, [image, mask, maskFile]] of Object.entries(pairs)) {
    if (image) writeFileSync(join(dir, 'images', file), image);
    if (mask) writeFileSync(join(dir, 'masks', maskFile ?? file), mask);
  }
  return dir;
}

/** Writes gray samples (e.g. synthetic ones) as 8-bit PNGs, binary masks as 0/255. */
export function samplesFolder(dir: string, samples: Sample[]): string {
  const gray = (s: Sample, data: Uint8Array) => png(data, { width: s.width, height: s.height });
  return dataFolder(
    dir,
    Object.fromEntries(
      samples.map((s) => [
        `${s.name}.png`,
        [gray(s, Uint8Array.from(s.image, (v) => Math.round(v * 255))), gray(s, Uint8Array.from(s.labels, (v) => v * 255))],
      ]),
    ),
  );
}
