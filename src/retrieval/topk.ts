// The top-K contract every retrieval backend implements (TFRS factorized_top_k, voyager's Index).
// Scores are plain dot products q·x. The two-tower model's vectors are what they are: when both
// towers L2-normalise their outputs the score is a cosine; otherwise it is the unnormalised
// inner product the model was trained with. Items are dense ints 0..size-1 here; string ids
// live at the edge (ids.ts, retrieval_index.ts).

/** Items to leave out of one query: dense ids in [0, size). Duplicates are allowed. */
export type Exclusion = Int32Array | ReadonlySet<number>;

/** Options of a single query. */
export interface QueryOptions {
  /** Dense ids never to return (e.g. items the user already consumed). */
  exclude?: Exclusion;
}

/** Options of a batched query: one exclusion per query row (or none). */
export interface BatchQueryOptions {
  exclude?: ReadonlyArray<Exclusion | undefined>;
}

/**
 * Result of one query, best first: scores descending, ties broken by the lower id.
 * Length min(k, size - excluded).
 */
export interface TopKResult {
  ids: Int32Array;
  scores: Float32Array;
}

/** A top-K index over `size` item vectors of `dim` floats, scored by dot product. */
export interface TopK {
  readonly kind: 'exact' | 'ann';
  readonly size: number;
  readonly dim: number;
  /**
   * The k best items for one query vector.
   * q: [D] -> ids, scores: [min(k, size - excluded)]
   * @example index.query(userVec, 10, { exclude: new Set([3, 17]) }).ids
   */
  query(q: Float32Array, k: number, opts?: QueryOptions): TopKResult;
  /**
   * The k best items for each of B query rows.
   * Q: [B, D] -> B results, each as in query()
   */
  queryBatch(Q: Float32Array, B: number, k: number, opts?: BatchQueryOptions): TopKResult[];
}

/** Throws unless k is a positive integer. */
export function checkK(op: string, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${op}: k must be an integer >= 1, got ${k}`);
}

/** Throws unless q is a finite Float32Array of exactly `dim` values. */
export function checkQuery(op: string, name: string, q: unknown, dim: number): asserts q is Float32Array {
  if (!(q instanceof Float32Array)) {
    throw new TypeError(`${op}: ${name} must be a Float32Array of length ${dim}, got ${describe(q)}`);
  }
  if (q.length !== dim) throw new RangeError(`${op}: ${name} must have length ${dim} (index dim), got ${q.length}`);
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(q[i])) throw new RangeError(`${op}: ${name}[${i}] must be finite, got ${q[i]}`);
  }
}

/** Throws unless Q is a finite Float32Array of exactly B * dim values and B is a positive integer. */
export function checkQueryBatch(op: string, Q: unknown, B: number, dim: number): asserts Q is Float32Array {
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`${op}: B must be an integer >= 1, got ${B}`);
  if (!(Q instanceof Float32Array)) {
    throw new TypeError(`${op}: Q must be a Float32Array [B=${B}, D=${dim}], got ${describe(Q)}`);
  }
  if (Q.length !== B * dim) {
    throw new RangeError(`${op}: Q must have length B*D = ${B}*${dim} = ${B * dim}, got ${Q.length}`);
  }
  for (let i = 0; i < Q.length; i++) {
    if (!Number.isFinite(Q[i])) {
      throw new RangeError(`${op}: Q[${Math.floor(i / dim)}, ${i % dim}] must be finite, got ${Q[i]}`);
    }
  }
}

/** Throws unless opts.exclude (when given) has exactly B entries. */
export function checkBatchExclusions(op: string, opts: BatchQueryOptions | undefined, B: number): void {
  const ex = opts?.exclude;
  if (ex !== undefined && ex.length !== B) {
    throw new RangeError(`${op}: opts.exclude must have one entry per query row (B=${B}), got ${ex.length}`);
  }
}

/**
 * Sorted, de-duplicated copy of an exclusion, range-checked against [0, size).
 * exclude: [E] -> [E' <= E] ascending
 */
export function sortedExclusion(op: string, exclude: Exclusion | undefined, size: number): Int32Array {
  if (exclude === undefined) return EMPTY;
  let arr: Int32Array;
  if (exclude instanceof Int32Array) arr = Int32Array.from(exclude);
  else if (exclude instanceof Set) {
    arr = new Int32Array(exclude.size);
    let i = 0;
    for (const v of exclude) {
      if (!Number.isInteger(v)) throw new RangeError(`${op}: opts.exclude holds ${v}, expected integer ids in [0, ${size})`);
      arr[i++] = v;
    }
  } else {
    throw new TypeError(`${op}: opts.exclude must be an Int32Array or a Set<number>, got ${describe(exclude)}`);
  }
  arr.sort();
  let w = 0;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v < 0 || v >= size) throw new RangeError(`${op}: opts.exclude holds id ${v}, out of range [0, ${size})`);
    if (w === 0 || arr[w - 1] !== v) arr[w++] = v;
  }
  return w === arr.length ? arr : arr.slice(0, w);
}

const EMPTY = new Int32Array(0);

/** Type name for error messages. */
export function describe(a: unknown): string {
  if (a === null) return 'null';
  if (a === undefined) return 'undefined';
  if (typeof a === 'object') return (a as object).constructor?.name ?? 'object';
  return typeof a;
}
