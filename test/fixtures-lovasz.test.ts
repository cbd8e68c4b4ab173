import { replayLossFixtures } from './helpers/replay.js';

replayLossFixtures(['lovaszHingeLoss', 'lovaszSoftmaxLoss']);
