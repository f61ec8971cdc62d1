// Rankings (top-k dense item ids per user) and the exact top-k selection every baseline uses.

/** Padding in a ranking row; a row whose FIRST entry is NO_ITEM means "no ranking for this user". */
export const NO_ITEM = -1;

/**
 * Per-user rankings: row i (items[i*k .. i*k+k)) ranks items for user `users[i]`, best first,
 * already without the user's excluded items, padded with NO_ITEM when fewer than k exist.
 */
export interface Rankings {
  users: Int32Array; // [U]
  k: number;
  items: Int32Array; // [U, k]
}

/**
 * Exact top-k over a candidate list with per-user exclusions, in float64 (the evaluation's
 * ranking rule; serving's float32 block selector is src/retrieval/select.ts's TopKSelector,
 * which breaks ties by lower id only). Order: higher score first;
 * ties → higher `tieBreak` first (e.g. training popularity); still tied → lower item id
 * first. Deterministic. Reuses its buffers, so make one per recommender and call it per user.
 */
export class RankingSelector {
  private readonly stamp: Int32Array; // [nItems] excluded when stamp[item] === this.epoch
  private epoch = 0;
  private readonly heapPos: Int32Array; // [k] candidate positions
  private readonly heapScore: Float64Array; // [k]

  constructor(readonly nItems: number, readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new Error(`RankingSelector: k expected an integer >= 1, got ${k}`);
    this.stamp = new Int32Array(nItems);
    this.heapPos = new Int32Array(k);
    this.heapScore = new Float64Array(k);
  }

  /**
   * Writes the best k of `candidates` (minus `exclude`) into out[offset .. offset+k),
   * padding with NO_ITEM. Returns how many real items were written.
   *
   * scores: [C] aligned with candidates: [C]; tieBreak: [C] or undefined; exclude: item ids
   */
  select(
    scores: ArrayLike<number>,
    candidates: Int32Array,
    exclude: Int32Array,
    out: Int32Array,
    offset: number,
    tieBreak?: ArrayLike<number>,
  ): number {
    const k = this.k;
    const C = candidates.length;
    if (scores.length < C) throw new Error(`RankingSelector.select: scores expected length >= ${C} (one per candidate), got ${scores.length}`);
    if (++this.epoch === 0x7fffffff) { this.stamp.fill(0); this.epoch = 1; }
    const ep = this.epoch;
    for (let i = 0; i < exclude.length; i++) {
      const it = exclude[i]!;
      if (it >= 0 && it < this.nItems) this.stamp[it] = ep;
    }
    const hp = this.heapPos;
    const hs = this.heapScore;
    const tb = tieBreak;
    // worse(a, b): candidate position a ranks below b.
    const worse = (a: number, sa: number, b: number, sb: number): boolean => {
      if (sa !== sb) return sa < sb;
      if (tb !== undefined) {
        const ta = tb[a]!, tbb = tb[b]!;
        if (ta !== tbb) return ta < tbb;
      }
      return candidates[a]! > candidates[b]!;
    };
    let n = 0; // min-heap on "worse" at the root
    for (let c = 0; c < C; c++) {
      const s = scores[c]!;
      if (n === k && s < hs[0]!) continue; // fast reject: strictly below the current k-th
      if (s !== s) throw new Error(`RankingSelector.select: scores[${c}] (item ${candidates[c]}) is NaN`);
      if (this.stamp[candidates[c]!] === ep) continue;
      if (n < k) {
        let i = n++;
        while (i > 0) { // sift up
          const p = (i - 1) >> 1;
          if (!worse(c, s, hp[p]!, hs[p]!)) break;
          hp[i] = hp[p]!; hs[i] = hs[p]!; i = p;
        }
        hp[i] = c; hs[i] = s;
      } else if (worse(hp[0]!, hs[0]!, c, s)) {
        let i = 0;
        for (;;) { // sift down from the root
          const l = 2 * i + 1;
          if (l >= n) break;
          const r = l + 1;
          const m = r < n && worse(hp[r]!, hs[r]!, hp[l]!, hs[l]!) ? r : l;
          if (!worse(hp[m]!, hs[m]!, c, s)) break;
          hp[i] = hp[m]!; hs[i] = hs[m]!; i = m;
        }
        hp[i] = c; hs[i] = s;
      }
    }
    // Sort the n kept entries best first.
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => (worse(hp[a]!, hs[a]!, hp[b]!, hs[b]!) ? 1 : worse(hp[b]!, hs[b]!, hp[a]!, hs[a]!) ? -1 : 0));
    for (let j = 0; j < n; j++) out[offset + j] = candidates[hp[idx[j]!]!]!;
    for (let j = n; j < k; j++) out[offset + j] = NO_ITEM;
    return n;
  }
}
