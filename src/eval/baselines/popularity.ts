// Popularity baseline (SPEC §6): the most-interacted candidates in the last 90 days of
// training; one list for everyone, minus each user's exclusions.

import type { Csr } from '../csr.ts';
import { NO_ITEM } from '../topk.ts';
import { candidatesOf, checkRecommendArgs, checkTrainSet, type Recommender, type TrainSet } from './recommender.ts';

export interface PopularityOptions {
  /** Window length in days, counted back from the last training time stamp (default 90). */
  windowDays?: number;
  /** Time-stamp units per day (default 86 400 000: milliseconds, as the data layer's ts; 86 400 for seconds). */
  tsPerDay?: number;
  /** Interaction kinds that count (default: all). */
  kinds?: readonly number[];
}

/**
 * Ranks candidates by interaction count inside the window; ties by all-time training count,
 * then by lower id. Without time stamps the whole training set is the window.
 */
export class Popularity implements Recommender {
  readonly name = 'popularity';
  private order: Int32Array = new Int32Array(0); // candidates, best first
  private nUsers = 0;
  private readonly windowDays: number;
  private readonly tsPerDay: number;

  constructor(private readonly opts: PopularityOptions = {}) {
    this.windowDays = opts.windowDays ?? 90;
    this.tsPerDay = opts.tsPerDay ?? 86_400_000;
    if (!(this.windowDays > 0)) throw new Error(`Popularity: windowDays expected > 0, got ${this.windowDays}`);
    if (!(this.tsPerDay > 0)) throw new Error(`Popularity: tsPerDay expected > 0, got ${this.tsPerDay}`);
  }

  fit(train: TrainSet): void {
    checkTrainSet('Popularity.fit', train);
    const cands = candidatesOf(train);
    const kinds = this.opts.kinds ? new Set(this.opts.kinds) : null;
    if (kinds && !train.kind) throw new Error('Popularity.fit: opts.kinds given but train has no kind column');
    let since = -Infinity;
    if (train.ts) {
      let last = -Infinity;
      for (let i = 0; i < train.ts.length; i++) if (train.ts[i]! > last) last = train.ts[i]!;
      since = last - this.windowDays * this.tsPerDay;
    }
    const recent = new Float64Array(train.nItems);
    const total = new Float64Array(train.nItems);
    for (let i = 0; i < train.item.length; i++) {
      if (kinds && !kinds.has(train.kind![i]!)) continue;
      const it = train.item[i]!;
      total[it]! += 1;
      if (!train.ts || train.ts[i]! >= since) recent[it]! += 1;
    }
    this.order = Int32Array.from(cands).sort((a, b) => recent[b]! - recent[a]! || total[b]! - total[a]! || a - b);
    this.nUsers = train.nUsers;
  }

  recommend(users: Int32Array, k: number, exclude: Csr): Int32Array {
    checkRecommendArgs('Popularity.recommend', users, k, exclude, this.nUsers);
    const out = new Int32Array(users.length * k).fill(NO_ITEM);
    const order = this.order;
    for (let r = 0; r < users.length; r++) {
      const u = users[r]!;
      const e0 = exclude.indptr[u]!, e1 = exclude.indptr[u + 1]!;
      let w = 0;
      for (let p = 0; p < order.length && w < k; p++) {
        const it = order[p]!;
        if (e1 > e0 && binarySearch(exclude.indices, e0, e1, it)) continue;
        out[r * k + w++] = it;
      }
    }
    return out;
  }
}

/** Whether sorted a[lo..hi) contains x. */
function binarySearch(a: Int32Array, lo: number, hi: number, x: number): boolean {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid;
  }
  return false;
}
