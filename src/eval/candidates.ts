// The candidate set every model ranks from, the per-user exclusions, and the held-out targets.
//
// Protocol (stated in the report):
// - candidates = every item of the target type (the whole target-type catalogue, whether or
//   not it was seen in training);
// - a user's ranking excludes the items that user interacted with in training (any kind, by
//   default: a followed or previewed audiobook is not a new recommendation);
// - targets = the user's distinct held-out items of the target type that are not excluded
//   (a re-consumed training item could never be hit, so it is dropped, not counted as a miss).

import { csrFromPairs, type Csr } from './csr.ts';

/**
 * Dense ids of the items of `targetType`, ascending.
 *
 * itemType: [nItems] type code per item -> [C]
 */
export function targetCatalogue(itemType: ArrayLike<number>, targetType: number): Int32Array {
  let n = 0;
  for (let i = 0; i < itemType.length; i++) if (itemType[i] === targetType) n++;
  const out = new Int32Array(n);
  let w = 0;
  for (let i = 0; i < itemType.length; i++) if (itemType[i] === targetType) out[w++] = i;
  return out;
}

/** A 0/1 mask over `nItems` marking the given item ids. */
export function itemMask(items: Int32Array, nItems: number): Uint8Array {
  const m = new Uint8Array(nItems);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it < 0 || it >= nItems) throw new Error(`itemMask: items[${i}] expected in [0, ${nItems}), got ${it}`);
    m[it] = 1;
  }
  return m;
}

/** Interactions as parallel arrays over dense ids (what the data loaders return). */
export interface InteractionArrays {
  user: Int32Array;
  item: Int32Array;
  kind?: Uint8Array;
  ts?: Float64Array;
}

/**
 * User → distinct items consumed in training, the per-user exclusion list.
 * `kinds` restricts which interaction kinds count (default: all);
 * `items` restricts to a mask of items (default: all; the candidate mask is enough).
 *
 * -> Csr [nUsers, nItems]
 */
export function consumedInTraining(
  train: InteractionArrays,
  nUsers: number,
  nItems: number,
  opts: { kinds?: readonly number[]; items?: Uint8Array } = {},
): Csr {
  const kinds = kindMask(opts.kinds, train.kind, 'consumedInTraining');
  const items = opts.items;
  return csrFromPairs(train.user, train.item, nUsers, nItems, (i) =>
    (kinds === null || kinds[train.kind![i]!] === 1) && (items === undefined || items[train.item[i]!] === 1));
}

/**
 * Held-out targets per user: distinct test items inside `candidates` (a mask), minus the
 * user's `exclude` row. Users without targets get an empty row (they are not evaluated).
 *
 * -> Csr [nUsers, nItems]
 */
export function heldOutTargets(
  test: InteractionArrays,
  nUsers: number,
  nItems: number,
  candidates: Uint8Array,
  exclude: Csr | null,
  opts: { kinds?: readonly number[] } = {},
): Csr {
  const kinds = kindMask(opts.kinds, test.kind, 'heldOutTargets');
  const raw = csrFromPairs(test.user, test.item, nUsers, nItems, (i) =>
    (kinds === null || kinds[test.kind![i]!] === 1) && candidates[test.item[i]!] === 1);
  if (exclude === null) return raw;
  if (exclude.nRows !== nUsers) {
    throw new Error(`heldOutTargets: exclude must have ${nUsers} rows (one per user), got ${exclude.nRows}`);
  }
  // Both rows are sorted: a merge drops the excluded items.
  const indptr = new Int32Array(nUsers + 1);
  const out = new Int32Array(raw.indices.length);
  let w = 0;
  for (let u = 0; u < nUsers; u++) {
    let q = exclude.indptr[u]!;
    const qEnd = exclude.indptr[u + 1]!;
    for (let p = raw.indptr[u]!; p < raw.indptr[u + 1]!; p++) {
      const it = raw.indices[p]!;
      while (q < qEnd && exclude.indices[q]! < it) q++;
      if (q < qEnd && exclude.indices[q] === it) continue;
      out[w++] = it;
    }
    indptr[u + 1] = w;
  }
  return { nRows: nUsers, nCols: nItems, indptr, indices: out.slice(0, w) };
}

function kindMask(kinds: readonly number[] | undefined, kind: Uint8Array | undefined, fn: string): Uint8Array | null {
  if (kinds === undefined) return null;
  if (kind === undefined) throw new Error(`${fn}: opts.kinds given but the interactions have no kind column`);
  const m = new Uint8Array(256);
  for (const k of kinds) m[k] = 1;
  return m;
}
