// A Float32Array with an explicit row-major shape, plus an optional gradient buffer.
// Tensors made by ops live in the tape's pool and are recycled by tape.reset(): copy what
// you want to keep (t.clone()) before resetting.
import type { TouchedRows } from './rows.ts';

/** Dense float32 tensor, row-major. `data` and `grad` may be views into larger buffers. */
export class Tensor {
  /** Values, length = product of shape (may be rebound when a ParamStore grows). */
  data: Float32Array;
  /** Shape, e.g. [N, D]; a scalar is [1]. */
  readonly shape: readonly number[];
  /** Whether gradients flow into this tensor (parameters, and op outputs that depend on them). */
  readonly requiresGrad: boolean;
  /** Gradient, same length as data; null until backward reaches it (parameters own theirs). */
  grad: Float32Array | null;
  /** Optional name used in error messages and checkpoints. */
  name: string;
  /** Row-sparse gradient tracking (ParamStore tables added with sparseRows); null otherwise. */
  touched: TouchedRows | null = null;

  constructor(data: Float32Array, shape: readonly number[], opts: { requiresGrad?: boolean; grad?: Float32Array; name?: string } = {}) {
    const size = shapeSize(shape);
    if (!(data instanceof Float32Array)) throw new TypeError(`Tensor: data must be a Float32Array, got ${(data as object)?.constructor?.name ?? typeof data}`);
    if (data.length !== size) throw new RangeError(`Tensor: data length ${data.length} does not match shape [${shape.join(', ')}] (${size} elements)`);
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = opts.requiresGrad ?? false;
    this.grad = opts.grad ?? null;
    this.name = opts.name ?? '';
  }

  /** A new zero tensor (fresh memory: use the tape's pool inside training steps). */
  static zeros(shape: readonly number[], opts: { requiresGrad?: boolean; name?: string } = {}): Tensor {
    return new Tensor(new Float32Array(shapeSize(shape)), shape, opts);
  }

  /** A tensor from plain numbers. Example: Tensor.from([1, 2, 3, 4], [2, 2]) */
  static from(values: ArrayLike<number>, shape: readonly number[], opts: { requiresGrad?: boolean; grad?: Float32Array; name?: string } = {}): Tensor {
    return new Tensor(Float32Array.from(values), shape, opts);
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** shape[0] (rows of a matrix). */
  get rows(): number {
    return this.shape[0];
  }

  /** Product of shape[1..] (row length); 1 for a vector. */
  get cols(): number {
    let c = 1;
    for (let i = 1; i < this.shape.length; i++) c *= this.shape[i];
    return c;
  }

  /** The single value of a one-element tensor (e.g. a loss). */
  item(): number {
    if (this.data.length !== 1) throw new RangeError(`Tensor.item: expected 1 element, got shape [${this.shape.join(', ')}]`);
    return this.data[0];
  }

  /** A detached copy in fresh memory (safe to keep after tape.reset()). */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, { name: this.name });
  }

  /** Values as nested-free plain array (tests, debugging). */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** Human-readable label for errors: name (if any) and shape. */
  describe(): string {
    return `${this.name ? this.name + ' ' : ''}[${this.shape.join(', ')}]`;
  }
}

/** Product of the dimensions; throws on negative / non-integer dimensions. */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`shape: dimensions must be non-negative integers, got [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}
