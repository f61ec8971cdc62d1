// Exact top-K by brute force: score a block of item rows, select from the block while it is
// still in cache, move on. A float32 scan of 250k x 128 reads 128 MB per query, so it is
// memory-bound. Single queries therefore run on wasm SIMD kernels (wasm_scorer.ts; OpenBLAS
// 0.3.21's sgemm with M=1 packs the whole item matrix and was 5x slower than even the float32
// kernel) and, by default, scan int8 codes of the items first (32 MB): a per-item error bound
// proves which items could still be in the top k, and only those (~20-70 of 250k) are rescored
// in float32, so the answer is exactly the float32 scan's. Large batches go through the project
// GEMM, where BLAS is at its best. This is the reference every ANN index is checked against and
// the default for catalogues up to a few hundred thousand items.
import { sgemm } from '../tensor/kernels.ts';
import { TopKSelector } from './select.ts';
import { int8Supported, WasmScorer, wasmScorerSupported } from './wasm_scorer.ts';
import {
  checkBatchExclusions, checkK, checkQuery, checkQueryBatch, describe, sortedExclusion,
  type BatchQueryOptions, type QueryOptions, type TopK, type TopKResult,
} from './topk.ts';

/** Tuning knobs of ExactTopK (defaults are measured on the bench, see bench/retrieval.ts). */
export interface ExactTopKOptions {
  /** Single-query scoring kernel: 'auto' (default) = 'wasm' when supported (dim % 8 == 0), else 'sgemm'. */
  kernel?: 'auto' | 'wasm' | 'sgemm';
  /** Threads for single queries on the wasm kernel: 1 (default) or 2 (one worker thread). */
  threads?: 1 | 2;
  /**
   * Single-query prefilter on the wasm kernel: 'int8' (default when dim % 16 == 0) scans int8
   * codes of the items (a quarter of the bytes) with a per-item error bound, then rescores every
   * item that could still be in the top k with the float32 kernel; the answer is identical to
   * the full float32 scan. 'none' always scans the float32 rows.
   */
  prefilter?: 'int8' | 'none';
  /** Item rows scored per kernel call for a single query; 0 = all rows in one call. */
  blockRows?: number;
  /** Upper bound on B * rows floats of the score block in queryBatch (default 262144 = 1 MB). */
  batchBlockFloats?: number;
}

const DEFAULT_BLOCK_ROWS = 4096;
/** Below this many items a second thread costs more than it saves. */
const MIN_ROWS_FOR_WORKER = 16384;
/** Batches smaller than this run as single queries (the wasm kernel beats GEMM there). */
const MIN_GEMM_BATCH = 8;
/** Same with the int8 prefilter, which is ~4x cheaper per single query than the float32 scan. */
const MIN_GEMM_BATCH_INT8 = 32;
/** Largest k served by the int8 prefilter (beyond it the candidate set grows too large). */
const MAX_PREFILTER_K = 1024;
/** The prefilter gives up (and scans float32) once candidates exceed this share of the items. */
const MAX_CANDIDATE_SHARE = 0.125;
/** Relative slack for float32 rounding of the exact kernel: |f32 dot - real dot| <= this * |q| |x|. */
const F32_DOT_SLACK = 1e-5;
const DEFAULT_BATCH_BLOCK_FLOATS = 262144;

/**
 * Exact dot-product top-K over item vectors held in memory. With the wasm kernel the vectors
 * are copied into wasm memory (read them back from `.vectors`); with 'sgemm' they are used in
 * place and must not be mutated. Deterministic: equal scores rank the lower id first. Call
 * dispose() when done if threads = 2 (stops the worker).
 * vectors: [N, D] row-major, every value finite.
 * @example
 * const index = new ExactTopK(itemVecs, 128);
 * const { ids, scores } = index.query(userVec, 10, { exclude: consumed });
 */
export class ExactTopK implements TopK {
  readonly kind = 'exact' as const;
  readonly size: number;
  readonly dim: number;
  readonly vectors: Float32Array;
  private blockRows: number;
  private readonly batchBlockFloats: number;
  /** The single-query kernel in use. */
  readonly kernel: 'wasm' | 'sgemm';
  private scores: Float32Array;
  private readonly selector = new TopKSelector(16);
  private readonly scorer: WasmScorer | null;
  private readonly int8: boolean;
  /** Items rescored in float32 by the last prefiltered query (monitoring; -1 = full scan). */
  lastRescored = -1;
  private candIds = new Int32Array(1024);
  private candUpper = new Float64Array(1024);
  private lowerHeap = new Float64Array(16);

  constructor(vectors: Float32Array, dim: number, opts: ExactTopKOptions = {}) {
    const op = 'ExactTopK';
    if (!(vectors instanceof Float32Array)) throw new TypeError(`${op}: vectors must be a Float32Array [N, D], got ${describe(vectors)}`);
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`${op}: dim must be an integer >= 1, got ${dim}`);
    if (vectors.length % dim !== 0) {
      throw new RangeError(`${op}: vectors length ${vectors.length} is not a multiple of dim ${dim}`);
    }
    for (let i = 0; i < vectors.length; i++) {
      if (!Number.isFinite(vectors[i])) {
        throw new RangeError(`${op}: vectors[${Math.floor(i / dim)}, ${i % dim}] must be finite, got ${vectors[i]}`);
      }
    }
    const blockRows = opts.blockRows ?? DEFAULT_BLOCK_ROWS;
    if (!Number.isInteger(blockRows) || blockRows < 0) throw new RangeError(`${op}: opts.blockRows must be an integer >= 0, got ${blockRows}`);
    const bbf = opts.batchBlockFloats ?? DEFAULT_BATCH_BLOCK_FLOATS;
    if (!Number.isInteger(bbf) || bbf < 1) throw new RangeError(`${op}: opts.batchBlockFloats must be an integer >= 1, got ${bbf}`);
    const kernel = opts.kernel ?? 'auto';
    if (kernel !== 'auto' && kernel !== 'wasm' && kernel !== 'sgemm') {
      throw new RangeError(`${op}: opts.kernel must be 'auto', 'wasm' or 'sgemm', got ${String(kernel)}`);
    }
    const threads = opts.threads ?? 1;
    if (threads !== 1 && threads !== 2) throw new RangeError(`${op}: opts.threads must be 1 or 2, got ${String(threads)}`);
    this.dim = dim;
    this.size = vectors.length / dim;
    const wasmOk = wasmScorerSupported(this.size, dim);
    if (kernel === 'wasm' && !wasmOk) {
      throw new RangeError(`${op}: opts.kernel 'wasm' needs WebAssembly SIMD, dim % 8 == 0 and < 4 GiB of vectors; got dim ${dim}, ${this.size} rows`);
    }
    this.kernel = kernel === 'sgemm' || !wasmOk ? 'sgemm' : 'wasm';
    const prefilter = opts.prefilter ?? 'int8';
    if (prefilter !== 'int8' && prefilter !== 'none') throw new RangeError(`${op}: opts.prefilter must be 'int8' or 'none', got ${String(prefilter)}`);
    this.int8 = this.kernel === 'wasm' && prefilter === 'int8' && int8Supported(this.size, dim) && this.size > 0;
    this.scorer = this.kernel === 'wasm'
      ? new WasmScorer(vectors, this.size, dim, threads === 2 && this.size >= MIN_ROWS_FOR_WORKER ? 2 : 1, this.int8)
      : null;
    this.vectors = this.scorer ? this.scorer.vectors : vectors;
    this.blockRows = blockRows === 0 ? Math.max(1, this.size) : Math.min(blockRows, Math.max(1, this.size));
    if (this.scorer && this.blockRows % 4 !== 0 && this.blockRows < this.size) this.blockRows += 4 - (this.blockRows % 4);
    this.batchBlockFloats = bbf;
    this.scores = new Float32Array(this.blockRows);
  }

  /** See TopK.query. q: [D] -> [min(k, N - excluded)] */
  query(q: Float32Array, k: number, opts?: QueryOptions): TopKResult {
    const op = 'ExactTopK.query';
    checkQuery(op, 'q', q, this.dim);
    checkK(op, k);
    const ex = sortedExclusion(op, opts?.exclude, this.size);
    const sel = this.selector;
    sel.reset(Math.min(k, Math.max(1, this.size)));
    if (this.scorer) {
      if (this.int8 && k <= MAX_PREFILTER_K) {
        const r = this.queryInt8(this.scorer, q, ex, sel);
        if (r) return r;
        sel.reset(Math.min(k, Math.max(1, this.size)));
      }
      return this.queryWasm(this.scorer, q, ex, sel);
    }
    const N = this.size, D = this.dim, R = this.blockRows, X = this.vectors, buf = this.scores;
    let p = 0;
    for (let start = 0; start < N; start += R) {
      const rows = Math.min(R, N - start);
      // buf[0, rows] = q[1, D] @ X[start:start+rows, D]^T
      sgemm(false, true, 1, rows, D, 1, q, D, X.subarray(start * D, (start + rows) * D), D, 0, buf, rows);
      const end = start + rows;
      while (p < ex.length && ex[p] < end) buf[ex[p++] - start] = NaN;
      sel.offerAscending(buf, 0, rows, start);
    }
    return sel.result();
  }

  /**
   * See TopK.queryBatch. Large batches (B >= 8, or >= 32 with the int8 prefilter) run one GEMM
   * per block of item rows for all B queries, smaller ones run B single queries. GEMM sums in
   * another order, so scores may differ from query() in the last float32 bit. Q: [B, D]
   */
  queryBatch(Q: Float32Array, B: number, k: number, opts?: BatchQueryOptions): TopKResult[] {
    const op = 'ExactTopK.queryBatch';
    checkQueryBatch(op, Q, B, this.dim);
    checkK(op, k);
    checkBatchExclusions(op, opts, B);
    if (this.scorer && B < (this.int8 ? MIN_GEMM_BATCH_INT8 : MIN_GEMM_BATCH)) {
      const D = this.dim;
      return Array.from({ length: B }, (_, b) =>
        this.query(Q.subarray(b * D, (b + 1) * D), k, { exclude: opts?.exclude?.[b] }));
    }
    const N = this.size, D = this.dim, X = this.vectors;
    const exs = Array.from({ length: B }, (_, b) => sortedExclusion(`${op} (row ${b})`, opts?.exclude?.[b], N));
    const ptr = new Int32Array(B);
    const kk = Math.min(k, Math.max(1, N));
    const sels = Array.from({ length: B }, () => {
      const s = new TopKSelector(kk);
      s.reset(kk);
      return s;
    });
    const R = Math.max(1, Math.min(Math.max(1, N), Math.floor(this.batchBlockFloats / B)));
    if (this.scores.length < B * R) this.scores = new Float32Array(B * R);
    const buf = this.scores;
    for (let start = 0; start < N; start += R) {
      const rows = Math.min(R, N - start);
      // buf[B, rows] = Q[B, D] @ X[start:start+rows, D]^T
      sgemm(false, true, B, rows, D, 1, Q, D, X.subarray(start * D, (start + rows) * D), D, 0, buf, rows);
      const end = start + rows;
      for (let b = 0; b < B; b++) {
        const ex = exs[b];
        let p = ptr[b];
        while (p < ex.length && ex[p] < end) buf[b * rows + ex[p++] - start] = NaN;
        ptr[b] = p;
        sels[b].offerAscending(buf, b * rows, rows, start);
      }
    }
    return sels.map((s) => s.result());
  }

  /** Stops the scoring worker, if any (idempotent). The index stays usable on one thread. */
  dispose(): void {
    this.scorer?.dispose();
  }

  /** True when single queries use the int8 prefilter. */
  get prefilter(): 'int8' | 'none' {
    return this.int8 ? 'int8' : 'none';
  }

  // Int8 prefilter. For item i the code score c_i = sq * scale_i * dot_i is within
  // b_i = |q| resid_i + |q - q_codes| norm_i (+ float32 slack) of the float32 score f_i, so
  // L_i = c_i - b_i <= f_i <= c_i + b_i = U_i. tau = k-th largest L among non-excluded items is
  // <= the k-th best f, hence every item of the answer has U_i >= tau: rescoring those items
  // exactly gives the full scan's answer. One pass keeps a running tau (never above the final
  // one) and collects items with U >= running tau. Returns null when too many qualify.
  private queryInt8(sc: WasmScorer, q: Float32Array, ex: Int32Array, sel: TopKSelector): TopKResult | null {
    const N = this.size, R = this.blockRows, kk = Math.min(sel.capacityK, N - ex.length);
    this.lastRescored = -1;
    if (kk <= 0) return sel.result();
    const { sq, nq, eqn } = sc.setQuery(q);
    const A = nq, Bc = eqn + F32_DOT_SLACK * nq;
    const meta = sc.meta, dots = sc.dots, cand = sc.cand;
    if (this.lowerHeap.length < kk) this.lowerHeap = new Float64Array(kk);
    const heap = this.lowerHeap;
    let hn = 0, tau = -Infinity;
    const maxCand = Math.max(4 * kk, Math.floor(N * MAX_CANDIDATE_SHARE));
    let nc = 0, p = 0;
    // Rows [0, split) are scored here block by block; [split, N) by the worker (2 threads).
    const split = sc.threads === 2 ? (N >> 1) & ~3 : N;
    if (split < N) sc.scoreOnWorker(split, N - split, 'i8');
    let awaited = split === N, overflow = false;
    for (let start = 0; start < N && !overflow;) {
      let end: number;
      if (start < split) {
        end = Math.min(start + R, split);
        sc.scoreCodes(start, end - start);
      } else {
        sc.awaitWorker();
        awaited = true;
        end = N;
      }
      // The kernel keeps rows whose upper bound reaches the tau of the block start (<= the
      // running tau); here they are checked against the running tau and feed the lower bounds.
      const found = sc.filter(start, end - start, tau, sq, A, Bc);
      for (let j = 0; j < found; j++) {
        const i = cand[j];
        while (p < ex.length && ex[p] < i) p++;
        if (p < ex.length && ex[p] === i) continue;
        const c = sq * meta[3 * i] * dots[i];
        const b = A * meta[3 * i + 1] + Bc * meta[3 * i + 2];
        if (c + b < tau) continue;
        if (nc === this.candIds.length) {
          if (nc >= maxCand) {
            overflow = true;
            break;
          }
          this.growCandidates();
        }
        this.candIds[nc] = i;
        this.candUpper[nc++] = c + b;
        const lo = c - b;
        if (hn < kk) {
          heapPush(heap, hn++, lo);
          if (hn === kk) tau = heap[0];
        } else if (lo > tau) {
          heapReplaceMin(heap, hn, lo);
          tau = heap[0];
        }
      }
      start = end;
    }
    if (!awaited) sc.awaitWorker();
    if (overflow) return null;
    const ids = this.candIds, ups = this.candUpper;
    let rescored = 0;
    for (let j = 0; j < nc; j++) {
      if (ups[j] >= tau) {
        sel.offer(sc.exactScore(ids[j]), ids[j]);
        rescored++;
      }
    }
    this.lastRescored = rescored;
    return sel.result();
  }

  private growCandidates(): void {
    const ids = new Int32Array(this.candIds.length * 2);
    ids.set(this.candIds);
    const ups = new Float64Array(this.candUpper.length * 2);
    ups.set(this.candUpper);
    this.candIds = ids;
    this.candUpper = ups;
  }

  // Single query on the wasm kernel; with a worker, it scores the upper half of the rows while
  // this thread scores and selects the lower half block by block. ex: sorted exclusion.
  private queryWasm(sc: WasmScorer, q: Float32Array, ex: Int32Array, sel: TopKSelector): TopKResult {
    const N = this.size, R = this.blockRows, out = sc.out;
    sc.q.set(q);
    const split = sc.threads === 2 ? (N >> 1) & ~3 : N;
    if (split < N) sc.scoreOnWorker(split, N - split);
    let p = 0;
    const selectRange = (start: number, rows: number): void => {
      const end = start + rows;
      while (p < ex.length && ex[p] < end) out[ex[p++]] = NaN;
      sel.offerAscending(out, start, rows, start);
    };
    for (let start = 0; start < split; start += R) {
      const rows = Math.min(R, split - start);
      sc.score(start, rows);
      selectRange(start, rows);
    }
    if (split < N) {
      sc.awaitWorker();
      selectRange(split, N - split);
    }
    return sel.result();
  }
}

/** Min-heap of numbers in h[0, n): push. */
function heapPush(h: Float64Array, n: number, v: number): void {
  let c = n;
  while (c > 0) {
    const par = (c - 1) >> 1;
    if (h[par] <= v) break;
    h[c] = h[par];
    c = par;
  }
  h[c] = v;
}

/** Min-heap of numbers in h[0, n): replace the minimum with v. */
function heapReplaceMin(h: Float64Array, n: number, v: number): void {
  let par = 0;
  for (;;) {
    const l = 2 * par + 1;
    if (l >= n) break;
    const r = l + 1;
    const c = r < n && h[r] < h[l] ? r : l;
    if (h[c] >= v) break;
    h[par] = h[c];
    par = c;
  }
  h[par] = v;
}
