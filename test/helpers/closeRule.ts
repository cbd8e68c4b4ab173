/**
 * The fixture tolerance rule, |got − want| ≤ atol + rtol·|want| elementwise, as plain code with
 * no test-runner or Node import: `expectClose` (Node) and the browser test page both use it.
 */

/** Tolerances of the fixture rule |got − want| ≤ atol + rtol·|want|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/** The first violation of the rule as a message naming its index, or null when all pass. */
export function closeFailure(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, label: string): string | null {
  if (got.length !== want.length) return `${label}: ${got.length} values, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (!(Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b))) {
      return `${label}[${i}]: got ${a}, expected ${b} (rtol ${tol.rtol}, atol ${tol.atol})`;
    }
  }
  return null;
}

/** The gradient tolerance of the fixture rule: atol scaled by max(1, max|grad|). */
export function gradTolerance(tol: Tolerance, grad: ArrayLike<number>): Tolerance {
  let max = 0;
  for (let i = 0; i < grad.length; i++) max = Math.max(max, Math.abs(grad[i]));
  return { rtol: tol.rtol, atol: tol.atol * Math.max(1, max) };
}
