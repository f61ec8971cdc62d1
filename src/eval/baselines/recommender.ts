// The interface every compared model implements for the evaluation harness, and the training
// set it is fitted on.

import type { Csr } from '../csr.ts';
import { targetCatalogue } from '../candidates.ts';
import type { Rankings } from '../topk.ts';

/** Training interactions over dense ids, plus what the models need to know about items. */
export interface TrainSet {
  nUsers: number;
  nItems: number;
  user: Int32Array; // [P]
  item: Int32Array; // [P]
  kind?: Uint8Array; // [P] interaction kind code
  ts?: Float64Array; // [P] time stamp (units: see each model's options)
  itemType: ArrayLike<number>; // [nItems] type code
  targetType: number; // the type being recommended (audiobook)
  /** Candidate items (default: every item of targetType, ascending). */
  candidates?: Int32Array;
}

/**
 * A model the harness can compare. `recommend` returns [U, k] dense item ids, best first,
 * drawn from the candidates, without the user's `exclude` row, padded with NO_ITEM; a row
 * whose first entry is NO_ITEM means the model has no ranking for that user (e.g. vector-KNN
 * for cold users) and the user is left out of that model's figures (counted as unranked).
 */
export interface Recommender {
  readonly name: string;
  fit(train: TrainSet): void | Promise<void>;
  recommend(users: Int32Array, k: number, exclude: Csr): Int32Array;
}

/** The candidates of a training set (explicit list or the target-type catalogue). */
export function candidatesOf(train: TrainSet): Int32Array {
  return train.candidates ?? targetCatalogue(train.itemType, train.targetType);
}

/** Validates the parallel arrays and id ranges of a training set; throws naming the field. */
export function checkTrainSet(fn: string, t: TrainSet): void {
  const P = t.user.length;
  if (t.item.length !== P) throw new Error(`${fn}: train.item expected length ${P} (= train.user), got ${t.item.length}`);
  if (t.kind !== undefined && t.kind.length !== P) throw new Error(`${fn}: train.kind expected length ${P}, got ${t.kind.length}`);
  if (t.ts !== undefined && t.ts.length !== P) throw new Error(`${fn}: train.ts expected length ${P}, got ${t.ts.length}`);
  if (t.itemType.length !== t.nItems) throw new Error(`${fn}: train.itemType expected length nItems = ${t.nItems}, got ${t.itemType.length}`);
  for (let i = 0; i < P; i++) {
    const u = t.user[i]!, it = t.item[i]!;
    if (u < 0 || u >= t.nUsers) throw new Error(`${fn}: train.user[${i}] expected in [0, ${t.nUsers}), got ${u}`);
    if (it < 0 || it >= t.nItems) throw new Error(`${fn}: train.item[${i}] expected in [0, ${t.nItems}), got ${it}`);
  }
}

/** Checks the arguments of `recommend` against the fitted sizes. */
export function checkRecommendArgs(fn: string, users: Int32Array, k: number, exclude: Csr, nUsers: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`${fn}: k expected an integer >= 1, got ${k}`);
  if (exclude.nRows !== nUsers) throw new Error(`${fn}: exclude expected ${nUsers} rows (one per user), got ${exclude.nRows}`);
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    if (u < 0 || u >= nUsers) throw new Error(`${fn}: users[${i}] expected in [0, ${nUsers}), got ${u}`);
  }
}

/** Runs a fitted model and packages its output as Rankings for the metrics. */
export function rank(model: Recommender, users: Int32Array, k: number, exclude: Csr): Rankings {
  const items = model.recommend(users, k, exclude);
  if (items.length !== users.length * k) {
    throw new Error(`rank: ${model.name}.recommend expected [${users.length}, ${k}] = ${users.length * k} ids, got ${items.length}`);
  }
  return { users, k, items };
}
