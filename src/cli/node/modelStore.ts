/**
 * Saved models on disk: a tfjs `io.IOHandler` writing `model.json` + `weights.bin` (the tfjs
 * layers format) and the `segloss.json` card into one folder atomically, and one reading them
 * back (as tfjs-node's `file://` handler does, without needing tfjs-node).
 */
import type { io } from '@tensorflow/tfjs';
import { CliError } from '../errors.js';
import type { ModelCard } from '../report/data.js';
import type { EnvFiles, EnvModels } from '../env.js';
import { readBytes } from './files.js';

const CARD = 'segloss.json';

function readJson(file: string, what: string): unknown {
  const text = new TextDecoder().decode(readBytes(file));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid ${what}: ${(error as Error).message}`);
  }
}

/** The model store over `files`. */
export function modelStore(files: EnvFiles): EnvModels {
  return {
    readCard(dir) {
      const cardFile = files.join(dir, CARD);
      for (const f of [cardFile, files.join(dir, 'model.json'), files.join(dir, 'weights.bin')]) {
        if (!files.exists(f)) throw new CliError(`${f} is missing; --model must be a folder written by segloss train.`);
      }
      const card = readJson(cardFile, 'JSON') as ModelCard;
      if (card.format !== 'segloss-model') throw new CliError(`${cardFile} is not a segloss model card (format '${String(card.format)}').`);
      return card;
    },
    saver(out, card) {
      return {
        async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
          const json = JSON.stringify({
            format: 'layers-model',
            generatedBy: `TensorFlow.js tfjs-layers v${card.settings.tfjs}`,
            convertedBy: null,
            modelTopology: artifacts.modelTopology,
            weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
          });
          const weights = new Uint8Array(artifacts.weightData as ArrayBuffer);
          files.writeFolder(out, { 'model.json': json, 'weights.bin': weights, [CARD]: `${JSON.stringify(card, null, 2)}\n` }, CARD);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        },
      };
    },
    loader(dir) {
      return {
        async load(): Promise<io.ModelArtifacts> {
          const modelJson = readJson(files.join(dir, 'model.json'), 'JSON') as {
            modelTopology: io.ModelArtifacts['modelTopology'];
            weightsManifest: { weights: io.WeightsManifestEntry[] }[];
          };
          const weights = readBytes(files.join(dir, 'weights.bin'));
          return {
            modelTopology: modelJson.modelTopology,
            weightSpecs: modelJson.weightsManifest[0].weights,
            weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
          };
        },
      };
    },
  };
}
