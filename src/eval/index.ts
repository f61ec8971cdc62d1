// Offline evaluation (SPEC §6): candidate set, exclusions, targets, groups, metrics, baselines.
export { csrFromPairs, csrRow, csrRowLength, csrTranspose, csrFilterCols, emptyCsr, type Csr } from './csr.ts';
export { targetCatalogue, itemMask, consumedInTraining, heldOutTargets, type InteractionArrays } from './candidates.ts';
export { groupMasks, restrictTargetsToTiers, LONG_TAIL_TIERS } from './groups.ts';
export { NO_ITEM, RankingSelector, type Rankings } from './topk.ts';
export {
  evaluateRankings, evaluateGroups, DEFAULT_CUTOFFS, GROUP_NAMES,
  type Cutoffs, type GroupMetrics, type GroupReport, type GroupName, type EvaluateOptions, type GroupOptions,
} from './metrics.ts';
export { meanStd, aggregateSeeds, aggregateReports, type MeanStd, type AggregatedMetrics, type AggregatedReport } from './aggregate.ts';
export { rank, candidatesOf, checkTrainSet, type Recommender, type TrainSet } from './baselines/recommender.ts';
export { Popularity, type PopularityOptions } from './baselines/popularity.ts';
export { ItemKnn, type ItemKnnOptions } from './baselines/itemknn.ts';
export { Ease, EaseTooLargeError, easeMemoryBytes, type EaseOptions } from './baselines/ease.ts';
export { VectorKnn, type VectorKnnOptions } from './baselines/vector_knn.ts';
export { spdInverse } from './baselines/spd_inverse.ts';
export { buildEvalContext, evaluateModel, type EvalContext, type EvalContextOptions, type ModelRun } from './protocol.ts';
export {
  MODEL_NAMES, toQualityBenchJson, type ModelName, type BenchGroup, type QualityBenchJson, type ReportJson, type ModelResult, type TrainingCurve,
} from './report_types.ts';
export { spdInverseF32 } from './baselines/spd_inverse_f32.ts';
export { LightGcn, buildNormAdj, propagate, lightgcnLossGrad, bprLossMean, type LightGcnOptions, type NormAdj } from './baselines/lightgcn.ts';
export { dotProductTopK, gatherRows, type DotProductVectors } from './baselines/dot_product.ts';
export {
  runComparison, defaultComparisonConfig, groupSizes, COMPARISON_MODELS, ABLATIONS,
  type ComparisonConfig, type RunComparisonOptions, type ProgressEvent, type AblationName,
} from './harness.ts';
export { prepareWorkspace, trainSetOf, evalContextOf, itemMatrixFromGraph, type Prepared, type PrepareOptions } from './prepare.ts';
export { DotProductRecommender, runHgnn, contentKnn, hgnnKnn, twoTower, hgnnWithUsers, graphWithUsers, userDemographics, USER_NODE_TYPE, type HgnnRun } from './neural.ts';
export { writeReports, type ReportPaths } from './write_reports.ts';
export { renderMarkdown, findings, PAPER, MODEL_LABELS } from './report_md.ts';
export { renderHtml, barChart, tradeoffChart, curvesChart, markdownToHtml } from './report_html.ts';
