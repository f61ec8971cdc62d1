// Shapes of the comparison's outputs (sketch for the harness, report writer and
// bench/quality.ts, which come once the neural models exist), and the conversion of
// seed-aggregated figures into the bench's last-line JSON.

import type { AggregatedMetrics, AggregatedReport } from './aggregate.ts';

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

/** Everything report.json holds (sketch; the report writer owns the final form). */
export interface ReportJson {
  dataset: string;
  gitCommit: string;
  dataManifestHash: string;
  seeds: number[];
  protocol: {
    split: string; // e.g. "temporal, last 14 days" or "last 10% of the timeline"
    candidates: string; // "all target-type items"
    exclusion: string; // "items the user interacted with in training (any kind)"
    cutoffs: { hr: number; mrr: number; cov: number; ndcg: number; recall: number };
    longTailTiers: number[];
  };
  models: Partial<Record<ModelName, { settings: Record<string, unknown>; groups: AggregatedReport; fitMs: number[] }>>;
  ablations?: Record<string, AggregatedReport>;
  podcastTask?: Partial<Record<ModelName, AggregatedReport>>;
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
