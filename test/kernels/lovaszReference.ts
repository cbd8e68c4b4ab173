/** A float64 reference for the Lovász kernel tests. */

export /** Straight float64 transcription of the formulas for one row (ties in index order). */
function referenceRow(e: ArrayLike<number>, t: ArrayLike<number>, v: ArrayLike<number> | null): { value: number; dE: number[] } {
  const N = e.length;
  const valid = (i: number) => (v === null ? 1 : v[i]) > 0;
  const order = Array.from({ length: N }, (_, i) => i).filter(valid);
  order.sort((a, b) => e[b] - e[a] || a - b);
  let G = 0;
  for (const i of order) G += t[i];
  const dE = new Array<number>(N).fill(0);
  let cumT = 0;
  let cumNeg = 0;
  let Jprev = 0;
  let value = 0;
  for (const i of order) {
    cumT += t[i];
    cumNeg += 1 - t[i];
    const J = 1 - (G - cumT) / (G + cumNeg);
    const g = J - Jprev;
    Jprev = J;
    value += Math.max(e[i], 0) * g;
    if (e[i] > 0) dE[i] = g;
  }
  return { value, dE };
}
