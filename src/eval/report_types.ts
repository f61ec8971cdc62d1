// Shapes of the comparison's outputs (report.json, the bench's last line) and the conversion
// of seed-aggregated figures into the bench's last-line JSON.

import type { AggregatedMetrics, AggregatedReport } from './aggregate.ts';
import type { GroupReport } from './metrics.ts';

/** Model names as issue 7 fixes them for bench/quality.ts (ease or itemknn, whichever ran). */
export const MODEL_NAMES = [
  'popularity', 'content_knn', 'hgnn', 'hgnn_w_users', 'two_tower', 'two_tower_hgnn', 'lightgcn', 'ease', 'itemknn',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** One group's figures in the bench JSON: means over seeds; null when the group was empty. */
export interface BenchGroup {
  hr10: number | null;
  mrr: number | null;
  cov: number | null;
  users: number;
}

/** The last stdout line of `npx tsx bench/quality.ts --dataset …`. */
export interface QualityBenchJson {
  dataset: string;
  results: Partial<Record<ModelName, { warm: BenchGroup; cold: BenchGroup; all: BenchGroup }>>;
}

/** A training curve of one model and seed (epoch losses; validation figures when the trainer has them). */
export interface TrainingCurve {
  model: string;
  seed: number;
  points: { epoch: number; loss: number; valLoss?: number; valHr10?: number; seconds?: number }[];
}

/** One model's figures over seeds, with its settings and timings. */
export interface ModelResult {
  settings: Record<string, unknown>;
  groups: AggregatedReport;
  perSeed: GroupReport[];
  fitMs: number[];
  recommendMs: number[];
  curves: TrainingCurve[];
  note?: string;
}

/** Everything report.json holds. */
export interface ReportJson {
  format: 'hgrec.eval_report';
  version: 1;
  dataset: string;
  createdAt: string;
  command: string | null;
  workspace: string;
  gitCommit: string;
  dataManifestHash: string;
  seeds: number[];
  quick: boolean;
  /** Cap on HGNN batches per epoch, when one was set (quick runs, or --hgnn-max-batches). */
  hgnnMaxBatches?: number;
  protocol: {
    split: string; // e.g. "temporal, last 14 days" or "leave-last-out"
    splitInfo: Record<string, unknown>;
    target: string;
    candidates: string; // "all target-type items"
    catalogueSize: number;
    exclusion: string; // "items the user interacted with in training (any kind)"
    cutoffs: { hr: number; mrr: number; cov: number; ndcg: number; recall: number };
    longTailTiers: number[];
    /** users with ≥1 target per group (what every model is asked to rank) */
    groupSizes: { warm: number; cold: number; all: number; longTail: number };
    tuning: string;
  };
  settings: Record<string, unknown>;
  timings: { prepareSeconds: number; totalSeconds: number; graphSeconds: number; featureSeconds: number };
  models: Partial<Record<ModelName, ModelResult>>;
  /** Models asked for but not run, with the reason. */
  skipped: Partial<Record<ModelName, string>>;
  ablations: Record<string, ModelResult & { label: string }>;
  podcastTask: { target: string; groupSizes: { warm: number; cold: number; all: number; longTail: number }; models: Partial<Record<ModelName, ModelResult>> } | { skipped: string };
  notes: string[];
}

function benchGroup(a: AggregatedMetrics): BenchGroup {
  return { hr10: a.hr10?.mean ?? null, mrr: a.mrr?.mean ?? null, cov: a.cov?.mean ?? null, users: a.users.mean };
}

/** Seed-aggregated model reports → the bench's JSON object. */
export function toQualityBenchJson(dataset: string, models: Partial<Record<ModelName, AggregatedReport>>): QualityBenchJson {
  const results: QualityBenchJson['results'] = {};
  for (const [name, rep] of Object.entries(models) as [ModelName, AggregatedReport][]) {
    results[name] = { warm: benchGroup(rep.warm), cold: benchGroup(rep.cold), all: benchGroup(rep.all) };
  }
  return { dataset, results };
}
