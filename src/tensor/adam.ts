// Adam with bias correction (optionally AdamW's decoupled weight decay) over a ParamStore's
// flat buffers: one kernel call per step.
import { adamStep } from './kernels.ts';
import type { ParamStore } from './params.ts';

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

  /** One update from the accumulated gradients (does not zero them). */
  step(): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = Math.sqrt(1 - this.beta2 ** this.t);
    adamStep(this.params.data, this.params.grad, this.m, this.v, this.lr * c2 / c1, this.beta1, this.beta2,
      this.eps * c2, this.lr * this.weightDecay);
  }
}
