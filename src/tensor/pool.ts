// Buffer pool: hands out Float32Array / Int32Array scratch buffers and takes them all back at
// once (releaseAll). Fresh large allocations are very slow on this machine (first touch of a
// new 77 MB block costs 135-230 ms against ~3.5 ms when reused), so every per-step buffer of
// a training loop should come from one long-lived pool owned by the trainer.
// Sizes are rounded up to classes (2^k * {1, 1.25, 1.5, 1.75}) so that batches whose sizes
// vary a little (sampled subgraphs) still reuse the same blocks.

const MIN_CLASS = 64;

/** Smallest size class >= n. */
export function sizeClass(n: number): number {
  if (n <= MIN_CLASS) return MIN_CLASS;
  const p = 2 ** Math.floor(Math.log2(n));
  for (const f of [1, 1.25, 1.5, 1.75, 2]) {
    const c = Math.ceil(p * f);
    if (c >= n) return c;
  }
  return 2 * p;
}

/** Pool of reusable typed-array buffers; see the file comment. */
export class BufferPool {
  private freeF = new Map<number, Float32Array[]>();
  private freeI = new Map<number, Int32Array[]>();
  private usedF: Float32Array[] = [];
  private usedI: Int32Array[] = [];
  /** Bytes held by the pool (in use + free). */
  bytes = 0;
  /** Allocations served from free lists / from fresh memory. */
  hits = 0;
  misses = 0;

  /** A Float32Array of length n with UNDEFINED contents (valid until releaseAll). */
  f32(n: number): Float32Array {
    const c = sizeClass(n);
    const list = this.freeF.get(c);
    let buf = list?.pop();
    if (buf) this.hits++;
    else {
      buf = new Float32Array(c);
      this.bytes += 4 * c;
      this.misses++;
    }
    this.usedF.push(buf);
    return n === c ? buf : buf.subarray(0, n);
  }

  /** A zero-filled Float32Array of length n (valid until releaseAll). */
  f32Zeroed(n: number): Float32Array {
    const b = this.f32(n);
    b.fill(0);
    return b;
  }

  /** An Int32Array of length n with undefined contents (valid until releaseAll). */
  i32(n: number): Int32Array {
    const c = sizeClass(n);
    const list = this.freeI.get(c);
    let buf = list?.pop();
    if (buf) this.hits++;
    else {
      buf = new Int32Array(c);
      this.bytes += 4 * c;
      this.misses++;
    }
    this.usedI.push(buf);
    return n === c ? buf : buf.subarray(0, n);
  }

  /** Returns every buffer handed out since the last call; they must no longer be used. */
  releaseAll(): void {
    for (const b of this.usedF) push(this.freeF, b);
    for (const b of this.usedI) push(this.freeI, b);
    this.usedF.length = 0;
    this.usedI.length = 0;
  }

  /** Drops all free buffers (to give memory back after a phase with big shapes). */
  trim(): void {
    for (const [c, l] of this.freeF) this.bytes -= 4 * c * l.length;
    for (const [c, l] of this.freeI) this.bytes -= 4 * c * l.length;
    this.freeF.clear();
    this.freeI.clear();
  }
}

function push<T extends { length: number }>(m: Map<number, T[]>, b: T): void {
  const l = m.get(b.length);
  if (l) l.push(b);
  else m.set(b.length, [b]);
}
