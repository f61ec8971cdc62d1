/**
 * Evaluation groups computed from the training interactions (SPEC §6).
 * - warm user: any training interaction with a target-type item, weak signals included;
 *   cold user: none, but some other training activity; inactive: no training rows at all.
 * - popularity tiers of target-type items: rank by training stream count (desc; ties by dense
 *   id), cut the ranking into `tiers` groups of equal item count: tier 1 = head … tier 5 = tail
 *   (items never streamed in training fall in the last tiers). Tiers 3–5 are the long tail.
 */
import { DataError } from './errors.ts';
import { KIND_CODES } from './schema.ts';
import type { Interactions, ItemTable } from './types.ts';

export const GROUP_INACTIVE = 0;
export const GROUP_WARM = 1;
export const GROUP_COLD = 2;
export const GROUP_NAMES = ['inactive', 'warm', 'cold'] as const;

export interface UserGroups {
  /** [U] GROUP_INACTIVE | GROUP_WARM | GROUP_COLD per dense user id */
  group: Uint8Array;
  /** dense ids of warm / cold users, ascending */
  warm: Int32Array;
  cold: Int32Array;
}

function targetCode(items: ItemTable, targetType: string, fn: string): number {
  const c = items.typeNames.indexOf(targetType);
  if (c < 0) throw new DataError(`${fn}: target type '${targetType}' is not an item type (types: ${items.typeNames.join(', ')})`);
  return c;
}

/** Warm / cold / inactive users w.r.t. `targetType`, from training rows (all kinds count). */
export function userGroups(train: Interactions, items: ItemTable, targetType = 'audiobook'): UserGroups {
  const tcode = targetCode(items, targetType, 'userGroups');
  const nu = train.userIds.length;
  const group = new Uint8Array(nu);
  for (let i = 0; i < train.n; i++) {
    const u = train.user[i];
    if (items.type[train.item[i]] === tcode) group[u] = GROUP_WARM;
    else if (group[u] === GROUP_INACTIVE) group[u] = GROUP_COLD;
  }
  const warm: number[] = [], cold: number[] = [];
  for (let u = 0; u < nu; u++) { if (group[u] === GROUP_WARM) warm.push(u); else if (group[u] === GROUP_COLD) cold.push(u); }
  return { group, warm: Int32Array.from(warm), cold: Int32Array.from(cold) };
}

export interface PopularityTiers {
  /** [I] tier 1..tiers for target-type items, 0 for other types */
  tier: Uint8Array;
  /** [I] training count (streams by default) per item */
  count: Int32Array;
  tiers: number;
}

/**
 * Popularity tiers of target-type items by training popularity.
 * @param kinds kind codes that count as popularity (default: streams only)
 */
export function popularityTiers(train: Interactions, items: ItemTable, targetType = 'audiobook', tiers = 5, kinds: number[] = [KIND_CODES.stream]): PopularityTiers {
  if (!Number.isInteger(tiers) || tiers < 1 || tiers > 255) throw new DataError(`popularityTiers: tiers must be an integer in [1, 255], got ${tiers}`);
  const tcode = targetCode(items, targetType, 'popularityTiers');
  const count = new Int32Array(items.n);
  const kindOk = new Uint8Array(256);
  for (const k of kinds) kindOk[k] = 1;
  for (let i = 0; i < train.n; i++) if (kindOk[train.kind[i]]) count[train.item[i]]++;
  const target: number[] = [];
  for (let i = 0; i < items.n; i++) if (items.type[i] === tcode) target.push(i);
  target.sort((a, b) => count[b] - count[a] || a - b);
  const tier = new Uint8Array(items.n);
  const m = target.length;
  for (let r = 0; r < m; r++) tier[target[r]] = 1 + Math.floor((r * tiers) / m);
  return { tier, count, tiers };
}
