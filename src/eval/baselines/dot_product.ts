// Ranking by dot product of precomputed user and item vectors: the scoring step shared by
// LightGCN, HGNN-w-users and the two-tower models (their `recommend`). Users without a vector
// (hasUser[u] = 0) get no ranking (a NO_ITEM row) and count as unranked.

import { csrRow, type Csr } from '../csr.ts';
import { NO_ITEM, RankingSelector } from '../topk.ts';
import { sgemm } from '../../tensor/kernels.ts';
import { checkRecommendArgs } from './recommender.ts';

/** Precomputed vectors: users [nUsers, D], candidate items [C, D] aligned with `candidates`. */
export interface DotProductVectors {
  dim: number;
  nUsers: number;
  nItems: number;
  userVecs: Float32Array; // [nUsers, D]
  hasUser: Uint8Array; // [nUsers] 1 = user has a vector
  candidates: Int32Array; // [C] dense item ids
  candVecs: Float32Array; // [C, D]
}

/**
 * Top-k candidates per user by dot product, minus the user's exclusions.
 * users: [U] -> [U, k] dense item ids, NO_ITEM-padded; a NO_ITEM first entry = no ranking.
 */
export function dotProductTopK(fn: string, v: DotProductVectors, users: Int32Array, k: number, exclude: Csr): Int32Array {
  checkRecommendArgs(fn, users, k, exclude, v.nUsers);
  const D = v.dim, C = v.candidates.length;
  if (v.userVecs.length !== v.nUsers * D) throw new Error(`${fn}: userVecs expected [${v.nUsers}, ${D}], got ${v.userVecs.length} floats`);
  if (v.candVecs.length !== C * D) throw new Error(`${fn}: candVecs expected [${C}, ${D}], got ${v.candVecs.length} floats`);
  const out = new Int32Array(users.length * k).fill(NO_ITEM);
  if (C === 0) return out;
  const selector = new RankingSelector(v.nItems, k);
  // Users in blocks: uv [Ub, D] · candVecs [C, D]ᵀ -> scores [Ub, C].
  const Ub = Math.max(1, Math.min(256, Math.floor(4_000_000 / C)));
  const uv = new Float32Array(Ub * D);
  const scores = new Float32Array(Ub * C);
  const rows = new Int32Array(Ub);
  for (let start = 0; start < users.length;) {
    let b = 0;
    for (; start < users.length && b < Ub; start++) {
      const u = users[start]!;
      if (!v.hasUser[u]) continue;
      uv.set(v.userVecs.subarray(u * D, u * D + D), b * D);
      rows[b++] = start;
    }
    if (b === 0) continue;
    sgemm(false, true, b, C, D, 1, uv, D, v.candVecs, D, 0, scores, C);
    for (let s = 0; s < b; s++) {
      const r = rows[s]!;
      selector.select(scores.subarray(s * C, s * C + C), v.candidates, csrRow(exclude, users[r]!), out, r * k);
    }
  }
  return out;
}

/** Gathers rows of a [N, D] matrix: ids [C] -> [C, D]. */
export function gatherRows(x: Float32Array, dim: number, ids: Int32Array): Float32Array {
  const out = new Float32Array(ids.length * dim);
  for (let r = 0; r < ids.length; r++) out.set(x.subarray(ids[r]! * dim, ids[r]! * dim + dim), r * dim);
  return out;
}
