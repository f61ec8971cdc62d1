// Activation selection and small compositions used by several models.
import { Tape, Tensor, mul, relu, sum } from '../tensor/index.ts';

/** Supported activations. */
export type Activation = 'relu' | 'none';

/** Applies the named activation. [*] -> [*] */
export function activate(tp: Tape, x: Tensor, act: Activation): Tensor {
  switch (act) {
    case 'relu': return relu(tp, x);
    case 'none': return x;
    default: throw new RangeError(`activate: activation must be 'relu' or 'none', got ${String(act)}`);
  }
}

/** Row-wise dot product (scores of paired embeddings). a, b: [B, D] -> [B] */
export function rowDot(tp: Tape, a: Tensor, b: Tensor): Tensor {
  return sum(tp, mul(tp, a, b), 1);
}
