// Holds the item matrix inside a shared WebAssembly.Memory and scores query vectors against
// row ranges with the SIMD kernel of wasm_dot.ts, optionally with one worker thread taking the
// upper half of the rows. Layout of the memory (byte offsets, 16-byte aligned):
//   [0, xBytes)        items X: [N, D] float32
//   [qOff, +D*4)       the current query
//   [outOff, +N*4)     scores of the current query, one per item
import { Worker } from 'node:worker_threads';
import { dotModule, instantiateDot, wasmApi, type Dot4 } from './wasm_dot.ts';

const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE - PAGE; // wasm32 limit, keep one page of slack

// The worker is plain JS (eval), so it needs no TypeScript loader. Control words (Int32):
// 0 job sequence (-1 = stop), 1 finished sequence, 2.. dot4 arguments.
const WORKER_SRC = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctl } = workerData;
const dot = new WebAssembly.Instance(module, { env: { mem: memory } }).exports.dot4;
const c = new Int32Array(ctl);
let seen = 0;
for (;;) {
  Atomics.wait(c, 0, seen);
  seen = Atomics.load(c, 0);
  if (seen < 0) break;
  dot(c[2], c[3], c[4], c[5], c[6]);
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

function layoutBytes(n: number, dim: number): { qOff: number; outOff: number; total: number } {
  const qOff = align16(n * dim * 4);
  const outOff = qOff + align16(dim * 4);
  return { qOff, outOff, total: outOff + align16(n * 4) };
}

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
  private readonly dot: Dot4;
  private readonly qOff: number;
  private readonly outOff: number;
  private worker: Worker | null = null;
  private ctl: Int32Array | null = null;
  private seq = 0;

  /** Copies `vectors` ([n, dim]) into a new shared wasm memory. threads: 1, or 2 for one worker. */
  constructor(vectors: Float32Array, n: number, dim: number, threads: 1 | 2) {
    const module = dotModule();
    if (!module || !wasmScorerSupported(n, dim)) {
      throw new RangeError(`WasmScorer: unsupported shape [${n}, ${dim}] (needs wasm SIMD, dim % 8 == 0, < 4 GiB)`);
    }
    const { qOff, outOff, total } = layoutBytes(n, dim);
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
    this.dot = instantiateDot(module, memory);
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

  /** Starts scoring rows [start, start+rows) on the worker; finish with awaitWorker(). */
  scoreOnWorker(start: number, rows: number): void {
    const c = this.ctl!;
    const r4 = rows & ~3;
    this.seq = (this.seq + 1) & 0x3fffffff;
    c[2] = start * this.dim * 4; c[3] = this.qOff; c[4] = r4; c[5] = this.dim; c[6] = this.outOff + start * 4;
    Atomics.store(c, 0, this.seq);
    Atomics.notify(c, 0);
    for (let r = start + r4; r < start + rows; r++) this.out[r] = this.dotRow(r);
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

  private dotRow(r: number): number {
    const X = this.vectors, q = this.q, D = this.dim, o = r * D;
    let s = 0;
    for (let d = 0; d < D; d++) s += X[o + d] * q[d];
    return Math.fround(s);
  }
}
