// Ranking metrics (pure functions) and their per-group evaluation.
//
// Definitions, over the evaluated users of a group (users with ≥1 target that have a ranking):
// - HR@10:     share of users with at least one target in their top 10.
// - MRR:       mean over users of 1/rank of the FIRST target within the top 100, 0 when no
//              target is in the top 100 (ranks start at 1).
// - Coverage:  |distinct items in the top 100 of the group's evaluated users| / |catalogue|.
// - NDCG@10:   binary relevance; DCG = Σ_{r≤10, item_r ∈ T} 1/log2(r+1), divided by the ideal
//              DCG Σ_{r≤min(|T|,10)} 1/log2(r+1).
// - Recall@10: |T ∩ top10| / min(|T|, 10) (so a user with 20 targets can still reach 1).
// Users with no targets are not evaluated. Users with targets but no ranking (absent from the
// rankings, or a row starting with NO_ITEM, e.g. content-KNN for cold users) are not evaluated
// either and are counted in `unranked`. An empty group gives null metrics and users: 0.

import type { Csr } from './csr.ts';
import { restrictTargetsToTiers, LONG_TAIL_TIERS } from './groups.ts';
import { NO_ITEM, type Rankings } from './topk.ts';

/** Cut-offs; the metric field names carry the defaults (hr10 = HR@cutoffs.hr). */
export interface Cutoffs {
  hr: number;
  mrr: number;
  cov: number;
  ndcg: number;
  recall: number;
}

export const DEFAULT_CUTOFFS: Readonly<Cutoffs> = Object.freeze({ hr: 10, mrr: 100, cov: 100, ndcg: 10, recall: 10 });

/** Metrics of one model on one group of users (one seed). */
export interface GroupMetrics {
  users: number; // evaluated users
  unranked: number; // users with targets the model gave no ranking
  hr10: number | null;
  mrr: number | null;
  cov: number | null;
  ndcg10: number | null;
  recall10: number | null;
}

/** The four groups of SPEC §6. */
export interface GroupReport {
  warm: GroupMetrics;
  cold: GroupMetrics;
  all: GroupMetrics;
  longTail: GroupMetrics;
}

export type GroupName = keyof GroupReport;
export const GROUP_NAMES: readonly GroupName[] = ['warm', 'cold', 'all', 'longTail'];

export interface EvaluateOptions {
  /** Candidate catalogue (dense item ids); the coverage denominator, and every ranked item must be in it. */
  catalogue: Int32Array;
  /** [nUsers] 0/1: which users belong to the group (default: everyone). */
  member?: Uint8Array;
  cutoffs?: Partial<Cutoffs>;
}

/**
 * Evaluates rankings against held-out targets for one group of users.
 *
 * rankings: [U, k]; targets: Csr [nUsers, nItems] -> GroupMetrics
 *
 * @example evaluateRankings({ users: Int32Array.of(0), k: 2, items: Int32Array.of(5, 7) },
 *   targets, { catalogue, cutoffs: { hr: 2, mrr: 2, cov: 2, ndcg: 2, recall: 2 } })
 */
export function evaluateRankings(rankings: Rankings, targets: Csr, opts: EvaluateOptions): GroupMetrics {
  const fn = 'evaluateRankings';
  const cut = { ...DEFAULT_CUTOFFS, ...opts.cutoffs };
  const { users, k, items } = rankings;
  const maxCut = Math.max(cut.hr, cut.mrr, cut.cov, cut.ndcg, cut.recall);
  if (k < maxCut) {
    throw new Error(`${fn}: rankings.k expected >= the largest cut-off ${maxCut} (pad with NO_ITEM), got ${k}`);
  }
  if (items.length !== users.length * k) {
    throw new Error(`${fn}: rankings.items expected length users.length * k = ${users.length * k}, got ${items.length}`);
  }
  const nUsers = targets.nRows;
  const nItems = targets.nCols;
  const member = opts.member;
  if (member !== undefined && member.length !== nUsers) {
    throw new Error(`${fn}: member expected length ${nUsers} (one per user), got ${member.length}`);
  }
  const inCat = new Uint8Array(nItems);
  for (const it of opts.catalogue) {
    if (it < 0 || it >= nItems) throw new Error(`${fn}: catalogue item expected in [0, ${nItems}), got ${it}`);
    inCat[it] = 1;
  }
  let catSize = 0;
  for (let i = 0; i < nItems; i++) catSize += inCat[i]!;

  const isTarget = new Uint8Array(nItems);
  const seen = new Int32Array(nItems); // seen[item] = row+1 when already in this row
  const covered = new Uint8Array(nItems);
  const ranked = new Uint8Array(nUsers);
  let n = 0, hr = 0, mrr = 0, ndcg = 0, recall = 0, unranked = 0;

  for (let row = 0; row < users.length; row++) {
    const u = users[row]!;
    if (u < 0 || u >= nUsers) throw new Error(`${fn}: rankings.users[${row}] expected in [0, ${nUsers}), got ${u}`);
    if (ranked[u]) throw new Error(`${fn}: user ${u} has two ranking rows (second at row ${row})`);
    ranked[u] = 1;
    if (member !== undefined && !member[u]) continue;
    const t0 = targets.indptr[u]!, t1 = targets.indptr[u + 1]!;
    if (t1 === t0) continue; // no targets: not evaluated
    const base = row * k;
    if (items[base] === NO_ITEM) { unranked++; continue; }
    for (let p = t0; p < t1; p++) isTarget[targets.indices[p]!] = 1;
    let first = 0, hits = 0, dcg = 0;
    for (let r = 1; r <= maxCut; r++) {
      const it = items[base + r - 1]!;
      if (it === NO_ITEM) {
        for (let q = r; q < k; q++) {
          if (items[base + q] !== NO_ITEM) throw new Error(`${fn}: user ${u}: item after NO_ITEM padding at rank ${q + 1}`);
        }
        break;
      }
      if (it < 0 || it >= nItems || !inCat[it]) throw new Error(`${fn}: user ${u}: rank ${r} item ${it} is not in the catalogue`);
      if (seen[it] === row + 1) throw new Error(`${fn}: user ${u}: item ${it} appears twice (again at rank ${r})`);
      seen[it] = row + 1;
      if (r <= cut.cov) covered[it] = 1;
      if (isTarget[it]) {
        if (first === 0) first = r;
        if (r <= cut.recall) hits++;
        if (r <= cut.ndcg) dcg += 1 / Math.log2(r + 1);
      }
    }
    const nT = t1 - t0;
    let idcg = 0;
    for (let r = 1; r <= Math.min(nT, cut.ndcg); r++) idcg += 1 / Math.log2(r + 1);
    n++;
    if (first > 0 && first <= cut.hr) hr++;
    if (first > 0 && first <= cut.mrr) mrr += 1 / first;
    ndcg += dcg / idcg;
    recall += hits / Math.min(nT, cut.recall);
    for (let p = t0; p < t1; p++) isTarget[targets.indices[p]!] = 0;
  }
  // Group users with targets and no ranking row at all.
  for (let u = 0; u < nUsers; u++) {
    if (ranked[u] || (member !== undefined && !member[u])) continue;
    if (targets.indptr[u + 1]! > targets.indptr[u]!) unranked++;
  }
  if (n === 0) return { users: 0, unranked, hr10: null, mrr: null, cov: null, ndcg10: null, recall10: null };
  let nCovered = 0;
  for (let i = 0; i < nItems; i++) nCovered += covered[i]!;
  return {
    users: n,
    unranked,
    hr10: hr / n,
    mrr: mrr / n,
    cov: catSize === 0 ? 0 : nCovered / catSize,
    ndcg10: ndcg / n,
    recall10: recall / n,
  };
}

export interface GroupOptions {
  catalogue: Int32Array;
  /** [nUsers] 0/1 warm mask (see groupMasks). */
  warm: Uint8Array;
  /** [nUsers] 0/1 cold mask (default: every user not warm). */
  cold?: Uint8Array;
  /** [nItems] popularity tier per item (1 head .. 5 tail, 0 outside the catalogue). */
  itemTier: Uint8Array;
  longTailTiers?: readonly number[];
  cutoffs?: Partial<Cutoffs>;
}

/**
 * Warm, cold, all and long-tail metrics of one model (one seed). "all" is every user with
 * targets, whatever their group.
 * Long tail: every user (warm and cold) evaluated on their targets in tiers 3–5 only; users
 * with no such target are excluded from that group; coverage is over the same catalogue.
 */
export function evaluateGroups(rankings: Rankings, targets: Csr, opts: GroupOptions): GroupReport {
  const { catalogue, warm, cutoffs } = opts;
  let cold = opts.cold;
  if (cold === undefined) {
    cold = new Uint8Array(warm.length);
    for (let u = 0; u < warm.length; u++) cold[u] = warm[u] ? 0 : 1;
  }
  const tail = restrictTargetsToTiers(targets, opts.itemTier, opts.longTailTiers ?? LONG_TAIL_TIERS);
  return {
    warm: evaluateRankings(rankings, targets, { catalogue, member: warm, cutoffs }),
    cold: evaluateRankings(rankings, targets, { catalogue, member: cold, cutoffs }),
    all: evaluateRankings(rankings, targets, { catalogue, cutoffs }),
    longTail: evaluateRankings(rankings, tail, { catalogue, cutoffs }),
  };
}
