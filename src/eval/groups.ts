// Evaluation groups on top of the data layer's definitions (src/data/groups.ts: warm / cold /
// inactive users and popularity tiers 1..5 of the target type); eval adds the masks the
// metrics take and the long-tail restriction of the targets.

import { GROUP_COLD, GROUP_WARM } from '../data/groups.ts';
import type { Csr } from './csr.ts';

/**
 * 0/1 masks for the metrics from the data layer's per-user group codes (`userGroups().group`).
 * Inactive users (no training rows at all) are in neither mask, only in "all".
 *
 * group: [nUsers] -> { warm: [nUsers], cold: [nUsers] }
 */
export function groupMasks(group: Uint8Array): { warm: Uint8Array; cold: Uint8Array } {
  const warm = new Uint8Array(group.length);
  const cold = new Uint8Array(group.length);
  for (let u = 0; u < group.length; u++) {
    warm[u] = group[u] === GROUP_WARM ? 1 : 0;
    cold[u] = group[u] === GROUP_COLD ? 1 : 0;
  }
  return { warm, cold };
}

/** The long tail of SPEC §6: popularity tiers 3–5. */
export const LONG_TAIL_TIERS: readonly number[] = [3, 4, 5];

/**
 * Restricts each user's targets to items whose tier is in `tiers` (long tail by default).
 * Users left with no target drop out of evaluation for that group.
 *
 * targets: Csr [nUsers, nItems], itemTier: [nItems] (data's popularityTiers().tier) -> Csr [nUsers, nItems]
 */
export function restrictTargetsToTiers(
  targets: Csr,
  itemTier: Uint8Array,
  tiers: readonly number[] = LONG_TAIL_TIERS,
): Csr {
  if (itemTier.length !== targets.nCols) {
    throw new Error(`restrictTargetsToTiers: itemTier expected length nItems = ${targets.nCols}, got ${itemTier.length}`);
  }
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
