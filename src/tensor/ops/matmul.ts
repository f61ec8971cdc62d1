// matmul: C = op(A) @ op(B) through the sgemm kernel, with transpose flags.
import { sgemm } from '../kernels.ts';
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectRank, fmt } from './check.ts';

/** Transpose flags: transA means a is stored [K, M], transB means b is stored [N, K]. */
export interface MatmulOpts {
  transA?: boolean;
  transB?: boolean;
}

/**
 * Matrix product. a: [M, K] (or [K, M] with transA), b: [K, N] (or [N, K] with transB) -> [M, N]
 * @example const h = matmul(tp, x, W); // x: [B, D], W: [D, H] -> [B, H]
 */
export function matmul(tp: Tape, a: Tensor, b: Tensor, opts: MatmulOpts = {}): Tensor {
  const ta = opts.transA ?? false;
  const tb = opts.transB ?? false;
  expectRank('matmul', 'a', a, 2);
  expectRank('matmul', 'b', b, 2);
  const [M, K] = ta ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [Kb, N] = tb ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (K !== Kb) {
    throw new RangeError(`matmul: inner dimensions differ: a${ta ? '^T' : ''} is [${M}, ${K}] (a ${fmt(a.shape)}), ` +
      `b${tb ? '^T' : ''} must be [${K}, N], got [${Kb}, ${N}] (b ${fmt(b.shape)})`);
  }
  const lda = a.shape[1], ldb = b.shape[1];
  const rg = tp.needsGrad(a, b);
  const out = tp.alloc([M, N], rg);
  sgemm(ta, tb, M, N, K, 1, a.data, lda, b.data, ldb, 0, out.data, N);
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!;
      if (a.requiresGrad) {
        const [ga, beta] = tp.gradForWrite(a);
        // d op(A) = dC @ op(B)^T; stored transposed when transA
        if (!ta) sgemm(false, !tb, M, K, N, 1, g, N, b.data, ldb, beta, ga, lda);
        else sgemm(tb, true, K, M, N, 1, b.data, ldb, g, N, beta, ga, lda);
      }
      if (b.requiresGrad) {
        const [gb, beta] = tp.gradForWrite(b);
        // d op(B) = op(A)^T @ dC; stored transposed when transB
        if (!tb) sgemm(!ta, false, K, N, M, 1, a.data, lda, g, N, beta, gb, ldb);
        else sgemm(true, ta, N, K, M, 1, g, N, a.data, lda, beta, gb, ldb);
      }
    });
  }
  return out;
}
