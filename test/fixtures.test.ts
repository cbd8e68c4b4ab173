import { CORE_LOSS_FIXTURES, replayLossFixtures } from './helpers/replay.js';

replayLossFixtures(CORE_LOSS_FIXTURES);
