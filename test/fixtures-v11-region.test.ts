import { replayLossFixtures } from './helpers/replay.js';

// Value, gradient (except clDice's "gradCheck": false cases) and tensor count, on cpu and wasm.
replayLossFixtures(['generalizedDiceLoss', 'mccLoss', 'logCoshDiceLoss', 'clDiceLoss']);
