import { describe, expect, it } from 'vitest';
import * as segloss from '../src/index.js';
import { MODES, type Mode } from '../src/index.js';

type Factory = ((options?: Record<string, unknown>) => unknown) & { modes?: readonly Mode[] };

const factories = Object.entries(segloss as Record<string, unknown>).filter(
  (e): e is [string, Factory] => typeof e[1] === 'function' && /Loss$/.test(e[0]) && e[0] !== 'combineLosses',
);

/** Options a factory cannot be built without (everything else has a default). */
const REQUIRED: Record<string, Record<string, unknown>> = {
  generalizedWassersteinDiceLoss: { distanceMatrix: [[0, 1], [1, 0]] },
};

describe('loss factories declare their modes', () => {
  it('every exported *Loss factory has a non-empty `modes` list drawn from MODES', () => {
    expect(factories.length).toBeGreaterThan(10);
    for (const [name, factory] of factories) {
      expect(factory.modes, name).toBeDefined();
      expect(factory.modes!.length, name).toBeGreaterThan(0);
      for (const mode of factory.modes!) expect(MODES, `${name}: ${mode}`).toContain(mode);
    }
  });

  it.each(factories)('%s builds for each declared mode and rejects the others', (name, factory) => {
    for (const mode of MODES) {
      const build = () => factory({ ...REQUIRED[name], mode });
      if (factory.modes!.includes(mode)) expect(build, `${name} mode ${mode}`).not.toThrow();
      else expect(build, `${name} mode ${mode}`).toThrow(new RegExp(`^${name}: .*mode`));
    }
  });
});
