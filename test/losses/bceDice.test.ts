/**
 * bceDiceLoss: its definition as a weighted sum. The shared battery (test/helpers/lossBattery.ts)
 * covers the behaviours every loss shares.
 */
import { beforeAll, describe, it } from 'vitest';
import { bceDiceLoss, bceLoss, crossEntropyLoss, diceLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { describeLossBattery } from '../helpers/lossBattery.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLabels, randomLogits, randomMask } from '../helpers/random.js';

describeLossBattery('bceDiceLoss', (o = {}) => bceDiceLoss(o), {
  modes: ['binary', 'multiclass', 'multilabel'],
  classWeights: true,
});

describe.each(BACKENDS)('bceDiceLoss() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('bceDiceLoss equals bceWeight·bceLoss + diceWeight·diceLoss', () => {
    const x = randomLogits([2, 4, 4, 1], 24);
    const t = randomMask([2, 4, 4, 1], 25);
    const want = 0.3 * valueOf(bceLoss(), t, x) + 2 * valueOf(diceLoss({ smooth: 0.5 }), t, x);
    expectClose(valueOf(bceDiceLoss({ bceWeight: 0.3, diceWeight: 2, smooth: 0.5 }), t, x), want);
  });

  it("bceDiceLoss({ mode: 'multiclass' }) equals bceWeight·crossEntropyLoss + diceWeight·diceLoss, ignored pixels left out of both", () => {
    const x = randomLogits([2, 4, 4, 3], 26);
    const labels = randomLabels([2, 4, 4], 3, 27);
    const o = { mode: 'multiclass', ignoreIndex: 2 } as const;
    const want = 1.5 * valueOf(crossEntropyLoss(o), labels, x) + 0.5 * valueOf(diceLoss(o), labels, x);
    expectClose(valueOf(bceDiceLoss({ ...o, bceWeight: 1.5, diceWeight: 0.5 }), labels, x), want);
  });
});
