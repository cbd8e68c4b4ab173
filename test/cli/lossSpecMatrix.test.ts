import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildLoss, lossFactories, parseLosses } from '../../src/cli/options/lossSpec.js';
import { generalizedWassersteinDiceLoss } from '../../src/index.js';
import { useBackend } from '../helpers/backends.js';

describe('--losses with the v1.3 losses', () => {
  it('discovers every v1.3 loss by name', () => {
    const names = Object.keys(lossFactories());
    for (const name of ['asymmetricFocalLoss', 'asymmetricFocalTverskyLoss', 'unifiedFocalLoss', 'generalizedWassersteinDiceLoss', 'skeletonRecallLoss']) {
      expect(names).toContain(name);
    }
  });

  it('parses a nested list, so a distance matrix can be given on the command line', () => {
    const specs = parseLosses("unifiedFocalLoss{weight:0.3}, generalizedWassersteinDiceLoss{distanceMatrix:[[0,1,1],[1,0,0.5],[1,0.5,0]], weighting:'GDL'},diceLoss");
    expect(specs.map((s) => s.name)).toEqual(['unifiedFocalLoss', 'generalizedWassersteinDiceLoss', 'diceLoss']);
    expect(specs[1].options).toEqual({ distanceMatrix: [[0, 1, 1], [1, 0, 0.5], [1, 0.5, 0]], weighting: 'GDL' });
  });

  it('builds the parsed loss for a multiclass task, equal to the factory called directly', async () => {
    await useBackend('cpu');
    const [spec] = parseLosses('generalizedWassersteinDiceLoss{distanceMatrix:[[0,1,1],[1,0,0.5],[1,0.5,0]]}');
    const loss = buildLoss(spec, { mode: 'multiclass' });
    const labels = tf.tensor3d([0, 1, 2, 1], [1, 2, 2], 'int32');
    const logits = tf.tensor4d([1, 0, 0, 0, 2, 1, 0, 1, 3, 1, 1, 0], [1, 2, 2, 3]);
    const direct = generalizedWassersteinDiceLoss({ distanceMatrix: [[0, 1, 1], [1, 0, 0.5], [1, 0.5, 0]] });
    expect(tf.tidy(() => loss(labels, logits).dataSync()[0])).toBe(tf.tidy(() => direct(labels, logits).dataSync()[0]));
    tf.dispose([labels, logits]);
  });

  it('reports a missing matrix with the loss’s own message, and a binary task from its declared modes', () => {
    const [bare] = parseLosses('generalizedWassersteinDiceLoss');
    expect(() => buildLoss(bare, { mode: 'multiclass' })).toThrow(/--losses generalizedWassersteinDiceLoss: generalizedWassersteinDiceLoss: option 'distanceMatrix' must be given/);
    const [spec] = parseLosses('generalizedWassersteinDiceLoss{distanceMatrix:[[0,1],[1,0]]}');
    expect(() => buildLoss(spec, { mode: 'binary' })).toThrow('generalizedWassersteinDiceLoss does not take --mode binary; it takes --mode multiclass.');
  });
});
