/**
 * segloss: segmentation losses and metrics for TensorFlow.js.
 * @packageDocumentation
 */
export type { CommonOptions, DataFormat, LossFn, Mode, Reduction, RegionLossOptions } from './types.js';
export { DATA_FORMATS, MODES, REDUCTIONS } from './types.js';
export { DATA_CHECKS, setDataChecks, type DataChecks } from './core/dataChecks.js';

export { diceLoss, type DiceLossOptions } from './losses/dice.js';
export { jaccardLoss, type JaccardLossOptions } from './losses/jaccard.js';
export { tverskyLoss, type TverskyLossOptions } from './losses/tversky.js';
export { focalTverskyLoss, type FocalTverskyLossOptions } from './losses/focalTversky.js';
export { focalLoss, type FocalLossOptions } from './losses/focal.js';
export { bceLoss, type BceLossOptions } from './losses/bce.js';
export { crossEntropyLoss, type CrossEntropyLossOptions } from './losses/crossEntropy.js';
export { bceDiceLoss, type BceDiceLossOptions } from './losses/bceDice.js';
export { comboLoss, type ComboLossOptions } from './losses/combo.js';
export { combineLosses, type LossTerm } from './losses/combine.js';
export { generalizedDiceLoss, GENERALIZED_DICE_WEIGHT_TYPES, type GeneralizedDiceLossOptions, type GeneralizedDiceWeightType } from './losses/generalizedDice.js';
export { mccLoss, type MccLossOptions } from './losses/mcc.js';
export { logCoshDiceLoss, type LogCoshDiceLossOptions } from './losses/logCoshDice.js';
export { clDiceLoss, type ClDiceLossOptions } from './losses/clDice.js';
export { lovaszHingeLoss, type LovaszHingeLossOptions } from './losses/lovaszHinge.js';
export { lovaszSoftmaxLoss, type LovaszSoftmaxLossOptions } from './losses/lovaszSoftmax.js';
export { euclideanDistanceTransform, squaredEuclideanDistanceTransform } from './core/edt.js';
export { signedDistanceMap, type SignedDistanceMapOptions } from './losses/signedDistanceMap.js';
export { boundaryLoss, type BoundaryLossOptions } from './losses/boundary.js';
export { hausdorffDTLoss, type HausdorffDTLossOptions } from './losses/hausdorffDT.js';

// v1.3 losses
export { asymmetricFocalLoss, type AsymmetricFocalLossOptions } from './losses/asymmetricFocal.js';
export { asymmetricFocalTverskyLoss, type AsymmetricFocalTverskyLossOptions } from './losses/asymmetricFocalTversky.js';
export { unifiedFocalLoss, type UnifiedFocalLossOptions } from './losses/unifiedFocal.js';
export { UNIFIED_FOCAL_REDUCTIONS, type UnifiedFocalCommonOptions, type UnifiedFocalReduction } from './core/focalFamily.js';
export {
  generalizedWassersteinDiceLoss,
  WASSERSTEIN_WEIGHTINGS,
  type GeneralizedWassersteinDiceLossOptions,
  type WassersteinWeighting,
} from './losses/generalizedWassersteinDice.js';
export { skeletonRecallLoss, type SkeletonRecallLossOptions } from './losses/skeletonRecall.js';
export { tubedSkeleton, type TubedSkeletonOptions } from './losses/tubedSkeleton.js';

export { confusionStats, type ConfusionStats, type ConfusionStatsOptions } from './metrics/confusionStats.js';
export {
  accuracy,
  diceScore,
  f1Score,
  iouScore,
  METRIC_REDUCTIONS,
  precision,
  recall,
  specificity,
  type MetricReduction,
  type ScoreFn,
  type ScoreOptions,
} from './metrics/scores.js';
export { toMetric, type MetricFn, type MetricOptions } from './metrics/metricFn.js';
export { createConfusionAccumulator, type ConfusionAccumulator } from './metrics/accumulator.js';
export type { SurfaceDistanceOptions, SurfaceMetricOptions, SurfaceReduction } from './metrics/surfaceOptions.js';
export { hausdorffDistance, type HausdorffDistanceOptions } from './metrics/hausdorffDistance.js';
export { averageSurfaceDistance, type AverageSurfaceDistanceOptions } from './metrics/averageSurfaceDistance.js';
export { normalizedSurfaceDice, type NormalizedSurfaceDiceOptions } from './metrics/normalizedSurfaceDice.js';
export { boundaryIoU, type BoundaryIoUOptions } from './metrics/boundaryIoU.js';
export { createSurfaceAccumulator, type SurfaceAccumulator, type SurfaceMetricFn } from './metrics/surfaceAccumulator.js';
export { disableWasmTraining, enableWasmTraining } from './wasm/enableWasmTraining.js';
