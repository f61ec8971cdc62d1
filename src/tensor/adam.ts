// Adam with bias correction (optionally AdamW's decoupled weight decay) over a ParamStore's
// flat buffers: one kernel call per step.
import { adamStep } from './kernels.ts';
import type { ParamStore } from './params.ts';
import type { StoredArray } from './safetensors.ts';

/** Adam settings. */
export interface AdamOpts {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW), applied as p -= lr * weightDecay * p. Default 0. */
  weightDecay?: number;
}

/**
 * p -= lr * mhat / (sqrt(vhat) + eps), mhat = m / (1 - beta1^t), vhat = v / (1 - beta2^t).
 * @example const opt = new Adam(ps, { lr: 1e-3 }); ...; tp.backward(loss); opt.step(); ps.zeroGrad();
 */
export class Adam {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Steps taken so far. */
  t = 0;
  readonly m: Float32Array;
  readonly v: Float32Array;

  constructor(readonly params: ParamStore, opts: AdamOpts = {}) {
    this.lr = opts.lr ?? 1e-3;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    for (const [k, v] of Object.entries({ lr: this.lr, eps: this.eps, weightDecay: this.weightDecay })) {
      if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`Adam: ${k} must be a finite number >= 0, got ${v}`);
    }
    for (const [k, v] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(v >= 0 && v < 1)) throw new RangeError(`Adam: ${k} must be in [0, 1), got ${v}`);
    }
    params.freeze();
    this.m = new Float32Array(params.size);
    this.v = new Float32Array(params.size);
  }

  /**
   * One update from the accumulated gradients (does not zero them: call params.zeroGrad()
   * after). Row-sparse tables update only the rows gathered this step (LazyAdam).
   */
  step(): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = Math.sqrt(1 - this.beta2 ** this.t);
    const lrT = this.lr * c2 / c1, epsT = this.eps * c2, wd = this.lr * this.weightDecay;
    const p = this.params.data, g = this.params.grad, m = this.m, v = this.v;
    const upd = (a: number, b: number): void =>
      adamStep(p.subarray(a, b), g.subarray(a, b), m.subarray(a, b), v.subarray(a, b), lrT, this.beta1, this.beta2, epsT, wd);
    const { dense, sparse } = this.params.layout();
    for (const [a, b] of dense) upd(a, b);
    for (const { tensor, offset } of sparse) {
      const tr = tensor.touched!, D = tensor.shape[1];
      if (tr.dense) { upd(offset, offset + tensor.size); continue; }
      for (const r of tr.rows()) upd(offset + r * D, offset + r * D + D);
    }
  }

  /** Optimiser state for a checkpoint: `adam.m`, `adam.v` (flat, like the params) and `adam.t`. */
  stateArrays(): Map<string, StoredArray> {
    return new Map<string, StoredArray>([
      ['adam.m', { shape: [this.m.length], data: this.m }],
      ['adam.v', { shape: [this.v.length], data: this.v }],
      ['adam.t', { shape: [1], data: new Int32Array([this.t]) }],
    ]);
  }

  /** Restores state written by stateArrays() (e.g. read back with loadSafetensors). */
  loadStateArrays(arrays: Map<string, StoredArray>): void {
    const m = arrays.get('adam.m'), v = arrays.get('adam.v'), t = arrays.get('adam.t');
    if (!m || !v || !t) throw new Error('Adam.loadStateArrays: need adam.m, adam.v and adam.t');
    if (m.data.length !== this.m.length || v.data.length !== this.v.length) {
      throw new RangeError(`Adam.loadStateArrays: adam.m / adam.v must have ${this.m.length} values (the parameter count), got ${m.data.length} / ${v.data.length}`);
    }
    this.m.set(m.data);
    this.v.set(v.data);
    this.t = t.data[0];
  }
}
