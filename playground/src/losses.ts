/**
 * The losses the page offers: which options it exposes and how to build each one from
 * segloss. A loss is offered only if segloss exports it.
 */
import type { LossFn } from '../../src/index';
import * as segloss from '../../src/index';

export type Lang = 'en' | 'zh';

export interface OptionSpec {
  key: string;
  kind: 'number' | 'boolean';
  default: number | boolean;
  min?: number;
  max?: number;
  step?: number;
}

export interface LossSpec {
  fn: string;
  color: string;
  defaultOn: boolean;
  options: OptionSpec[];
  formula: string;
  text: Record<Lang, { summary: string; when: string }>;
}

const smooth: OptionSpec = { key: 'smooth', kind: 'number', default: 1, min: 0, max: 20, step: 0.5 };
const perImage: OptionSpec = { key: 'perImage', kind: 'boolean', default: false };
const logLoss: OptionSpec = { key: 'logLoss', kind: 'boolean', default: false };
const tverskyAlpha: OptionSpec = { key: 'alpha', kind: 'number', default: 0.3, min: 0, max: 1, step: 0.05 };
const tverskyBeta: OptionSpec = { key: 'beta', kind: 'number', default: 0.7, min: 0, max: 1, step: 0.05 };

export const LOSS_SPECS: LossSpec[] = [
  {
    fn: 'diceLoss',
    color: '#1f77b4',
    defaultOn: true,
    options: [smooth, logLoss, perImage],
    formula: 'L = 1 − (2·Σ p·t + smooth) / (Σ p + Σ t + smooth)',
    text: {
      en: {
        summary:
          'Overlap of prediction and target: twice the intersection over the total mass. The value depends only on these sums, so thousands of easy background pixels do not dilute it the way they dilute the mean of BCE.',
        when: 'Small objects, strong foreground/background imbalance, and when you report Dice/F1. Jumpy on tiny or empty masks, so often paired with BCE.',
      },
      zh: {
        summary: '用交集的两倍除以预测与真值的总量来衡量重叠。损失值只取决于这几个求和，因此成千上万个容易的背景像素不会像稀释 BCE 的均值那样稀释它。',
        when: '目标很小、前景/背景严重不平衡，或评估指标是 Dice/F1 时使用。在极小或空的掩码上波动大，常与 BCE 搭配。',
      },
    },
  },
  {
    fn: 'jaccardLoss',
    color: '#ff7f0e',
    defaultOn: false,
    options: [smooth, logLoss, perImage],
    formula: 'L = 1 − (Σ p·t + smooth) / (Σ p + Σ t − Σ p·t + smooth)',
    text: {
      en: {
        summary: 'Soft IoU: intersection over union. Orders predictions like Dice, but charges more for the same error once the overlap is high.',
        when: 'When the reported metric is IoU (mIoU). Same imbalance behaviour as Dice; logLoss gives stronger gradients while the overlap is low.',
      },
      zh: {
        summary: '软 IoU：交集除以并集。对预测好坏的排序与 Dice 相同，但重叠已较高时对同样的错误罚得更重。',
        when: '评估指标为 IoU（mIoU）时使用。对类别不平衡的表现与 Dice 相同；logLoss 在重叠较低时梯度更强。',
      },
    },
  },
  {
    fn: 'tverskyLoss',
    color: '#2ca02c',
    defaultOn: true,
    options: [tverskyAlpha, tverskyBeta, smooth, perImage],
    formula: 'L = 1 − (I + smooth) / (I + α·FP + β·FN + smooth),  I = Σ p·t, FP = Σ p − I, FN = Σ t − I',
    text: {
      en: {
        summary: 'Dice with separate prices for false positives (α) and false negatives (β). α = β = 0.5 is Dice, α = β = 1 is Jaccard.',
        when: 'When missing foreground costs more than a false alarm (β > α raises recall), e.g. small lesions.',
      },
      zh: {
        summary: 'Dice 的推广：假阳性（α）与假阴性（β）分别计价。α = β = 0.5 即 Dice，α = β = 1 即 Jaccard。',
        when: '漏掉前景比误报代价更高时（β > α 提高召回率），例如小病灶。',
      },
    },
  },
  {
    fn: 'focalTverskyLoss',
    color: '#98df8a',
    defaultOn: false,
    options: [tverskyAlpha, tverskyBeta, { key: 'gamma', kind: 'number', default: 0.75, min: 0.25, max: 3, step: 0.05 }, smooth, perImage],
    formula: 'L = (1 − Tversky score)^γ',
    text: {
      en: {
        summary: 'The Tversky loss raised to the power γ. With γ < 1 the gradient stays strong while the score is already high, so training keeps working on the small structures still missed.',
        when: 'Very small structures with heavy imbalance, once Dice or Tversky has stalled.',
      },
      zh: {
        summary: 'Tversky 损失的 γ 次幂。γ < 1 时即使得分已经较高，梯度仍然较强，训练会继续关注仍被漏掉的小结构。',
        when: '结构极小、严重不平衡，且 Dice 或 Tversky 已停滞时。',
      },
    },
  },
  {
    fn: 'focalLoss',
    color: '#d62728',
    defaultOn: true,
    options: [
      { key: 'alpha', kind: 'number', default: 0.25, min: 0, max: 1, step: 0.05 },
      { key: 'gamma', kind: 'number', default: 2, min: 0, max: 5, step: 0.25 },
    ],
    formula: 'FL = −α_t·(1 − p_t)^γ·log p_t,  p_t = p where t = 1, 1 − p where t = 0;  mean over pixels',
    text: {
      en: {
        summary: 'Per-pixel cross-entropy scaled by (1 − p_t)^γ: confident, correct pixels add almost nothing, so the hard pixels dominate. α weighs positives against negatives.',
        when: 'Many easy background pixels (dense detection, small lesions). γ = 0 with α = 0.5 is half of BCE. The weighting is per pixel, never on the batch-mean BCE.',
      },
      zh: {
        summary: '逐像素交叉熵乘以 (1 − p_t)^γ：置信且正确的像素几乎没有贡献，困难像素占主导。α 平衡正负样本。',
        when: '容易的背景像素很多时（密集检测、小病灶）。γ = 0、α = 0.5 时等于 BCE 的一半。权重按像素计算，而不是乘在整批 BCE 的均值上。',
      },
    },
  },
  {
    fn: 'bceLoss',
    color: '#9467bd',
    defaultOn: true,
    options: [{ key: 'posWeight', kind: 'number', default: 1, min: 0, max: 20, step: 0.5 }],
    formula: 'L = mean of −[w·t·log p + (1 − t)·log(1 − p)],  p = σ(x), computed from the logits x',
    text: {
      en: {
        summary: 'Binary cross-entropy averaged over pixels, computed stably from logits. Every pixel counts the same, the easy background included.',
        when: 'The default for balanced masks and the usual partner of a region loss; posWeight > 1 raises recall.',
      },
      zh: {
        summary: '按像素平均的二元交叉熵，由 logits 稳定计算。每个像素权重相同，包括容易的背景。',
        when: '前景/背景较平衡时的默认选择，也是区域损失的常用搭档；posWeight > 1 提高召回率。',
      },
    },
  },
  {
    fn: 'bceDiceLoss',
    color: '#8c564b',
    defaultOn: false,
    options: [smooth, logLoss, perImage],
    formula: 'L = BCE + Dice loss',
    text: {
      en: {
        summary: 'BCE plus Dice: per-pixel accuracy from BCE, overlap and robustness to imbalance from Dice.',
        when: 'A robust default for binary segmentation: BCE keeps early gradients smooth, Dice pulls small objects up.',
      },
      zh: {
        summary: 'BCE 加 Dice：BCE 负责逐像素的准确，Dice 负责区域重叠和对不平衡的鲁棒性。',
        when: '二值分割的稳妥默认选择：BCE 让训练初期的梯度平滑，Dice 拉起小目标。',
      },
    },
  },
  {
    fn: 'comboLoss',
    color: '#e377c2',
    defaultOn: false,
    options: [
      { key: 'alpha', kind: 'number', default: 0.5, min: 0, max: 1, step: 0.05 },
      { key: 'beta', kind: 'number', default: 0.5, min: 0, max: 1, step: 0.05 },
      smooth,
    ],
    formula: 'L = α·mean of −[β·t·log p + (1 − β)(1 − t)·log(1 − p)] + (1 − α)·(1 − Dice score)',
    text: {
      en: {
        summary: 'A weighted mix of a class-weighted BCE (β weighs the positives) and the Dice loss (weight 1 − α).',
        when: 'Imbalanced data where you want to steer precision against recall with β while keeping Dice\'s overlap term.',
      },
      zh: {
        summary: '带类别权重的 BCE（β 为正样本权重）与 Dice 损失（权重 1 − α）的加权组合。',
        when: '数据不平衡、想用 β 调节精确率与召回率，同时保留 Dice 重叠项时。',
      },
    },
  },
  {
    fn: 'lovaszHingeLoss',
    color: '#17becf',
    defaultOn: true,
    options: [{ key: 'perImage', kind: 'boolean', default: true }],
    formula: 'L = Σ_k relu(e_(k))·g_k,  e = 1 − x·(2t − 1) sorted from largest, g = Lovász gradient of the Jaccard loss',
    text: {
      en: {
        summary: 'Hinge errors of the logits, sorted from worst to best and weighted by the Lovász extension of the Jaccard loss: a convex surrogate that optimises IoU itself. Only the pixels that hurt IoU most get large weights.',
        when: 'Fine-tuning for the IoU metric, usually after a BCE warm-up. Expects logits.',
      },
      zh: {
        summary: '把 logits 的 hinge 误差从大到小排序，再按 Jaccard 损失的 Lovász 扩展加权：直接优化 IoU 的凸代理。只有最损害 IoU 的像素获得大权重。',
        when: '以 IoU 为指标进行微调时使用，通常先用 BCE 预热。输入须为 logits。',
      },
    },
  },
  {
    fn: 'mccLoss',
    color: '#bcbd22',
    defaultOn: false,
    options: [perImage],
    formula: 'L = 1 − (TP·TN − FP·FN) / √((TP + FP)(TP + FN)(TN + FP)(TN + FN)),  soft counts',
    text: {
      en: {
        summary: 'One minus the Matthews correlation of soft confusion counts. It uses the true negatives too, so the background counts without swamping the foreground.',
        when: 'Imbalanced binary masks where both classes matter, e.g. skin lesions.',
      },
      zh: {
        summary: '1 减去软混淆计数的 Matthews 相关系数。它也使用真阴性，因此背景被计入，但不会淹没前景。',
        when: '前景与背景都重要的不平衡二值掩码，例如皮肤病变。',
      },
    },
  },
  {
    fn: 'logCoshDiceLoss',
    color: '#7f7f7f',
    defaultOn: false,
    options: [smooth, perImage],
    formula: 'L = log(cosh(1 − Dice score))',
    text: {
      en: {
        summary: 'log cosh of the Dice loss: about (Dice loss)²/2 near a perfect prediction, a smoothed Dice.',
        when: 'Where Dice fits but its gradients are too jumpy.',
      },
      zh: {
        summary: 'Dice 损失的 log cosh：在接近完美预测时约为 (Dice 损失)²/2，是平滑后的 Dice。',
        when: '适合用 Dice、但其梯度波动太大时。',
      },
    },
  },
  {
    fn: 'generalizedDiceLoss',
    color: '#c49c94',
    defaultOn: false,
    options: [perImage],
    formula: 'L = 1 − (2·Σ_c w_c·I_c + s) / (Σ_c w_c·(P_c + T_c) + s),  w_c = 1 / T_c²',
    text: {
      en: {
        summary: 'Dice summed over classes with weights 1/T_c², so a rare class counts as much as a common one. With one class (this page) the weight cancels and it is Dice with a tiny smooth; an empty target then scores 0 whatever is predicted.',
        when: 'Multiclass masks with very unequal class sizes (e.g. small organs next to large ones).',
      },
      zh: {
        summary: '按类别加权求和的 Dice，权重为 1/T_c²，使稀有类与常见类同等重要。只有一个类别时（本页）权重抵消，相当于 smooth 很小的 Dice；目标为空时无论预测什么损失都为 0。',
        when: '类别大小差异很大的多类掩码（例如大器官旁的小器官）。',
      },
    },
  },
  {
    fn: 'clDiceLoss',
    color: '#393b79',
    defaultOn: false,
    options: [
      { key: 'iterations', kind: 'number', default: 3, min: 0, max: 10, step: 1 },
      { key: 'smooth', kind: 'number', default: 1, min: 0.5, max: 20, step: 0.5 },
    ],
    formula: 'L = 1 − 2·Tprec·Tsens / (Tprec + Tsens),  Tprec = (Σ S(p)·t + s) / (Σ S(p) + s),  Tsens = (Σ S(t)·p + s) / (Σ S(t) + s),  S = soft skeleton',
    text: {
      en: {
        summary: 'Soft skeletons of prediction and target: how much of the predicted centre-line lies inside the target, and how much of the target\'s centre-line the prediction covers, combined like Dice. It rewards thin structures that stay connected.',
        when: 'Vessels, roads, neurons, cracks: thin tubular structures whose topology matters. Usually added to Dice rather than used alone. The slowest loss here (about 0.25 s per gradient on the cpu backend).',
      },
      zh: {
        summary: '对预测和真值求软骨架：预测的中心线有多少落在真值内，真值的中心线有多少被预测覆盖，再像 Dice 一样组合。它奖励保持连通的细结构。',
        when: '血管、道路、神经元、裂缝等拓扑重要的细长管状结构。通常与 Dice 相加，而不单独使用。它是本页最慢的损失（cpu 后端上每次梯度约 0.25 秒）。',
      },
    },
  },
  {
    fn: 'boundaryLoss',
    color: '#637939',
    defaultOn: false,
    options: [],
    formula: 'L = mean of p·φ,  φ = distance to the target outside it, −(distance to the background − 1) inside',
    text: {
      en: {
        summary: 'The mean of p·φ, with φ the target\'s signed distance map. A predicted pixel costs in proportion to its distance from the object, so the loss still points the way when prediction and target do not overlap at all.',
        when: 'Highly unbalanced segmentation, added to a region loss such as Dice with a weight that grows during training.',
      },
      zh: {
        summary: 'p·φ 的均值，φ 为真值的有符号距离图。预测像素的代价与它到目标的距离成正比，因此即使预测与真值完全不重叠，损失仍能指明方向。',
        when: '高度不平衡的分割；与 Dice 等区域损失相加，并在训练中逐步增大其权重。',
      },
    },
  },
  {
    fn: 'hausdorffDTLoss',
    color: '#843c39',
    defaultOn: false,
    options: [{ key: 'alpha', kind: 'number', default: 2, min: 0.5, max: 4, step: 0.25 }],
    formula: 'L = mean of (p − t)²·(d_p^α + d_t^α),  d = distance fields of the predicted and target masks',
    text: {
      en: {
        summary: 'Squared error weighted by the distance fields of the predicted and target masks: errors far from the boundaries weigh most, which approximates the Hausdorff distance.',
        when: 'When the worst boundary error matters (the Hausdorff metric), e.g. organ contours; combine with Dice.',
      },
      zh: {
        summary: '平方误差乘以预测掩码与真值掩码的距离场：离边界越远的错误权重越大，从而近似 Hausdorff 距离。',
        when: '关注最差的边界误差（Hausdorff 指标）时，例如器官轮廓；与 Dice 组合使用。',
      },
    },
  },
  {
    fn: 'asymmetricFocalLoss',
    color: '#e7969c',
    defaultOn: false,
    options: [
      { key: 'delta', kind: 'number', default: 0.7, min: 0, max: 1, step: 0.05 },
      { key: 'gamma', kind: 'number', default: 2, min: 0, max: 5, step: 0.25 },
    ],
    formula: 'L = mean of (1 − δ)·(1 − p₀)^γ·(−t₀ log p₀) + δ·(−t₁ log p₁),  p₀ = 1 − p background, p₁ = p foreground',
    text: {
      en: {
        summary: 'Cross-entropy in which only the background is focal-suppressed by (1 − p₀)^γ, while the rare foreground keeps its full weight δ.',
        when: 'Strong foreground/background imbalance where plain focal loss also weakens the foreground; usually inside the unified focal loss.',
      },
      zh: {
        summary: '只对背景用 (1 − p₀)^γ 做焦点抑制的交叉熵，稀有的前景保留完整权重 δ。',
        when: '前景/背景严重不平衡、普通 focal 损失也削弱前景时使用；通常作为统一 focal 损失的一部分。',
      },
    },
  },
  {
    fn: 'asymmetricFocalTverskyLoss',
    color: '#7b4173',
    defaultOn: false,
    options: [
      { key: 'delta', kind: 'number', default: 0.7, min: 0, max: 1, step: 0.05 },
      { key: 'gamma', kind: 'number', default: 0.75, min: 0, max: 1, step: 0.05 },
    ],
    formula: 'L = mean over {background, foreground} of 1 − TI₀ and (1 − TI₁)^(1 − γ),  TI = TP / (TP + δ·FN + (1 − δ)·FP)',
    text: {
      en: {
        summary: 'Tversky loss per image where only the foreground is focal-enhanced by the exponent 1 − γ; the background term stays linear.',
        when: 'Small structures where Dice or Tversky stall; usually inside the unified focal loss.',
      },
      zh: {
        summary: '按图像计算的 Tversky 损失，只有前景项用指数 1 − γ 做焦点增强，背景项保持线性。',
        when: '小结构、Dice 或 Tversky 停滞时使用；通常作为统一 focal 损失的一部分。',
      },
    },
  },
  {
    fn: 'unifiedFocalLoss',
    color: '#ad494a',
    defaultOn: false,
    options: [
      { key: 'weight', kind: 'number', default: 0.5, min: 0, max: 1, step: 0.05 },
      { key: 'delta', kind: 'number', default: 0.6, min: 0, max: 1, step: 0.05 },
      { key: 'gamma', kind: 'number', default: 0.5, min: 0, max: 1, step: 0.05 },
    ],
    formula: 'L = λ·asymmetric focal Tversky(δ, γ) + (1 − λ)·asymmetric focal(δ, γ)',
    text: {
      en: {
        summary: 'The weighted sum of the two asymmetric losses above with shared δ and γ: a region term and a pixel term in one, with three robust hyper-parameters.',
        when: 'Class-imbalanced segmentation where you would otherwise tune a Dice + cross-entropy combination.',
      },
      zh: {
        summary: '上面两个非对称损失以共享的 δ、γ 加权求和：一个区域项加一个像素项，只有三个稳健的超参数。',
        when: '类别不平衡的分割，本来需要调 Dice + 交叉熵组合的场合。',
      },
    },
  },
  {
    fn: 'skeletonRecallLoss',
    color: '#5254a3',
    defaultOn: false,
    options: [perImage],
    formula: 'L = 1 − (Σ p·S + s) / (Σ S + s),  S = skeleton of the target, dilated twice (a tube)',
    text: {
      en: {
        summary: 'Soft recall of the target\'s skeleton, thickened into a thin tube: every branch of the target must be covered, however thin. The skeleton is computed once on the CPU and carries no gradient.',
        when: 'Thin structures whose connectivity matters (vessels, roads, cracks), added to Dice; much cheaper than clDice.',
      },
      zh: {
        summary: '真值骨架（膨胀成细管）的软召回率：真值的每个分支无论多细都必须被覆盖。骨架在 CPU 上计算一次，不带梯度。',
        when: '连通性重要的细结构（血管、道路、裂缝），与 Dice 相加；比 clDice 便宜得多。',
      },
    },
  },
];

/** Losses that need several classes, so this binary page lists them with one line but cannot compute them. */
export const MULTICLASS_ONLY: { fn: string; text: Record<Lang, string> }[] = [
  {
    fn: 'generalizedWassersteinDiceLoss',
    text: {
      en: 'multiclass Dice where confusing similar classes costs less, through a class distance matrix (Fidon et al. 2017).',
      zh: '多类 Dice，借助类别距离矩阵，使混淆相近类别的代价更小（Fidon 等，2017）。',
    },
  },
];

type Factory = (options?: Record<string, unknown>) => LossFn;

/** The segloss factory for `fn`, or undefined if this build of segloss does not export it. */
export function factoryOf(fn: string): Factory | undefined {
  const f = (segloss as unknown as Record<string, unknown>)[fn];
  return typeof f === 'function' ? (f as Factory) : undefined;
}

/** The specs of the losses this build of segloss exports. */
export function availableLosses(): LossSpec[] {
  return LOSS_SPECS.filter((s) => factoryOf(s.fn) !== undefined);
}

/** The multiclass-only losses this build of segloss exports. */
export function availableMulticlassOnly(): typeof MULTICLASS_ONLY {
  return MULTICLASS_ONLY.filter((m) => factoryOf(m.fn) !== undefined);
}

/** The default option values of a loss, as the page starts. */
export function defaultOptions(spec: LossSpec): Record<string, number | boolean> {
  return Object.fromEntries(spec.options.map((o) => [o.key, o.default]));
}
