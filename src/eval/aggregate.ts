// Mean ± standard deviation of metrics across seeds.

import { GROUP_NAMES, type GroupMetrics, type GroupReport } from './metrics.ts';

export interface MeanStd {
  mean: number;
  std: number; // sample standard deviation (n − 1); 0 with a single value
  n: number; // how many seeds had a value
}

/** One group's metrics over seeds. A metric that is null in every seed stays null. */
export interface AggregatedMetrics {
  seeds: number;
  users: MeanStd; // evaluated users per seed
  usersPerSeed: number[];
  unranked: MeanStd;
  hr10: MeanStd | null;
  mrr: MeanStd | null;
  cov: MeanStd | null;
  ndcg10: MeanStd | null;
  recall10: MeanStd | null;
}

export type AggregatedReport = Record<keyof GroupReport, AggregatedMetrics>;

/**
 * Mean and sample std of the given values.
 * @example meanStd([1, 2, 3]) // { mean: 2, std: 1, n: 3 }
 */
export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) throw new Error('meanStd: expected at least one value, got none');
  let s = 0;
  for (const v of values) s += v;
  const mean = s / n;
  if (n === 1) return { mean, std: 0, n };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

type MetricKey = 'hr10' | 'mrr' | 'cov' | 'ndcg10' | 'recall10';
const METRICS: readonly MetricKey[] = ['hr10', 'mrr', 'cov', 'ndcg10', 'recall10'];

/**
 * Aggregates one group's metrics over seeds (one entry per seed). Seeds where a metric is
 * null (empty group) are left out of that metric's mean; `n` says how many remained.
 */
export function aggregateSeeds(runs: readonly GroupMetrics[]): AggregatedMetrics {
  if (runs.length === 0) throw new Error('aggregateSeeds: expected one GroupMetrics per seed, got none');
  const out: AggregatedMetrics = {
    seeds: runs.length,
    users: meanStd(runs.map((r) => r.users)),
    usersPerSeed: runs.map((r) => r.users),
    unranked: meanStd(runs.map((r) => r.unranked)),
    hr10: null, mrr: null, cov: null, ndcg10: null, recall10: null,
  };
  for (const m of METRICS) {
    const vals = runs.map((r) => r[m]).filter((v): v is number => v !== null);
    out[m] = vals.length === 0 ? null : meanStd(vals);
  }
  return out;
}

/** Aggregates whole group reports (warm, cold, all, longTail) over seeds. */
export function aggregateReports(reports: readonly GroupReport[]): AggregatedReport {
  if (reports.length === 0) throw new Error('aggregateReports: expected one GroupReport per seed, got none');
  const out = {} as AggregatedReport;
  for (const g of GROUP_NAMES) out[g] = aggregateSeeds(reports.map((r) => r[g]));
  return out;
}
