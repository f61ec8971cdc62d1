// Multi-layer perceptron: Linear layers with an activation between them.
import type { ParamStore, Tape, Tensor } from '../tensor/index.ts';
import { activate, type Activation } from './activations.ts';
import { Linear, type LinearOpts } from './linear.ts';

/** Options of Mlp. */
export interface MlpOpts extends LinearOpts {
  /** Hidden activation (default relu). */
  activation?: Activation;
  /** Activation after the last layer too (default none). */
  finalActivation?: Activation;
}

/**
 * dims = [D, H1, ..., H]: layers `${name}.0`, `${name}.1`, ...
 * @example const tower = new Mlp(ps, 'item', [384, 256, 128]); const z = tower.forward(tp, x); // [B, 128]
 */
export class Mlp {
  readonly layers: Linear[];
  readonly activation: Activation;
  readonly finalActivation: Activation;

  constructor(ps: ParamStore, readonly name: string, readonly dims: readonly number[], opts: MlpOpts = {}) {
    if (dims.length < 2) throw new RangeError(`Mlp(${name}): dims must list at least input and output sizes, got [${dims.join(', ')}]`);
    this.activation = opts.activation ?? 'relu';
    this.finalActivation = opts.finalActivation ?? 'none';
    this.layers = [];
    for (let i = 0; i + 1 < dims.length; i++) this.layers.push(new Linear(ps, `${name}.${i}`, dims[i], dims[i + 1], opts));
  }

  /** x: [N, D] -> [N, H] */
  forward(tp: Tape, x: Tensor): Tensor {
    let h = x;
    this.layers.forEach((l, i) => {
      const act = i === this.layers.length - 1 ? this.finalActivation : this.activation;
      h = act === 'relu' ? l.forward(tp, h, { relu: true }) : activate(tp, l.forward(tp, h), act);
    });
    return h;
  }
}
