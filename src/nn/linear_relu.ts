// Fused ReLU(x W + b): the SAGE message transform, the hottest op of HGNN training (tens of
// thousands of rows per batch). Composed from matmul + biasAdd + relu it makes ~8 passes over
// the [U, H] output (two extra outputs, three zero-filled gradient buffers); fused it makes one
// pass forward (bias + relu after the GEMM) and one backward (mask + bias column sums), and the
// GEMMs write their gradients without zero-filling. Same maths, checked against the
// composition in linear_relu.test.ts.
import { Tape, Tensor, sgemm } from '../tensor/index.ts';

/**
 * y = max(x W + b, 0). x: [N, D], W: [D, H], b: [H] -> [N, H]
 * @example const t = linearRelu(tp, xRows, conv.W, conv.b);
 */
export function linearRelu(tp: Tape, x: Tensor, W: Tensor, b: Tensor): Tensor {
  if (x.shape.length !== 2 || W.shape.length !== 2 || x.shape[1] !== W.shape[0]) {
    throw new RangeError(`linearRelu: x must be [N, ${W.shape[0]}] for W [${W.shape.join(', ')}], got x [${x.shape.join(', ')}]`);
  }
  const N = x.shape[0], D = x.shape[1], H = W.shape[1];
  if (b.shape.length !== 1 || b.shape[0] !== H) throw new RangeError(`linearRelu: b must be [${H}], got [${b.shape.join(', ')}]`);
  const rg = tp.needsGrad(x, W, b);
  const out = tp.alloc([N, H], rg);
  const o = out.data, bd = b.data;
  sgemm(false, false, N, H, D, 1, x.data, D, W.data, H, 0, o, H);
  for (let n = 0; n < N; n++) {
    const r = n * H;
    for (let j = 0; j < H; j++) {
      const v = o[r + j] + bd[j];
      o[r + j] = v > 0 ? v : 0;
    }
  }
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!;
      const pre = tp.pool.f32(N * H); // d pre-activation
      for (let i = 0; i < pre.length; i++) pre[i] = o[i] > 0 ? g[i] : 0;
      if (b.requiresGrad) {
        const ones = tp.pool.f32(N);
        ones.fill(1);
        sgemm(false, false, 1, H, N, 1, ones, N, pre, H, 1, tp.grad(b), H); // db += column sums of pre
      }
      if (W.requiresGrad) {
        const [gw, beta] = tp.gradForWrite(W);
        sgemm(true, false, D, H, N, 1, x.data, D, pre, H, beta, gw, H); // dW = x^T pre
      }
      if (x.requiresGrad) {
        const [gx, beta] = tp.gradForWrite(x);
        sgemm(false, true, N, D, H, 1, pre, H, W.data, H, beta, gx, D); // dx = pre W^T
      }
    });
  }
  return out;
}
