// Fused affine map y = act(x W + b): the bias is written first and the GEMM accumulates onto
// it (beta = 1); an optional ReLU is applied in place. Saves up to two [N, H] passes and two
// buffers over matmul + biasAdd + relu.
import { sgemm } from '../kernels.ts';
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectRank, fmt } from './check.ts';

/** Options of linear. */
export interface LinearOpOpts {
  /** Apply max(0, .) to the output (gradient 0 where the output is 0). */
  relu?: boolean;
}

/**
 * x: [N, D], W: [D, H], b: [H] (optional) -> [N, H]
 * @example const h = linear(tp, x, W, b, { relu: true });
 */
export function linear(tp: Tape, x: Tensor, W: Tensor, b?: Tensor | null, opts: LinearOpOpts = {}): Tensor {
  const relu = opts.relu ?? false;
  expectRank('linear', 'x', x, 2);
  expectRank('linear', 'W', W, 2);
  const [N, D] = x.shape;
  const H = W.shape[1];
  if (W.shape[0] !== D) throw new RangeError(`linear: W must be [${D}, H] (D from x ${fmt(x.shape)}), got ${fmt(W.shape)}`);
  if (b && (b.shape.length !== 1 || b.shape[0] !== H)) throw new RangeError(`linear: b must be [${H}] (H from W ${fmt(W.shape)}), got ${fmt(b.shape)}`);
  const rg = b ? tp.needsGrad(x, W, b) : tp.needsGrad(x, W);
  const out = tp.alloc([N, H], rg);
  const o = out.data;
  if (b) {
    const bd = b.data;
    for (let n = 0; n < N; n++) o.set(bd, n * H);
  }
  sgemm(false, false, N, H, D, 1, x.data, D, W.data, H, b ? 1 : 0, o, H);
  if (relu) {
    for (let i = 0; i < o.length; i++) {
      const v = o[i];
      o[i] = (v + Math.abs(v)) * 0.5; // branch-free (random signs mispredict)
    }
  }
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!; // pooled and read by no other node: masked in place
      if (relu) for (let i = 0; i < g.length; i++) g[i] *= +(o[i] > 0);
      if (x.requiresGrad) {
        const [gx, beta] = tp.gradForWrite(x);
        sgemm(false, true, N, D, H, 1, g, H, W.data, H, beta, gx, D); // dx = g W^T
      }
      if (W.requiresGrad) {
        const [gW, beta] = tp.gradForWrite(W);
        sgemm(true, false, D, H, N, 1, x.data, D, g, H, beta, gW, H); // dW = x^T g
      }
      if (b && b.requiresGrad) {
        const gb = tp.grad(b);
        for (let n = 0; n < N; n++) {
          const r = n * H;
          for (let j = 0; j < H; j++) gb[j] += g[r + j];
        }
      }
    });
  }
  return out;
}
