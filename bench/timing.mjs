// Shared by the bench scripts: the project's seeded PRNG and one way to time a function.
export { mulberry32 as rng } from '../dist/esm/cli/pipeline/rng.js';

const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs `f` once to warm up (JIT), then `runs` times; returns the median wall time and the median
 * CPU time (user + system of this process) in ms, and the warm-up's return value.
 */
export function medianTimes(f, runs) {
  const value = f();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { value, wall: mid(wall), cpu: mid(cpu) };
}
