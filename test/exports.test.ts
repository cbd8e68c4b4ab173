/**
 * The public API, guarded: the runtime exports of the built package, identical for ESM and CJS.
 * A change here is an API change: update the list on purpose, and the README with it.
 * Needs `npm run build` first (`npm test` does it).
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');

const PUBLIC_API = [
  'DATA_CHECKS',
  'DATA_FORMATS',
  'GENERALIZED_DICE_WEIGHT_TYPES',
  'METRIC_REDUCTIONS',
  'MODES',
  'REDUCTIONS',
  'UNIFIED_FOCAL_REDUCTIONS',
  'WASSERSTEIN_WEIGHTINGS',
  'accuracy',
  'asymmetricFocalLoss',
  'asymmetricFocalTverskyLoss',
  'averageSurfaceDistance',
  'bceDiceLoss',
  'bceLoss',
  'boundaryIoU',
  'boundaryLoss',
  'clDiceLoss',
  'combineLosses',
  'comboLoss',
  'confusionStats',
  'createConfusionAccumulator',
  'createSurfaceAccumulator',
  'crossEntropyLoss',
  'diceLoss',
  'diceScore',
  'disableWasmTraining',
  'enableWasmTraining',
  'euclideanDistanceTransform',
  'f1Score',
  'focalLoss',
  'focalTverskyLoss',
  'generalizedDiceLoss',
  'generalizedWassersteinDiceLoss',
  'hausdorffDTLoss',
  'hausdorffDistance',
  'iouScore',
  'jaccardLoss',
  'logCoshDiceLoss',
  'lovaszHingeLoss',
  'lovaszSoftmaxLoss',
  'mccLoss',
  'normalizedSurfaceDice',
  'precision',
  'recall',
  'setDataChecks',
  'signedDistanceMap',
  'skeletonRecallLoss',
  'specificity',
  'squaredEuclideanDistanceTransform',
  'toMetric',
  'tubedSkeleton',
  'tverskyLoss',
  'unifiedFocalLoss',
];

describe('the public API', () => {
  it('is exactly the documented list, from ESM import and CommonJS require alike', async () => {
    const esm = await import(pathToFileURL(join(root, 'dist', 'esm', 'index.js')).href);
    const cjs = createRequire(import.meta.url)(join(root, 'dist', 'cjs', 'index.js'));
    expect(Object.keys(esm).sort()).toEqual(PUBLIC_API);
    expect(Object.keys(cjs).sort()).toEqual(PUBLIC_API);
  });

  it('names every loss factory in the README', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const factories = PUBLIC_API.filter((name) => /Loss$|^signedDistanceMap$|^combineLosses$/.test(name));
    expect(factories.filter((name) => !readme.includes(`\`${name}`))).toEqual([]);
  });
});
