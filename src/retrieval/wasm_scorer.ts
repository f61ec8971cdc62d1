// Holds the item matrix inside a shared WebAssembly.Memory and scores query vectors against
// row ranges with the SIMD kernels of wasm_dot.ts, optionally with one worker thread taking the
// upper half of the rows. Optionally also an int8 copy of the items (per-row scale) for the
// exact search's prefilter, with per-row error bounds. Layout (byte offsets, 16-byte aligned):
//   [0, xBytes)        items X: [N, D] float32
//   [qOff, +D*4)       the current query
//   [outOff, +N*4)     scores of the current query, one per item
//   [i8Off, +N*D)      int8 codes of X (only with int8)
//   [q16Off, +D*2)     int16 codes of the query
//   [dotOff, +N*4)     int32 code dot products
//   [scratchOff, +16)  four float32 scores (exact rescoring of one row group)
//   [metaOff, +N*24)   per row float64 (scale, resid, norm) of the codes
//   [candOff, +N*4)    candidate rows written by filterI8
import { Worker } from 'node:worker_threads';
import { wasmApi } from '../tensor/wasm_asm.ts';
import { dotModule, instantiateDot, type Dot4, type FilterI8 } from './wasm_dot.ts';

const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE - PAGE; // wasm32 limit, keep one page of slack

// The worker is plain JS (eval), so it needs no TypeScript loader. Control words (Int32):
// 0 job sequence (-1 = stop), 1 finished sequence, 2..6 kernel arguments, 7 kernel (0 dot4, 1 dot4i8).
const WORKER_SRC = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl } = workerData;
const { dot4, dot4i8 } = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
const c = new Int32Array(ctl);
let seen = 0;
for (;;) {
  Atomics.wait(c, 0, seen);
  seen = Atomics.load(c, 0);
  if (seen < 0) break;
  (c[7] === 1 ? dot4i8 : dot4)(c[2], c[3], c[4], c[5], c[6]);
  Atomics.store(c, 1, seen);
  Atomics.notify(c, 1);
}`;

/** True when the wasm kernel can serve vectors of this shape (SIMD available, dim % 8 == 0, fits in 4 GiB). */
export function wasmScorerSupported(n: number, dim: number): boolean {
  return dotModule() !== null && dim % 8 === 0 && dim >= 8 && layoutBytes(n, dim).total <= MAX_BYTES;
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

interface Layout {
  qOff: number; outOff: number; i8Off: number; q16Off: number; dotOff: number; scratchOff: number;
  metaOff: number; candOff: number; total: number;
}

function layoutBytes(n: number, dim: number, int8 = false): Layout {
  const qOff = align16(n * dim * 4);
  const outOff = qOff + align16(dim * 4);
  const i8Off = outOff + align16(n * 4);
  if (!int8) return { qOff, outOff, i8Off, q16Off: i8Off, dotOff: i8Off, scratchOff: i8Off, metaOff: i8Off, candOff: i8Off, total: i8Off };
  const q16Off = i8Off + align16(n * dim);
  const dotOff = q16Off + align16(dim * 2);
  const scratchOff = dotOff + align16(n * 4);
  const metaOff = scratchOff + 16;
  const candOff = metaOff + align16(n * 24);
  return { qOff, outOff, i8Off, q16Off, dotOff, scratchOff, metaOff, candOff, total: candOff + align16(n * 4) };
}

/** True when the int8 prefilter can serve this shape (on top of wasmScorerSupported). */
export function int8Supported(n: number, dim: number): boolean {
  return wasmScorerSupported(n, dim) && dim % 16 === 0 && dim <= 4096 && layoutBytes(n, dim, true).total <= MAX_BYTES;
}

/** Per-query constants of the int8 prefilter: code score = sq * scale[i] * dot[i], error <= nq * resid[i] + eqn * norm[i]. */
export interface QueryCodes {
  /** Query scale (real value of one int16 step). */
  sq: number;
  /** ||q||. */
  nq: number;
  /** ||q - sq * codes(q)||. */
  eqn: number;
}

/** Largest int16 code of a query; keeps each i32 lane of dot4i8 from overflowing up to dim 4096. */
const Q_CODE_MAX = 16383;

/** Scores queries against rows held in wasm memory. Call dispose() to stop the worker. */
export class WasmScorer {
  readonly n: number;
  readonly dim: number;
  /** The items, as a view into wasm memory: [N, D]. */
  readonly vectors: Float32Array;
  /** The current query slot: [D]. */
  readonly q: Float32Array;
  /** The scores slot: [N]. */
  readonly out: Float32Array;
  /** Int32 code dot products: [N] (int8 mode). */
  readonly dots: Int32Array;
  /**
   * Per row (scale, resid, norm) of the int8 codes: code scale, ||x - scale * codes|| and
   * max(||x||, ||scale * codes||), rounded up. [N, 3] (int8 mode).
   */
  readonly meta: Float64Array;
  /** Candidate rows written by filter(): [N]. */
  readonly cand: Int32Array;
  private readonly dot: Dot4;
  private readonly dotI8: Dot4;
  private readonly filterI8: FilterI8;
  private readonly qOff: number;
  private readonly outOff: number;
  private readonly layout: Layout;
  private readonly q16: Int16Array;
  private readonly scratch: Float32Array;
  private readonly n4: number;
  private worker: Worker | null = null;
  private ctl: Int32Array | null = null;
  private seq = 0;

  /**
   * Copies `vectors` ([n, dim]) into a new shared wasm memory. threads: 1, or 2 for one worker.
   * int8: also keep int8 codes of the rows for the prefilter (needs int8Supported).
   */
  constructor(vectors: Float32Array, n: number, dim: number, threads: 1 | 2, int8 = false) {
    const module = dotModule();
    if (!module || !wasmScorerSupported(n, dim) || (int8 && !int8Supported(n, dim))) {
      throw new RangeError(`WasmScorer: unsupported shape [${n}, ${dim}] (needs wasm SIMD, dim % 8 == 0 (int8: % 16), < 4 GiB)`);
    }
    const layout = layoutBytes(n, dim, int8);
    const { qOff, outOff, total } = layout;
    this.layout = layout;
    this.n4 = n & ~3;
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const memory = new wasmApi!.Memory({ initial: pages, maximum: pages, shared: true });
    this.n = n;
    this.dim = dim;
    this.qOff = qOff;
    this.outOff = outOff;
    this.vectors = new Float32Array(memory.buffer, 0, n * dim);
    this.vectors.set(vectors.subarray(0, n * dim));
    this.q = new Float32Array(memory.buffer, qOff, dim);
    this.out = new Float32Array(memory.buffer, outOff, n);
    const kernels = instantiateDot(module, memory);
    this.dot = kernels.dot4;
    this.dotI8 = kernels.dot4i8;
    this.filterI8 = kernels.filterI8;
    this.q16 = new Int16Array(memory.buffer, layout.q16Off, int8 ? dim : 0);
    this.dots = new Int32Array(memory.buffer, layout.dotOff, int8 ? n : 0);
    this.scratch = new Float32Array(memory.buffer, layout.scratchOff, int8 ? 4 : 0);
    this.meta = new Float64Array(memory.buffer, layout.metaOff, int8 ? 3 * n : 0);
    this.cand = new Int32Array(memory.buffer, layout.candOff, int8 ? n : 0);
    if (int8) this.quantizeRows(new Int8Array(memory.buffer, layout.i8Off, n * dim));
    if (threads === 2) {
      const ctl = new SharedArrayBuffer(8 * 4);
      this.ctl = new Int32Array(ctl);
      this.worker = new Worker(WORKER_SRC, { eval: true, workerData: { module, memory, ctl } });
      this.worker.unref();
    }
  }

  /** Number of threads scoring (1 or 2). */
  get threads(): number {
    return this.worker ? 2 : 1;
  }

  /** out[start, start+rows) = X[start:start+rows] @ q. The query must already be in this.q. */
  score(start: number, rows: number): void {
    const r4 = rows & ~3;
    if (r4 > 0) this.dot(start * this.dim * 4, this.qOff, r4, this.dim, this.outOff + start * 4);
    for (let r = start + r4; r < start + rows; r++) this.out[r] = this.dotRow(r);
  }

  /** True when the int8 prefilter data is present. */
  get hasInt8(): boolean {
    return this.meta.length === 3 * this.n && this.n > 0;
  }

  /** Puts q into the query slot and its int16 codes into the code slot; returns the bound constants. */
  setQuery(q: Float32Array): QueryCodes {
    this.q.set(q);
    let amax = 0, nq2 = 0;
    for (let d = 0; d < this.dim; d++) {
      const v = q[d];
      nq2 += v * v;
      if (Math.abs(v) > amax) amax = Math.abs(v);
    }
    const sq = amax / Q_CODE_MAX;
    let e2 = 0;
    if (this.hasInt8) {
      for (let d = 0; d < this.dim; d++) {
        const c = sq > 0 ? Math.max(-Q_CODE_MAX, Math.min(Q_CODE_MAX, Math.round(q[d] / sq))) : 0;
        this.q16[d] = c;
        const e = q[d] - sq * c;
        e2 += e * e;
      }
    }
    return { sq, nq: Math.sqrt(nq2) * (1 + 1e-12), eqn: Math.sqrt(e2) * (1 + 1e-12) };
  }

  /** dots[start, start+rows) = int8 codes of those rows . int16 codes of the query (set by setQuery). */
  scoreCodes(start: number, rows: number): void {
    const r4 = rows & ~3, D = this.dim;
    if (r4 > 0) this.dotI8(this.layout.i8Off + start * D, this.layout.q16Off, r4, D, this.layout.dotOff + start * 4);
    this.codesTail(start + r4, start + rows);
  }

  private codesTail(from: number, to: number): void {
    if (from >= to) return;
    const D = this.dim;
    const codes = new Int8Array(this.vectors.buffer, this.layout.i8Off, this.n * D);
    for (let r = from; r < to; r++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += codes[r * D + d] * this.q16[d];
      this.dots[r] = s;
    }
  }

  /**
   * Rows i in [start, start+rows) whose upper bound (sq * scale_i) * dots_i + (a * resid_i +
   * bc * norm_i) >= tau, ascending, into cand[0, count). Needs scoreCodes over the range.
   */
  filter(start: number, rows: number, tau: number, sq: number, a: number, bc: number): number {
    return this.filterI8(this.layout.dotOff + start * 4, this.layout.metaOff + start * 24, rows, start,
      this.layout.candOff, tau, sq, a, bc);
  }

  /**
   * The float32 score of row r exactly as score() computes it (same kernel, same summation
   * order), so prefiltered and full scans agree bit for bit. Needs setQuery first.
   */
  exactScore(r: number): number {
    if (r >= this.n4) return this.dotRow(r);
    const g = r & ~3;
    this.dot(g * this.dim * 4, this.qOff, 4, this.dim, this.layout.scratchOff);
    return this.scratch[r - g];
  }

  /**
   * Starts scoring rows [start, start+rows) on the worker, as score() (kind 'f32') or
   * scoreCodes() (kind 'i8') would; finish with awaitWorker().
   */
  scoreOnWorker(start: number, rows: number, kind: 'f32' | 'i8' = 'f32'): void {
    const c = this.ctl!;
    const r4 = rows & ~3, D = this.dim;
    this.seq = (this.seq + 1) & 0x3fffffff;
    if (kind === 'f32') {
      c[2] = start * D * 4; c[3] = this.qOff; c[4] = r4; c[5] = D; c[6] = this.outOff + start * 4; c[7] = 0;
    } else {
      c[2] = this.layout.i8Off + start * D; c[3] = this.layout.q16Off; c[4] = r4; c[5] = D; c[6] = this.layout.dotOff + start * 4; c[7] = 1;
    }
    Atomics.store(c, 0, this.seq);
    Atomics.notify(c, 0);
    if (kind === 'f32') for (let r = start + r4; r < start + rows; r++) this.out[r] = this.dotRow(r);
    else this.codesTail(start + r4, start + rows);
  }

  /** Blocks until the worker finished the job started last. */
  awaitWorker(): void {
    const c = this.ctl!;
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(c, 1);
      if (done === this.seq) return;
      Atomics.wait(c, 1, done, 1000);
      if (Date.now() - t0 > 30000) throw new Error('WasmScorer.awaitWorker: the scoring worker did not answer within 30 s');
    }
  }

  /** Stops the worker thread (idempotent). */
  dispose(): void {
    if (this.worker && this.ctl) {
      Atomics.store(this.ctl, 0, -1);
      Atomics.notify(this.ctl, 0);
      void this.worker.terminate();
    }
    this.worker = null;
    this.ctl = null;
  }

  // Per-row int8 codes: scale = max|x| / 127, codes = round(x / scale); residual and norm bounds
  // in float64 with a relative slack so they are never underestimated.
  private quantizeRows(codes: Int8Array): void {
    const X = this.vectors, D = this.dim;
    for (let i = 0; i < this.n; i++) {
      const o = i * D;
      let amax = 0;
      for (let d = 0; d < D; d++) amax = Math.max(amax, Math.abs(X[o + d]));
      const scale = amax / 127;
      let r2 = 0, x2 = 0, h2 = 0;
      for (let d = 0; d < D; d++) {
        const v = X[o + d];
        const c = scale > 0 ? Math.max(-127, Math.min(127, Math.round(v / scale))) : 0;
        codes[o + d] = c;
        const h = scale * c;
        r2 += (v - h) * (v - h);
        x2 += v * v;
        h2 += h * h;
      }
      this.meta[3 * i] = scale;
      this.meta[3 * i + 1] = Math.sqrt(r2) * (1 + 1e-12);
      this.meta[3 * i + 2] = Math.sqrt(Math.max(x2, h2)) * (1 + 1e-12);
    }
  }

  private dotRow(r: number): number {
    const X = this.vectors, q = this.q, D = this.dim, o = r * D;
    let s = 0;
    for (let d = 0; d < D; d++) s += X[o + d] * q[d];
    return Math.fround(s);
  }
}
