// Parameters in one flat Float32Array (and one flat gradient buffer) with named views, so that
// Adam, zeroing and checkpoints are single loops / single files.
import type { Init } from './init.ts';
import { zeros } from './init.ts';
import type { Rng } from './rng.ts';
import { loadSafetensors, saveSafetensors, type StoredArray } from './safetensors.ts';
import { TouchedRows } from './rows.ts';
import { Tensor, shapeSize } from './tensor.ts';

interface Entry {
  tensor: Tensor;
  offset: number;
}

/** Options of ParamStore.add. */
export interface AddOpts {
  /**
   * Row-sparse table [V, D] (embedding tables read through gather): zeroGrad and Adam touch
   * only the rows gathered this step (LazyAdam semantics). Any other op that writes its
   * gradient switches that step to a dense update, so results stay correct.
   */
  sparseRows?: boolean;
}

/**
 * Named parameters over one flat buffer.
 * @example const ps = new ParamStore(new Rng(1)); const W = ps.add('enc.W', [384, 256], heNormal);
 */
export class ParamStore {
  private flat = new Float32Array(1024);
  private flatGrad = new Float32Array(1024);
  private used = 0;
  private entries = new Map<string, Entry>();
  private frozen = false;

  /** @param rng source for the initialisers (its draws follow the order of add()). */
  constructor(readonly rng: Rng) {}

  /**
   * Adds a parameter and initialises it. Returns a Tensor viewing the flat buffer (its grad
   * views the flat gradient). Names must be unique; no adds after an optimiser was created.
   */
  add(name: string, shape: readonly number[], init: Init = zeros, opts: AddOpts = {}): Tensor {
    if (this.frozen) throw new Error(`ParamStore.add: cannot add "${name}" after an optimiser took the buffer (add all parameters first)`);
    if (!name) throw new RangeError('ParamStore.add: name must be a non-empty string');
    if (this.entries.has(name)) throw new RangeError(`ParamStore.add: parameter "${name}" already exists`);
    const n = shapeSize(shape);
    if (this.used + n > this.flat.length) this.grow(this.used + n);
    const offset = this.used;
    this.used += n;
    const t = new Tensor(this.flat.subarray(offset, offset + n), shape, {
      requiresGrad: true, grad: this.flatGrad.subarray(offset, offset + n), name,
    });
    if (opts.sparseRows) {
      if (shape.length !== 2) throw new RangeError(`ParamStore.add: sparseRows parameter "${name}" must be [V, D], got [${shape.join(', ')}]`);
      t.touched = new TouchedRows(shape[0]);
    }
    init(t.data, shape, this.rng);
    this.entries.set(name, { tensor: t, offset });
    return t;
  }

  private grow(need: number): void {
    let cap = this.flat.length;
    while (cap < need) cap *= 2;
    const f = new Float32Array(cap), g = new Float32Array(cap);
    f.set(this.flat.subarray(0, this.used));
    g.set(this.flatGrad.subarray(0, this.used));
    this.flat = f;
    this.flatGrad = g;
    for (const { tensor, offset } of this.entries.values()) {
      tensor.data = f.subarray(offset, offset + tensor.size);
      tensor.grad = g.subarray(offset, offset + tensor.size);
    }
  }

  /** The parameter called name; throws naming the known parameters otherwise. */
  get(name: string): Tensor {
    const e = this.entries.get(name);
    if (!e) throw new RangeError(`ParamStore.get: no parameter "${name}" (have: ${[...this.entries.keys()].join(', ')})`);
    return e.tensor;
  }

  /** Whether a parameter exists. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Parameter names in creation order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Total number of scalars. */
  get size(): number {
    return this.used;
  }

  /** All values, flat (a view; stable once frozen). */
  get data(): Float32Array {
    return this.flat.subarray(0, this.used);
  }

  /** All gradients, flat (a view; stable once frozen). */
  get grad(): Float32Array {
    return this.flatGrad.subarray(0, this.used);
  }

  /** Stops further adds (called by optimisers, which keep views of the flat buffers). */
  freeze(): void {
    this.frozen = true;
  }

  /**
   * Dense [start, end) ranges of the flat buffer (everything but row-sparse tables) and the
   * row-sparse parameters with their offsets. Used by zeroGrad and the optimisers.
   */
  layout(): { dense: [number, number][]; sparse: { tensor: Tensor; offset: number }[] } {
    const dense: [number, number][] = [];
    const sparse: { tensor: Tensor; offset: number }[] = [];
    for (const e of this.entries.values()) {
      if (e.tensor.touched) { sparse.push(e); continue; }
      const last = dense[dense.length - 1];
      if (last && last[1] === e.offset) last[1] += e.tensor.size;
      else if (e.tensor.size > 0) dense.push([e.offset, e.offset + e.tensor.size]);
    }
    return { dense, sparse };
  }

  /** Sets every gradient to zero (row-sparse tables: only the touched rows) and clears the row sets. */
  zeroGrad(): void {
    const { dense, sparse } = this.layout();
    for (const [a, b] of dense) this.flatGrad.fill(0, a, b);
    for (const { tensor } of sparse) {
      const tr = tensor.touched!, g = tensor.grad!, D = tensor.shape[1];
      if (tr.dense) g.fill(0);
      else for (const r of tr.rows()) g.fill(0, r * D, r * D + D);
      tr.clear();
    }
  }

  /** Scales all gradients so that their global L2 norm is at most maxNorm; returns the norm before. */
  clipGradNorm(maxNorm: number): number {
    if (!(maxNorm > 0)) throw new RangeError(`ParamStore.clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
    const n = this.gradNorm();
    if (n > maxNorm) {
      const f = maxNorm / n, g = this.flatGrad;
      for (let i = 0; i < this.used; i++) g[i] *= f;
    }
    return n;
  }

  /** Sum of squared gradients, square-rooted (for logging / clipping). */
  gradNorm(): number {
    let s = 0;
    const g = this.flatGrad;
    for (let i = 0; i < this.used; i++) s += g[i] * g[i];
    return Math.sqrt(s);
  }

  /** Named arrays (views, not copies) for checkpoints. */
  toArrays(): Map<string, StoredArray> {
    const m = new Map<string, StoredArray>();
    for (const [name, { tensor }] of this.entries) m.set(name, { shape: [...tensor.shape], data: tensor.data });
    return m;
  }

  /** Saves all parameters as one safetensors file (atomic), with optional metadata. */
  save(path: string, metadata: Record<string, string> = {}): void {
    saveSafetensors(path, this.toArrays(), { format: 'hgrec-params', ...metadata });
  }

  /**
   * Loads values saved by save(). Every parameter must be present with the same shape
   * (extra names in the file are an error too, unless allowExtra). Returns the metadata.
   */
  load(path: string, opts: { allowExtra?: boolean } = {}): Record<string, string> {
    const { tensors, metadata } = loadSafetensors(path);
    for (const [name, { tensor }] of this.entries) {
      const s = tensors.get(name);
      if (!s) throw new Error(`ParamStore.load: ${path}: parameter "${name}" missing`);
      if (!(s.data instanceof Float32Array)) throw new Error(`ParamStore.load: ${path}: "${name}" must be F32`);
      if (s.shape.length !== tensor.shape.length || s.shape.some((d, i) => d !== tensor.shape[i])) {
        throw new Error(`ParamStore.load: ${path}: "${name}" expected shape [${tensor.shape.join(', ')}], got [${s.shape.join(', ')}]`);
      }
    }
    if (!opts.allowExtra) {
      const extra = [...tensors.keys()].filter((n) => !this.entries.has(n));
      if (extra.length) throw new Error(`ParamStore.load: ${path}: unexpected parameters ${extra.join(', ')}`);
    }
    for (const [name, { tensor }] of this.entries) tensor.data.set(tensors.get(name)!.data);
    return metadata;
  }
}
