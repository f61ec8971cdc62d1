// The kernel layer: one validated entry point per kernel, dispatching to the OpenBLAS addon
// when it is loaded and to the pure-TypeScript twin otherwise. All checks live here, so the
// C side stays thin and both backends see exactly the same (valid) arguments.
import { loadNative, type NativeKernels } from './native.ts';
import * as ts from './kernels_ts.ts';
import { availableParallelism } from 'node:os';

/** Which kernel implementation is active. */
export type Backend = 'addon' | 'ts';

const native: NativeKernels | null = loadNative();

/** The active backend: 'addon' when the OpenBLAS addon loaded, else 'ts'. */
export function backend(): Backend {
  return native ? 'addon' : 'ts';
}

/** The loaded addon (for tests comparing both paths), or null. */
export function nativeKernels(): NativeKernels | null {
  return native;
}

/** Set the OpenBLAS thread count (no-op on the TypeScript path). n >= 1. */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setThreads: n must be an integer >= 1, got ${n}`);
  native?.setThreads(n);
}

/** OpenBLAS thread count (1 on the TypeScript path). */
export function getThreads(): number {
  return native ? native.getThreads() : 1;
}

function checkDim(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${v}`);
}

function checkLen(op: string, name: string, arr: ArrayLike<number>, need: number, what: string): void {
  if (arr.length < need) {
    throw new RangeError(`${op}: ${name} too short: ${what} needs ${need} elements, got ${arr.length}`);
  }
}

function checkF32(op: string, name: string, a: unknown): void {
  if (!(a instanceof Float32Array)) throw new TypeError(`${op}: ${name} must be a Float32Array, got ${describe(a)}`);
}

function checkI32(op: string, name: string, a: unknown): void {
  if (!(a instanceof Int32Array)) throw new TypeError(`${op}: ${name} must be an Int32Array, got ${describe(a)}`);
}

function describe(a: unknown): string {
  if (a === null) return 'null';
  if (typeof a === 'object') return (a as object).constructor?.name ?? 'object';
  return typeof a;
}

/** Checks every index lies in [0, n); names the op, argument, position and value otherwise. */
export function checkIndices(op: string, name: string, idx: Int32Array, n: number): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0 || v >= n) throw new RangeError(`${op}: ${name}[${i}] = ${v} out of range [0, ${n})`);
  }
}

/** Checks CSR offsets: offsets[0] = 0, non-decreasing, last = E. */
export function checkOffsets(op: string, offsets: Int32Array, E: number): void {
  if (offsets.length < 1) throw new RangeError(`${op}: offsets must have length S+1 >= 1, got 0`);
  if (offsets[0] !== 0) throw new RangeError(`${op}: offsets[0] must be 0, got ${offsets[0]}`);
  for (let s = 1; s < offsets.length; s++) {
    if (offsets[s] < offsets[s - 1]) {
      throw new RangeError(`${op}: offsets must be non-decreasing, offsets[${s}] = ${offsets[s]} < offsets[${s - 1}] = ${offsets[s - 1]}`);
    }
  }
  if (offsets[offsets.length - 1] !== E) {
    throw new RangeError(`${op}: offsets[last] must equal the entry count ${E}, got ${offsets[offsets.length - 1]}`);
  }
}

/**
 * Row-major C[M,N] = alpha * op(A) @ op(B) + beta * C. op(A) is [M,K] (A stored [K,M] when
 * transA), op(B) is [K,N] (B stored [N,K] when transB). lda/ldb/ldc are the row strides of the
 * matrices as stored. beta = 0 overwrites C.
 * @example sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2) // c = a[2,3] @ b[3,2]
 */
export function sgemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
): void {
  const op = 'sgemm';
  checkDim(op, 'M', M); checkDim(op, 'N', N); checkDim(op, 'K', K);
  checkF32(op, 'A', A); checkF32(op, 'B', B); checkF32(op, 'C', C);
  const aRows = transA ? K : M, aCols = transA ? M : K;
  const bRows = transB ? N : K, bCols = transB ? K : N;
  if (!Number.isInteger(lda) || lda < Math.max(1, aCols)) throw new RangeError(`${op}: lda must be >= ${Math.max(1, aCols)} (A stored [${aRows},${aCols}]), got ${lda}`);
  if (!Number.isInteger(ldb) || ldb < Math.max(1, bCols)) throw new RangeError(`${op}: ldb must be >= ${Math.max(1, bCols)} (B stored [${bRows},${bCols}]), got ${ldb}`);
  if (!Number.isInteger(ldc) || ldc < Math.max(1, N)) throw new RangeError(`${op}: ldc must be >= ${Math.max(1, N)} (C is [${M},${N}]), got ${ldc}`);
  if (M === 0 || N === 0) return;
  checkLen(op, 'C', C, (M - 1) * ldc + N, `[${M},${N}] with ldc=${ldc}`);
  if (K === 0 || alpha === 0) {
    ts.sgemmTs(false, false, M, N, 0, 0, A, lda, B, ldb, beta, C, ldc); // C = beta * C
    return;
  }
  checkLen(op, 'A', A, (aRows - 1) * lda + aCols, `stored [${aRows},${aCols}] with lda=${lda}`);
  checkLen(op, 'B', B, (bRows - 1) * ldb + bCols, `stored [${bRows},${bCols}] with ldb=${ldb}`);
  if (native) native.sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  else ts.sgemmTs(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

/** out[b, :] = src[idx[b], :]. src: [N, D], idx: [B] -> out: [B, D] (overwritten) */
export function gatherRows(src: Float32Array, D: number, idx: Int32Array, out: Float32Array): void {
  const op = 'gatherRows';
  checkF32(op, 'src', src); checkI32(op, 'idx', idx); checkF32(op, 'out', out); checkDim(op, 'D', D);
  checkLen(op, 'out', out, idx.length * D, `[${idx.length},${D}]`);
  checkIndices(op, 'idx', idx, D === 0 ? Infinity : src.length / D);
  if (D === 0 || idx.length === 0) return;
  if (native) native.gatherRows(src, D, idx, out, idx.length * D < GATHER_PARALLEL_MIN ? 1 : sparseThreads);
  else ts.gatherRowsTs(src, D, idx, out);
}

/** Floats copied below which gatherRows uses one thread (measured: threads pay off from ~1 MB). */
const GATHER_PARALLEL_MIN = 1 << 18;

/** out[idx[e], :] += src[e, :]. src: [E, D], idx: [E], out: [N, D] (accumulated into) */
export function scatterAddRows(src: Float32Array, D: number, idx: Int32Array, out: Float32Array): void {
  const op = 'scatterAddRows';
  checkF32(op, 'src', src); checkI32(op, 'idx', idx); checkF32(op, 'out', out); checkDim(op, 'D', D);
  checkLen(op, 'src', src, idx.length * D, `[${idx.length},${D}]`);
  checkIndices(op, 'idx', idx, D === 0 ? Infinity : out.length / D);
  if (D === 0 || idx.length === 0) return;
  if (native) native.scatterAddRows(src, D, idx, out);
  else ts.scatterAddRowsTs(src, D, idx, out);
}

function checkSegment(op: string, x: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null,
  out: Float32Array): number {
  checkF32(op, 'x', x); checkI32(op, 'offsets', offsets); checkF32(op, 'out', out); checkDim(op, 'D', D);
  if (idx !== null) checkI32(op, 'idx', idx);
  const rows = D === 0 ? 0 : Math.floor(x.length / D);
  const E = idx ? idx.length : offsets.length ? offsets[offsets.length - 1] : 0;
  checkOffsets(op, offsets, E);
  if (idx) { if (D > 0) checkIndices(op, 'idx', idx, rows); }
  else if (D > 0 && E > rows) throw new RangeError(`${op}: x has ${rows} rows but offsets cover ${E} entries`);
  const S = offsets.length - 1;
  checkLen(op, 'out', out, S * D, `[${S},${D}]`);
  return S;
}

/**
 * Segment max over CSR offsets; entry e reads row idx[e] of x (row e when idx is null).
 * Empty segments give 0 with argmax -1. x: [N, D], offsets: [S+1], idx: [E] -> out, argmax: [S, D]
 */
export function segmentMax(x: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null,
  out: Float32Array, argmax: Int32Array): void {
  const S = checkSegment('segmentMax', x, D, offsets, idx, out);
  checkI32('segmentMax', 'argmax', argmax);
  checkLen('segmentMax', 'argmax', argmax, S * D, `[${S},${D}]`);
  if (S === 0 || D === 0) return;
  if (native) native.segmentMax(x, D, offsets, idx, out, argmax);
  else ts.segmentMaxTs(x, D, offsets, idx, out, argmax);
}

/** gx[argmax[s, j], j] += gout[s, j]; -1 entries are skipped. gout, argmax: [S, D] -> gx: [N, D] */
export function segmentMaxBackward(gout: Float32Array, D: number, argmax: Int32Array, gx: Float32Array): void {
  const op = 'segmentMaxBackward';
  checkF32(op, 'gout', gout); checkI32(op, 'argmax', argmax); checkF32(op, 'gx', gx); checkDim(op, 'D', D);
  checkLen(op, 'gout', gout, argmax.length, `argmax length ${argmax.length}`);
  if (D === 0 || argmax.length === 0) return;
  const rows = Math.floor(gx.length / D);
  for (let i = 0; i < argmax.length; i++) {
    if (argmax[i] >= rows) throw new RangeError(`${op}: argmax[${i}] = ${argmax[i]} out of range [-1, ${rows})`);
  }
  if (native) native.segmentMaxBackward(gout, D, argmax, gx);
  else ts.segmentMaxBackwardTs(gout, D, argmax, gx);
}

/** Segment mean over CSR offsets (rows idx[e] of x, or row e). Empty segments give 0. -> out: [S, D] */
export function segmentMean(x: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null,
  out: Float32Array): void {
  const S = checkSegment('segmentMean', x, D, offsets, idx, out);
  if (S === 0 || D === 0) return;
  if (native) native.segmentMean(x, D, offsets, idx, out);
  else ts.segmentMeanTs(x, D, offsets, idx, out);
}

/** gx[row(e), :] += gout[s, :] / count(s). gout: [S, D] -> gx: [N, D] (accumulated into) */
export function segmentMeanBackward(gout: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null,
  gx: Float32Array): void {
  const S = checkSegment('segmentMeanBackward', gx, D, offsets, idx, gout);
  if (S === 0 || D === 0) return;
  if (native) native.segmentMeanBackward(gout, D, offsets, idx, gx);
  else ts.segmentMeanBackwardTs(gout, D, offsets, idx, gx);
}

/** One bias-corrected Adam(W) step over flat buffers (see kernels_ts.adamStepTs for the maths). */
export function adamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  lrT: number, b1: number, b2: number, epsT: number, wd: number): void {
  const op = 'adamStep';
  for (const [name, a] of [['g', g], ['m', m], ['v', v]] as const) {
    if (a.length !== p.length) throw new RangeError(`${op}: ${name} must have length ${p.length} (params), got ${a.length}`);
  }
  if (native) native.adamStep(p, g, m, v, lrT, b1, b2, epsT, wd);
  else ts.adamStepTs(p, g, m, v, lrT, b1, b2, epsT, wd);
}

/**
 * Row-wise softmax with log-sum-exp: out[r, :] = softmax(x[r, :]), lse[r] = log sum exp x[r, :].
 * x may equal out (in place); -Infinity entries (masked logits) get probability 0.
 * x: [R, C] -> out: [R, C], lse: [R] (R = lse.length)
 */
export function softmaxRows(x: Float32Array, C: number, out: Float32Array, lse: Float64Array): void {
  const op = 'softmaxRows';
  checkF32(op, 'x', x); checkF32(op, 'out', out); checkDim(op, 'C', C);
  if (!(lse instanceof Float64Array)) throw new TypeError(`${op}: lse must be a Float64Array, got ${describe(lse)}`);
  const R = lse.length;
  checkLen(op, 'x', x, R * C, `[${R},${C}]`);
  checkLen(op, 'out', out, R * C, `[${R},${C}]`);
  if (R === 0) return;
  if (C === 0) { lse.fill(-Infinity); return; }
  if (native) native.softmaxRows(x, C, out, lse);
  else ts.softmaxRowsTs(x, C, out, lse);
}

let sparseThreads = Math.max(1, Math.min(2, availableParallelism()));

/** Threads the addon's sparse × dense kernels split their work over (default min(2, cores)). n >= 1. */
export function setSparseThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setSparseThreads: n must be an integer >= 1, got ${n}`);
  sparseThreads = n;
}

/** Current thread count of the sparse × dense kernels (the TypeScript twins always run on one). */
export function getSparseThreads(): number {
  return sparseThreads;
}

/** Work (non-zeros × D) below which one thread is used: starting threads costs more than it saves. */
const SPARSE_PARALLEL_MIN = 1 << 18;

/** Validates a CSR triple against `cols` columns; returns the row count. */
function checkCsrArgs(op: string, indptr: Int32Array, indices: Int32Array, values: Float32Array, cols: number): number {
  checkI32(op, 'indptr', indptr); checkI32(op, 'indices', indices); checkF32(op, 'values', values);
  if (values.length !== indices.length) {
    throw new RangeError(`${op}: values must have the length of indices (${indices.length}), got ${values.length}`);
  }
  checkOffsets(op, indptr, indices.length);
  checkIndices(op, 'indices', indices, cols);
  return indptr.length - 1;
}

/**
 * CSR sparse × dense product out = A @ B. A: [rows, cols] in CSR (indptr [rows+1], indices and
 * values [nnz]), B: [cols, D] row-major -> out: [rows, D] (overwritten). cols = B.length / D.
 * The addon accumulates in float32 over `getSparseThreads()` row ranges; the TypeScript twin in float64.
 * @example spmm(a.indptr, a.indices, a.values, b, 64, new Float32Array(a.rows * 64))
 */
export function spmm(indptr: Int32Array, indices: Int32Array, values: Float32Array, B: Float32Array, D: number,
  out: Float32Array): void {
  const op = 'spmm';
  checkF32(op, 'B', B); checkF32(op, 'out', out); checkDim(op, 'D', D);
  const cols = D === 0 ? Infinity : Math.floor(B.length / D);
  const rows = checkCsrArgs(op, indptr, indices, values, cols);
  checkLen(op, 'out', out, rows * D, `[${rows},${D}]`);
  if (rows === 0 || D === 0) return;
  if (native) native.spmm(indptr, indices, values, B, D, out, indices.length * D < SPARSE_PARALLEL_MIN ? 1 : sparseThreads);
  else ts.spmmTs(indptr, indices, values, B, D, out);
}

/**
 * Transposed CSR product out = Aᵀ @ Y in scatter form (no copy of A). A: [rows, cols] CSR,
 * Y: [rows, D] -> out: [cols, D] (overwritten). When Aᵀ is used more than once,
 * spmm over a cached transposed CSR is faster (gather form).
 */
export function spmmT(indptr: Int32Array, indices: Int32Array, values: Float32Array, cols: number, Y: Float32Array,
  D: number, out: Float32Array): void {
  const op = 'spmmT';
  checkF32(op, 'Y', Y); checkF32(op, 'out', out); checkDim(op, 'D', D); checkDim(op, 'cols', cols);
  const rows = checkCsrArgs(op, indptr, indices, values, cols);
  checkLen(op, 'Y', Y, rows * D, `[${rows},${D}]`);
  checkLen(op, 'out', out, cols * D, `[${cols},${D}]`);
  if (cols === 0 || D === 0) return;
  if (native) {
    native.spmmT(indptr, indices, values, cols, Y, D, out, indices.length * D < SPARSE_PARALLEL_MIN ? 1 : sparseThreads);
  } else ts.spmmTTs(indptr, indices, values, cols, Y, D, out);
}

/**
 * Gradient of a max-pool message at its arg-max rows (src/nn/max_pool_message.ts's backward):
 * gt ([U, H], optional) is OVERWRITTEN with gt[argmax[s, j], j] = Σ g[s, j], and db ([H],
 * optional) ACCUMULATES the column sums Σ_s g[s, j], both over the (s, j) with argmax >= 0
 * (-1 = no message: ReLU off or empty segment), s ascending in float32 — the addon (columns
 * split over `getSparseThreads()` threads) and the TypeScript twin agree to the bit.
 * g, argmax: [S, H].
 * @example maxPoolGrad(out.grad, argmax, H, U, gt, tp.grad(b))
 */
export function maxPoolGrad(g: Float32Array, argmax: Int32Array, H: number, U: number, gt: Float32Array | null,
  db: Float32Array | null): void {
  const op = 'maxPoolGrad';
  checkF32(op, 'g', g); checkI32(op, 'argmax', argmax); checkDim(op, 'H', H); checkDim(op, 'U', U);
  if (H === 0 ? argmax.length !== 0 : argmax.length % H !== 0) {
    throw new RangeError(`${op}: argmax length must be a multiple of H = ${H}, got ${argmax.length}`);
  }
  checkLen(op, 'g', g, argmax.length, `[${H === 0 ? 0 : argmax.length / H},${H}]`);
  if (gt !== null) { checkF32(op, 'gt', gt); checkLen(op, 'gt', gt, U * H, `[${U},${H}]`); }
  if (db !== null) { checkF32(op, 'db', db); checkLen(op, 'db', db, H, `[${H}]`); }
  if (H === 0) return;
  const bad = native
    ? native.maxPoolGrad(g, argmax, H, U, gt, db, argmax.length < SPARSE_PARALLEL_MIN ? 1 : sparseThreads)
    : ts.maxPoolGradTs(g, argmax, H, U, gt, db);
  if (bad >= 0) throw new RangeError(`${op}: argmax[${bad}] = ${argmax[bad]} out of range [-1, ${U})`);
}
