// Warm/cold users and item popularity tiers, as small pure functions over dense ids.
// (Fallback versions for eval; the data layer may expose its own — the harness should use
// one source for both and these are written to the same definitions.)

import type { Csr } from './csr.ts';
import type { InteractionArrays } from './candidates.ts';

/**
 * Warm = the user has at least one training interaction of any kind (streams and weak
 * signals alike) with an item of the target type; cold = none (SPEC §6).
 *
 * -> [nUsers] 1 = warm, 0 = cold
 */
export function warmUsers(
  train: InteractionArrays,
  nUsers: number,
  itemType: ArrayLike<number>,
  targetType: number,
): Uint8Array {
  const warm = new Uint8Array(nUsers);
  for (let i = 0; i < train.user.length; i++) {
    if (itemType[train.item[i]!] === targetType) warm[train.user[i]!] = 1;
  }
  return warm;
}

/**
 * Interaction count per item (every row counts, so repeated plays count), optionally only
 * rows with `ts >= since`.
 *
 * -> [nItems]
 */
export function itemCounts(train: InteractionArrays, nItems: number, since = -Infinity): Float64Array {
  const counts = new Float64Array(nItems);
  const ts = train.ts;
  if (since > -Infinity && ts === undefined) {
    throw new Error('itemCounts: a time window was given but the interactions have no ts column');
  }
  for (let i = 0; i < train.item.length; i++) {
    if (ts !== undefined && ts[i]! < since) continue;
    counts[train.item[i]!]! += 1;
  }
  return counts;
}

/**
 * Popularity tiers 1 (head) .. nTiers (tail) over the candidate catalogue.
 *
 * Definition: sort the catalogue by training popularity, descending; an item at 0-based
 * position r gets tier 1 + floor(nTiers · r / C) (equal-size quantiles by item count, so
 * with 5 tiers the top 20% of titles are tier 1). Ties take the position of the LAST item
 * of their tie group, i.e. the least popular tier the group reaches, so every never-seen
 * item is in tier nTiers and equally popular items always share a tier.
 * Items outside the catalogue get tier 0.
 *
 * counts: [nItems], catalogue: [C] -> [nItems]
 */
export function popularityTiers(counts: ArrayLike<number>, catalogue: Int32Array, nTiers = 5): Uint8Array {
  if (!Number.isInteger(nTiers) || nTiers < 1 || nTiers > 255) {
    throw new Error(`popularityTiers: nTiers expected an integer in [1, 255], got ${nTiers}`);
  }
  const tiers = new Uint8Array(counts.length);
  const C = catalogue.length;
  const order = Array.from(catalogue).sort((a, b) => counts[b]! - counts[a]! || a - b);
  let start = 0;
  while (start < C) {
    let end = start + 1;
    while (end < C && counts[order[end]!] === counts[order[start]!]) end++;
    const tier = 1 + Math.floor((nTiers * (end - 1)) / C);
    for (let p = start; p < end; p++) tiers[order[p]!] = tier;
    start = end;
  }
  return tiers;
}

/** The long tail of SPEC §6: popularity tiers 3–5. */
export const LONG_TAIL_TIERS: readonly number[] = [3, 4, 5];

/**
 * Restricts each user's targets to items whose tier is in `tiers` (long tail by default).
 * Users left with no target drop out of evaluation for that group.
 *
 * targets: Csr [nUsers, nItems], itemTier: [nItems] -> Csr [nUsers, nItems]
 */
export function restrictTargetsToTiers(
  targets: Csr,
  itemTier: Uint8Array,
  tiers: readonly number[] = LONG_TAIL_TIERS,
): Csr {
  const keep = new Uint8Array(256);
  for (const t of tiers) keep[t] = 1;
  const indptr = new Int32Array(targets.nRows + 1);
  const out = new Int32Array(targets.indices.length);
  let w = 0;
  for (let u = 0; u < targets.nRows; u++) {
    for (let p = targets.indptr[u]!; p < targets.indptr[u + 1]!; p++) {
      const it = targets.indices[p]!;
      if (keep[itemTier[it]!]) out[w++] = it;
    }
    indptr[u + 1] = w;
  }
  return { nRows: targets.nRows, nCols: targets.nCols, indptr, indices: out.slice(0, w) };
}
