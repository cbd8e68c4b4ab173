// The golden fixtures again (core and Lovász losses), with the fused kernels switched off: the composite path (the one
// webgl, webgpu and every other backend run) must match PyTorch too. test/fixtures.test.ts covers
// the fused path, which cpu and wasm take by default.
import { setFusedKernels } from '../../src/kernels/register.js';
import { CORE_LOSS_FIXTURES, replayLossFixtures } from '../helpers/replay.js';

setFusedKernels(false);

replayLossFixtures([...CORE_LOSS_FIXTURES, 'lovaszHingeLoss', 'lovaszSoftmaxLoss']);
