/**
 * The CLI's {@link Env} in a browser worker: images from the `File`s the user picked (paired by
 * stem with the CLI's own `pairFiles`; a pair's two files are decoded each time the core reads
 * it: once by the load-time checks, then on demand through the core's bounded cache), results as
 * in-memory files handed back to the page for download, progress as messages to the page, and
 * tfjs with the backend the page chose. Nothing is sent anywhere: the files never leave the tab.
 */
import { encode } from 'fast-png';
import type { Env, EnvFiles } from '../../../src/cli/env';
import { CliError } from '../../../src/cli/errors';
import type { LazyPair } from '../../../src/cli/pipeline/buildDataset';
import { parsePalette } from '../../../src/cli/pipeline/palette';
import type { ProgressSink, RawImage } from '../../../src/cli/pipeline/types';
import { decodeFile } from './decode';
import { loadTf } from './loadTf';
import { pairPicked, type PickedFiles } from './picked';

/** The picked pairs as the core wants them: names, and a reader that decodes the two `File`s when called. */
export function listPicked(picked: PickedFiles, maskSuffix: string): LazyPair[] {
  return pairPicked(picked, maskSuffix).map((p) => {
    const [image, mask] = [`images/${p.image.name}`, `masks/${p.mask.name}`];
    return {
      stem: p.stem,
      image,
      mask,
      read: async () => ({ stem: p.stem, image: { name: image, image: await decodeFile(p.image, image) }, mask: { name: mask, image: await decodeFile(p.mask, mask) } }),
    };
  });
}

/** 8-bit PNG bytes as a `data:` URI. */
function dataUri(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(text)}`;
}

function png(image: RawImage): Uint8Array {
  const { width, height, channels, bitDepth, data } = image;
  if (bitDepth !== 8 || ![1, 3, 4].includes(channels) || data.length !== width * height * channels) {
    throw new Error(`encodePng: image must be 8-bit with 1, 3 or 4 channels, got ${bitDepth}-bit, ${channels} channels and ${data.length} samples for ${width}×${height}.`);
  }
  return encode({ width, height, channels, depth: 8, data });
}

/** In-memory files: what the core "writes" is kept in `written` for the page to offer as downloads. */
function memoryFiles(written: Map<string, string | Uint8Array>): EnvFiles {
  return {
    exists: (path) => written.has(path),
    join: (...parts) => parts.join('/'),
    resolve: (path) => path,
    checkOutFolder: () => undefined,
    writeFolder(out, files) {
      for (const [name, content] of Object.entries(files)) written.set(`${out}/${name}`, content);
      return out;
    },
    writeText: (path, text) => void written.set(path, text),
    readText: (path) => {
      const content = written.get(path);
      return typeof content === 'string' ? content : undefined;
    },
    remove: (path) => {
      for (const name of [...written.keys()]) if (name === path || name.startsWith(`${path}/`)) written.delete(name);
    },
  };
}

/** The worker's environment: `backend` is the page's choice (every worker runs the same one). */
export function browserEnv(picked: PickedFiles, progress: ProgressSink, backend: string, threads: number): Env & { written: Map<string, string | Uint8Array> } {
  const written = new Map<string, string | Uint8Array>();
  return {
    written,
    files: memoryFiles(written),
    images: {
      listPairs: async (_dir, options) => listPicked(picked, options.maskSuffix ?? ''),
      readPalette: (value) => parsePalette(value, '--palette'),
      pngEncoder: async () => ({ png, dataUri: (image) => dataUri(png(image)) }),
    },
    models: {
      readCard: () => {
        throw new CliError('saved models are not available in the browser page; use the segloss CLI.');
      },
      saver: () => {
        throw new CliError('saving models is not available in the browser page; use the segloss CLI.');
      },
      loader: () => {
        throw new CliError('loading models is not available in the browser page; use the segloss CLI.');
      },
    },
    progress: () => progress,
    loadTf: async () => {
      const { tf, info } = await loadTf(backend, threads);
      return { tf, backend: info.name };
    },
    now: () => new Date(),
  };
}
