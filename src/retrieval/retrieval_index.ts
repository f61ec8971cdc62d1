// The served catalogue: string item ids, their precomputed item-tower vectors, the exact index
// (the default) and optionally an ANN graph over the same vectors. Saved and loaded as one
// self-describing folder by store.ts.
import { AnnTopK, type AnnParams } from './ann.ts';
import { ExactTopK, type ExactTopKOptions } from './exact.ts';
import { IdMap } from './ids.ts';
import type { TopK } from './topk.ts';

/** Which search answers a request. 'auto' = the index's defaultMode. */
export type SearchMode = 'auto' | 'exact' | 'ann';

/** How to build a RetrievalIndex. */
export interface RetrievalIndexOptions {
  /** Build an HNSW graph too: true for defaults, or its parameters. Default false. */
  ann?: boolean | Partial<AnnParams>;
  /** Threads used to build the graph. Default 2. */
  annThreads?: number;
  /** Over-fetch limit of the ANN exclusion filter before it falls back to exact. Default 1024. */
  maxOverFetch?: number;
  /** Options of the exact index (kernel, threads, block size). */
  exact?: ExactTopKOptions;
  /** Search used by recommend() when no mode is given. Default 'exact'. */
  defaultMode?: 'exact' | 'ann';
}

/** One answer, best first. */
export interface Recommendation {
  itemIds: string[];
  rows: Int32Array;
  scores: Float32Array;
}

/**
 * Top-K over a catalogue with string ids.
 * @example
 * const idx = RetrievalIndex.build(itemIds, itemVecs, 128, { ann: true });
 * idx.recommend(userVec, 10, { exclude: ['book:12'] }).itemIds
 */
export class RetrievalIndex {
  readonly ids: IdMap;
  readonly exact: ExactTopK;
  readonly ann: AnnTopK | null;
  readonly defaultMode: 'exact' | 'ann';

  constructor(ids: IdMap, exact: ExactTopK, ann: AnnTopK | null, defaultMode: 'exact' | 'ann' = 'exact') {
    if (ids.size !== exact.size) {
      throw new RangeError(`RetrievalIndex: ${ids.size} ids but ${exact.size} vectors`);
    }
    if (ann && ann.exact !== exact) throw new RangeError('RetrievalIndex: ann must wrap the same ExactTopK');
    if (defaultMode === 'ann' && !ann) throw new RangeError("RetrievalIndex: defaultMode 'ann' needs an ANN graph");
    this.ids = ids;
    this.exact = exact;
    this.ann = ann;
    this.defaultMode = defaultMode;
  }

  /** Builds the exact index (and the graph when asked) over ids[row] -> vectors[row]. vectors: [N, D] */
  static build(ids: readonly string[], vectors: Float32Array, dim: number, opts: RetrievalIndexOptions = {}): RetrievalIndex {
    const map = new IdMap(ids);
    const exact = new ExactTopK(vectors, dim, opts.exact);
    if (exact.size !== map.size) {
      exact.dispose();
      throw new RangeError(`RetrievalIndex.build: ${map.size} ids but ${exact.size} vectors of dim ${dim}`);
    }
    const ann = opts.ann
      ? AnnTopK.build(exact, opts.ann === true ? {} : opts.ann, { threads: opts.annThreads, maxOverFetch: opts.maxOverFetch })
      : null;
    return new RetrievalIndex(map, exact, ann, opts.defaultMode ?? 'exact');
  }

  /** Number of items. */
  get size(): number {
    return this.exact.size;
  }

  /** Vector dimension. */
  get dim(): number {
    return this.exact.dim;
  }

  /** The TopK a mode resolves to. Throws when 'ann' is asked of an index without a graph. */
  topk(mode: SearchMode = 'auto'): TopK {
    const m = mode === 'auto' ? this.defaultMode : mode;
    if (m === 'exact') return this.exact;
    if (m === 'ann') {
      if (!this.ann) throw new RangeError("RetrievalIndex.topk: mode 'ann' but this index has no ANN graph");
      return this.ann;
    }
    throw new RangeError(`RetrievalIndex.topk: mode must be 'auto', 'exact' or 'ann', got ${String(mode)}`);
  }

  /**
   * The k best items for a user vector, leaving out `exclude` (string ids; unknown ones are
   * ignored). q: [D] -> [min(k, N - excluded)]
   */
  recommend(q: Float32Array, k: number, opts: { exclude?: Iterable<string>; mode?: SearchMode } = {}): Recommendation {
    const exclude = opts.exclude ? this.ids.rowsOf(opts.exclude) : undefined;
    const { ids, scores } = this.topk(opts.mode).query(q, k, { exclude });
    return { itemIds: this.ids.idsOf(ids), rows: ids, scores };
  }

  /** Stops worker threads of the exact index (idempotent). */
  dispose(): void {
    this.exact.dispose();
  }
}
