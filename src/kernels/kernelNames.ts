/**
 * The fused kernels' contract, in one place (as tfjs-core's
 * `kernel_names.ts`): each kernel's name, its inputs, its attributes, and the rows of the sums
 * it returns, by name. The adapters (sigmoidStats.ts, softmaxStats.ts), the ops that run them
 * (ops.ts, lovaszOps.ts) and the losses that read the rows (through fusedLosses.ts) all import from here.
 */

/** Binary / multilabel sums: inputs `x` (yPred as given), `t` (yTrue as given), optionally `p` = σ(x). */
export const SIGMOID_STATS = 'SeglossSigmoidStats';
/** Gradient of {@link SIGMOID_STATS}: inputs `t`, `coef` = ∂L/∂sums, and `p` or `x` (see `keepP`). */
export const SIGMOID_STATS_GRAD = 'SeglossSigmoidStatsGrad';

/**
 * Rows of the sigmoid sums `[SIGMOID_ROWS, B, C]`: I = Σ m·p·t (Σ m·min(p, t) with softLabel),
 * P = Σ m·p (or m·p²), T = Σ m·t (or m·t²), N = Σ m, BCE = Σ m·bce(x, t), FOCAL = Σ m·focal(x, t).
 */
export const SIGMOID_ROW = { I: 0, P: 1, T: 2, N: 3, BCE: 4, FOCAL: 5 } as const;
export const SIGMOID_ROWS = Object.keys(SIGMOID_ROW).length;

/** What the sigmoid kernels compute; also their attributes. */
export interface SigmoidAttrs {
  B: number;
  C: number;
  /** Number of spatial positions per image. */
  S: number;
  fromLogits: boolean;
  channelsFirst: boolean;
  hasIgnore: boolean;
  ignoreIndex: number;
  squared: boolean;
  softLabel: boolean;
  wantBce: boolean;
  /** BCE weights of positives and negatives, and label smoothing ε (targets t·(1 − ε) + ε/2). */
  wPos: number;
  wNeg: number;
  smoothing: number;
  wantFocal: boolean;
  gamma: number;
  hasAlpha: boolean;
  alpha: number;
  /**
   * Whether the forward pass outputs p for the backward pass (logits without the focal term);
   * otherwise the backward pass reads x and recomputes p (or p = x for probabilities).
   */
  keepP: boolean;
}

/**
 * Multiclass sums: inputs `x` (yPred as given) and `t` (class indices `[B, ...spatial]` /
 * `[B, ...spatial, 1]`, or one-hot in x's layout when `dense`); outputs the sums, a label check
 * `[3]` and p.
 */
export const SOFTMAX_STATS = 'SeglossSoftmaxStats';
/** Gradient of {@link SOFTMAX_STATS}: inputs `x`, `t`, `p`, `coef` = ∂L/∂sums. */
export const SOFTMAX_STATS_GRAD = 'SeglossSoftmaxStatsGrad';

/**
 * Rows of the softmax sums `[SOFTMAX_ROWS, B, C]`: I, P, T (as the sigmoid rows), N (valid pixels
 * of image b, in every column), CE = Σ −w_c·t̃_c·log p_c, WT = Σ w_c·t_c,
 * FOCAL = Σ −α_c·t_c·(1 − p_c)^γ·log p_c.
 */
export const SOFTMAX_ROW = { I: 0, P: 1, T: 2, N: 3, CE: 4, WT: 5, FOCAL: 6 } as const;
export const SOFTMAX_ROWS = Object.keys(SOFTMAX_ROW).length;

/** What the softmax kernels compute; also their attributes. */
export interface SoftmaxAttrs {
  B: number;
  C: number;
  S: number;
  fromLogits: boolean;
  channelsFirst: boolean;
  /** Targets are one-hot (or soft) in x's layout; otherwise class indices, one per pixel. */
  dense: boolean;
  hasIgnore: boolean;
  ignoreIndex: number;
  squared: boolean;
  softLabel: boolean;
  wantCe: boolean;
  /** Class weights of the cross-entropy (length C), and label smoothing ε (t·(1 − ε) + ε/C). */
  ceWeights: number[];
  smoothing: number;
  wantFocal: boolean;
  gamma: number;
  /** Per-class α of the focal term (length C). */
  focalAlpha: number[];
}

/**
 * Lovász extension per row (lovaszRows.ts): inputs errors `e`, labels `t` and optionally the
 * valid mask `v`, all `[R, N]` float32; outputs the values `[R]` and dE `[R, N]`.
 */
export const LOVASZ_ROWS = 'SeglossLovaszRows';

export interface LovaszAttrs {
  R: number;
  N: number;
}

/** Lovász hinge (lovaszRows.ts): inputs `x` (logits) and `t` as given; outputs the values `[R]` and dX in x's shape. */
export const LOVASZ_HINGE = 'SeglossLovaszHinge';

export interface LovaszHingeAttrs extends LovaszAttrs {
  hasIgnore: boolean;
  ignoreIndex: number;
}

/** out = a·s[row], the backward pass of the Lovász ops: inputs `a` (R rows) and `s` `[R]`. */
export const ROW_SCALE = 'SeglossRowScale';

/**
 * Lovász-Softmax (lovaszSoftmax.ts): inputs `x`, `t` as given; outputs `[2, G, K]`, a label check,
 * p and W. Gradient: inputs W, p, dy; output ∂/∂x.
 */
export const LOVASZ_SOFTMAX = 'SeglossLovaszSoftmax';
export const LOVASZ_SOFTMAX_GRAD = 'SeglossLovaszSoftmaxGrad';

export interface LovaszSoftmaxAttrs {
  B: number;
  S: number;
  C: number;
  G: number;
  fromLogits: boolean;
  channelsFirst: boolean;
  dense: boolean;
  hasIgnore: boolean;
  ignoreIndex: number;
  /** Distinct class ids, each in [0, C). */
  classes: number[];
}
