/** Test helper: `images/` + `masks/` data folders, as `segloss --data` reads them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../src/cli/node/png.js';
import type { Sample } from '../../src/cli/pipeline/types.js';

/** Writes `{file: [imagePng, maskPng]}` under `dir`/images and `dir`/masks; either may be left out. */
export function dataFolder(dir: string, pairs: Record<string, [Uint8Array | undefined, Uint8Array | undefined]>): string {
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'masks'), { recursive: true });
  for (const [file, [image, mask]] of Object.entries(pairs)) {
    if (image) writeFileSync(join(dir, 'images', file), image);
    if (mask) writeFileSync(join(dir, 'masks', file), mask);
  }
  return dir;
}

/** Writes gray `size`×`size` samples (e.g. synthetic ones) as 8-bit PNGs, binary masks as 0/255. */
export function samplesFolder(dir: string, samples: Sample[], size: number): string {
  const png = (data: Uint8Array) => encodePng({ width: size, height: size, channels: 1, data });
  return dataFolder(
    dir,
    Object.fromEntries(
      samples.map((s) => [`${s.name}.png`, [png(Uint8Array.from(s.image, (v) => Math.round(v * 255))), png(Uint8Array.from(s.mask, (v) => v * 255))]]),
    ),
  );
}
