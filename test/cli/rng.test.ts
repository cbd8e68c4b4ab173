import { describe, expect, it } from 'vitest';
import { CLI_SEED_MIX, mulberry32, rng } from '../../src/cli/pipeline/rng.js';
import { rng as testRng } from '../helpers/random.js';
import { rng as playgroundRng } from '../../playground/src/masks.js';

const draw = (next: () => number, n: number) => Array.from({ length: n }, next);

describe('the one seeded PRNG', () => {
  it('mulberry32() repeats its stream by seed and differs between seeds', () => {
    expect(draw(mulberry32(7), 5)).toEqual(draw(mulberry32(7), 5));
    expect(draw(mulberry32(7), 5)).not.toEqual(draw(mulberry32(8), 5));
  });

  it('mulberry32() draws uniform floats in [0, 1)', () => {
    const xs = draw(mulberry32(1), 10000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // Mean of 10^4 uniforms: 0.5 with standard error 1/sqrt(12·10^4) ≈ 0.0029; allow 4 of them.
    expect(Math.abs(xs.reduce((a, b) => a + b, 0) / xs.length - 0.5)).toBeLessThan(4 * 0.0029);
  });

  it("the CLI's rng(seed) is mulberry32 from the seed mixed with CLI_SEED_MIX", () => {
    for (const seed of [0, 1, 42, 2 ** 31 - 1]) expect(draw(rng(seed), 4)).toEqual(draw(mulberry32((seed ^ CLI_SEED_MIX) >>> 0), 4));
  });

  it('the test helpers and the playground draw the same unmixed stream', () => {
    expect(draw(testRng(3), 4)).toEqual(draw(mulberry32(3), 4));
    expect(draw(playgroundRng(3), 4)).toEqual(draw(mulberry32(3), 4));
  });
});
