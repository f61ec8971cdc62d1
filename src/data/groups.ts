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

/** Held-out target items per test user, CSR layout (users ascending, items unique and ascending per user). */
export interface TestTargets {
  /** [U'] dense ids of users with ≥ 1 held-out target item */
  users: Int32Array;
  /** [U'+1] items of users[k] are items[offsets[k] .. offsets[k+1]) */
  offsets: Int32Array;
  /** [nnz] dense item ids */
  items: Int32Array;
}

/**
 * Held-out target-type items per user from the test rows (what HR@K / MRR score against).
 * @param kinds kind codes that count as a target (default: streams only)
 * @example const t = testTargets(split.test, items); // user t.users[k] has items t.items.subarray(t.offsets[k], t.offsets[k + 1])
 */
export function testTargets(test: Interactions, items: ItemTable, targetType = 'audiobook', kinds: number[] = [KIND_CODES.stream]): TestTargets {
  const tcode = targetCode(items, targetType, 'testTargets');
  const kindOk = new Uint8Array(256);
  for (const k of kinds) kindOk[k] = 1;
  const pairs: number[] = [];
  for (let i = 0; i < test.n; i++) {
    if (kindOk[test.kind[i]] && items.type[test.item[i]] === tcode) pairs.push(test.user[i], test.item[i]);
  }
  const order = Array.from({ length: pairs.length / 2 }, (_, k) => k);
  order.sort((a, b) => pairs[2 * a] - pairs[2 * b] || pairs[2 * a + 1] - pairs[2 * b + 1]);
  const users: number[] = [], offsets: number[] = [0], out: number[] = [];
  let lastU = -1, lastI = -1;
  for (const k of order) {
    const u = pairs[2 * k], it = pairs[2 * k + 1];
    if (u !== lastU) { if (lastU >= 0) offsets.push(out.length); users.push(u); lastU = u; lastI = -1; }
    if (it !== lastI) { out.push(it); lastI = it; }
  }
  if (lastU >= 0) offsets.push(out.length);
  return { users: Int32Array.from(users), offsets: Int32Array.from(offsets), items: Int32Array.from(out) };
}
