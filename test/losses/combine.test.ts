/** combineLosses: a weighted sum of losses, and its option errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { bceLoss, combineLosses, diceLoss } from '../../src/index.js';
import { BACKENDS, useBackend } from '../helpers/backends.js';
import { expectClose } from '../helpers/expectClose.js';
import { freeTensorsAfterEach } from '../helpers/freeTensorsAfterEach.js';
import { valueOf } from '../helpers/lossValue.js';
import { randomLogits, randomMask } from '../helpers/random.js';

describe.each(BACKENDS)('combineLosses() on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  freeTensorsAfterEach();

  it('combineLosses sums weighted terms', () => {
    const x = randomLogits([2, 4, 4, 1], 26);
    const t = randomMask([2, 4, 4, 1], 27);
    const want = valueOf(bceLoss(), t, x) + 0.5 * valueOf(diceLoss(), t, x);
    expectClose(valueOf(combineLosses([bceLoss(), [diceLoss(), 0.5]]), t, x), want);
    expect(() => combineLosses([])).toThrow(/^combineLosses: terms must be a non-empty array/);
    expect(() => combineLosses([[diceLoss(), -1]])).toThrow(/^combineLosses: terms\[0\] weight must be a finite number >= 0, got -1/);
  });
});
