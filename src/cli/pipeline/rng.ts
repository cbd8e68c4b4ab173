/**
 * The one seeded PRNG of segloss's CLI, tests, playground and benchmarks: mulberry32 (Tommy
 * Ettinger's 32-bit generator, period 2^32), so every random draw depends only on its seed.
 * Portable: no Node, no tfjs.
 */

/**
 * mulberry32 started from the 32-bit `state` (`state >>> 0`): uniform floats in [0, 1) with
 * 32 random bits each. Tests, the playground and the benchmarks draw from this one directly.
 */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * XORed into the CLI's seeds before they start mulberry32: 2^32 / φ, so the small seeds users
 * type (0, 1, 42) do not start from nearly-zero states. Changing it changes every CLI result.
 */
export const CLI_SEED_MIX = 0x9e3779b9;

/** The CLI's generator for `seed`: its synthetic data and data order depend only on the seed. */
export function rng(seed: number): () => number {
  return mulberry32((seed >>> 0) ^ CLI_SEED_MIX);
}
