import { replayLossFixtures } from './helpers/replay.js';

replayLossFixtures([
  'diceLoss',
  'jaccardLoss',
  'tverskyLoss',
  'focalTverskyLoss',
  'focalLoss',
  'bceLoss',
  'crossEntropyLoss',
  'bceDiceLoss',
  'comboLoss',
]);
