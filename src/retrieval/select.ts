// Partial selection of the k best (score, id) pairs: a bounded min-heap whose root is the worst
// kept pair. Order: higher score first, equal scores -> lower id first. O(n log k) worst case,
// but for a stream of n >> k scores almost every candidate fails one comparison with the root.
import type { TopKResult } from './topk.ts';

/** Bounded selection of the k best (score, id) pairs. Reusable across queries via reset(). */
export class TopKSelector {
  private scores: Float32Array;
  private ids: Int32Array;
  private k = 0;
  private n = 0;

  /** capacity: the largest k this selector will be reset to (grows on demand). */
  constructor(capacity = 16) {
    this.scores = new Float32Array(Math.max(1, capacity));
    this.ids = new Int32Array(Math.max(1, capacity));
  }

  /** Starts a new selection of the k best. k >= 1. */
  reset(k: number): void {
    if (k > this.scores.length) {
      this.scores = new Float32Array(k);
      this.ids = new Int32Array(k);
    }
    this.k = k;
    this.n = 0;
  }

  /** The k of the current selection. */
  get capacityK(): number {
    return this.k;
  }

  /** Number of pairs currently kept. */
  get count(): number {
    return this.n;
  }

  /**
   * Offers a block of scores whose ids are base, base+1, ... ; NaN entries are skipped (the
   * exact search marks excluded items with NaN). Ids must arrive in ascending order across
   * calls for the tie rule to hold without comparing ids (a later equal score never wins).
   * block: [rows] (reads block[off .. off+rows))
   */
  offerAscending(block: Float32Array, off: number, rows: number, base: number): void {
    const k = this.k, hs = this.scores;
    let i = 0;
    while (this.n < k && i < rows) {
      const s = block[off + i];
      if (s === s) this.siftUp(s, base + i);
      i++;
    }
    if (i >= rows) return;
    let thr = hs[0];
    for (; i < rows; i++) {
      const s = block[off + i];
      if (s > thr) {
        this.siftDownRoot(s, base + i);
        thr = hs[0];
      }
    }
  }

  /** Offers one pair in any id order (full comparison including the id tie rule). NaN is skipped. */
  offer(s: number, id: number): void {
    if (s !== s) return;
    if (this.n < this.k) {
      this.siftUp(s, id);
      return;
    }
    const r = this.scores[0];
    if (s > r || (s === r && id < this.ids[0])) this.siftDownRoot(s, id);
  }

  /** The kept pairs, best first (score descending, id ascending). Does not reset. */
  result(): TopKResult {
    const n = this.n;
    const order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const hs = this.scores, hi = this.ids;
    order.sort((a, b) => (hs[b] - hs[a]) || (hi[a] - hi[b]));
    const ids = new Int32Array(n);
    const scores = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = hi[order[i]];
      scores[i] = hs[order[i]];
    }
    return { ids, scores };
  }

  /** true when (sa, ia) ranks below (sb, ib). */
  private static worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  private siftUp(s: number, id: number): void {
    const hs = this.scores, hi = this.ids;
    let c = this.n++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!TopKSelector.worse(s, id, hs[p], hi[p])) break;
      hs[c] = hs[p];
      hi[c] = hi[p];
      c = p;
    }
    hs[c] = s;
    hi[c] = id;
  }

  /** Replaces the root (the worst kept pair) with (s, id) and restores the heap. */
  private siftDownRoot(s: number, id: number): void {
    const hs = this.scores, hi = this.ids, n = this.n;
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && TopKSelector.worse(hs[r], hi[r], hs[l], hi[l])) c = r;
      if (!TopKSelector.worse(hs[c], hi[c], s, id)) break;
      hs[p] = hs[c];
      hi[p] = hi[c];
      p = c;
    }
    hs[p] = s;
    hi[p] = id;
  }
}
