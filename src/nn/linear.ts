// Fully connected layer y = x W + b with W stored [D, H] (fan-in first).
import { ParamStore, Tape, Tensor, init as inits, linear, type Init, type LinearOpOpts } from '../tensor/index.ts';

/** Options of Linear. */
export interface LinearOpts {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight initialiser (default He normal, for ReLU stacks). Bias starts at zero. */
  init?: Init;
}

/**
 * Dense layer. Parameters `${name}.W` [D, H] and `${name}.b` [H] in the given ParamStore.
 * @example const fc = new Linear(ps, 'user.fc1', 384, 256); const h = fc.forward(tp, x);
 */
export class Linear {
  readonly W: Tensor;
  readonly b: Tensor | null;

  constructor(ps: ParamStore, readonly name: string, readonly inDim: number, readonly outDim: number, opts: LinearOpts = {}) {
    for (const [k, v] of [['inDim', inDim], ['outDim', outDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Linear(${name}): ${k} must be an integer >= 1, got ${v}`);
    }
    this.W = ps.add(`${name}.W`, [inDim, outDim], opts.init ?? inits.heNormal);
    this.b = opts.bias === false ? null : ps.add(`${name}.b`, [outDim], inits.zeros);
  }

  /** x: [N, D] -> [N, H]; opts.relu fuses a ReLU into the same tape node. */
  forward(tp: Tape, x: Tensor, opts: LinearOpOpts = {}): Tensor {
    if (x.shape.length !== 2 || x.shape[1] !== this.inDim) {
      throw new RangeError(`Linear(${this.name}).forward: x must be [N, ${this.inDim}], got [${x.shape.join(', ')}]`);
    }
    return linear(tp, x, this.W, this.b, opts);
  }
}
