// Item vectors of any catalogue item, for /similar and the "because" field: indexed (target)
// items read their row of the retrieval index; other items (podcasts, music) run through the
// item tower. When there are at most maxCached of those, they are all computed when the bundle
// is built (no tower call on the request path, ~0.5 s per 10k items at the issue-6 sizes);
// otherwise they are computed on first use and cached (bounded; cleared when full).
import type { TwoTowerModel } from '../models/twotower/index.ts';
import type { RetrievalIndex } from '../retrieval/index.ts';

const DEFAULT_MAX_CACHED = 200_000;
const WARM_BATCH = 4096;

/** Item-tower vectors by model dense id. */
export class ItemVectorCache {
  private readonly cache = new Map<number, Float32Array>();
  readonly dim: number;

  constructor(private readonly model: TwoTowerModel, private readonly index: RetrievalIndex,
    private readonly indexRowOf: Int32Array, private readonly maxCached = DEFAULT_MAX_CACHED) {
    this.dim = index.dim;
    let rest = 0;
    for (let i = 0; i < indexRowOf.length; i++) if (indexRowOf[i] < 0) rest++;
    if (rest <= maxCached) this.warm();
  }

  /** Computes the vectors of every non-indexed item now, in batches. */
  private warm(): void {
    const rows: number[] = [];
    const flush = (): void => { if (rows.length) { this.get(rows); rows.length = 0; } };
    for (let i = 0; i < this.indexRowOf.length; i++) {
      if (this.indexRowOf[i] >= 0) continue;
      rows.push(i);
      if (rows.length === WARM_BATCH) flush();
    }
    flush();
  }

  /** Number of tower-computed vectors held. */
  get cached(): number {
    return this.cache.size;
  }

  /**
   * Vectors of model items. rows: [M] dense ids -> M views of [H] (valid until the next call
   * that computes new vectors; copy to keep).
   */
  get(rows: ArrayLike<number>): Float32Array[] {
    const H = this.dim, out: Float32Array[] = new Array(rows.length);
    const missing: number[] = [];
    for (let m = 0; m < rows.length; m++) {
      const i = rows[m], r = this.indexRowOf[i];
      if (r >= 0) out[m] = this.index.exact.vectors.subarray(r * H, (r + 1) * H);
      else {
        const v = this.cache.get(i);
        if (v) out[m] = v;
        else missing.push(m);
      }
    }
    if (missing.length) {
      const ids = Int32Array.from(missing, (m) => rows[m]);
      const vecs = this.model.itemVectors(ids); // [M', H]
      if (this.cache.size + ids.length > this.maxCached) this.cache.clear();
      for (let j = 0; j < ids.length; j++) {
        const v = vecs.subarray(j * H, (j + 1) * H);
        this.cache.set(ids[j], v);
        out[missing[j]] = v;
      }
    }
    return out;
  }
}

/**
 * For each recommended item, the history items most similar to it (cosine of item-tower
 * vectors), best first: the simplest honest proxy for "which history drove this".
 * recs, history: model dense ids -> per rec up to `top` history dense ids
 */
export function because(cache: ItemVectorCache, recs: ArrayLike<number>, history: ArrayLike<number>, top = 2): number[][] {
  const out: number[][] = [];
  if (history.length === 0) {
    for (let r = 0; r < recs.length; r++) out.push([]);
    return out;
  }
  const H = cache.dim;
  const hv = cache.get(history).map((v) => Float32Array.from(v)); // copies: the next get() may evict
  const hn = hv.map((v) => norm(v, H));
  const rv = cache.get(recs);
  for (let r = 0; r < recs.length; r++) {
    const q = rv[r], qn = norm(q, H);
    const scores: { h: number; s: number }[] = [];
    for (let j = 0; j < hv.length; j++) {
      const v = hv[j];
      let d = 0;
      for (let t = 0; t < H; t++) d += q[t] * v[t];
      scores.push({ h: history[j], s: d / (qn * hn[j] || 1) });
    }
    scores.sort((a, b) => b.s - a.s || a.h - b.h);
    out.push(scores.slice(0, top).map((x) => x.h));
  }
  return out;
}

function norm(v: Float32Array, H: number): number {
  let s = 0;
  for (let t = 0; t < H; t++) s += v[t] * v[t];
  return Math.sqrt(s);
}
