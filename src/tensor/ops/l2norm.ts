// Row-wise L2 normalisation (the HGNN's output embeddings).
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectFinite, expectRank } from './check.ts';

/**
 * y[n] = x[n] / max(||x[n]||, eps). x: [N, D] -> [N, D]
 * Backward: dx = (dy - y (y . dy)) / ||x|| (or dy / eps for rows shorter than eps).
 */
export function l2Normalize(tp: Tape, x: Tensor, eps = 1e-12): Tensor {
  expectRank('l2Normalize', 'x', x, 2);
  expectFinite('l2Normalize', 'eps', eps);
  if (eps <= 0) throw new RangeError(`l2Normalize: eps must be > 0, got ${eps}`);
  const [N, D] = x.shape;
  const rg = tp.needsGrad(x);
  const out = tp.alloc([N, D], rg);
  const norms = tp.pool.f32(N); // max(||x||, eps) per row, for backward
  const xd = x.data, o = out.data, epsF = Math.fround(eps);
  for (let n = 0; n < N; n++) {
    const r = n * D;
    let s = 0;
    for (let j = 0; j < D; j++) s += xd[r + j] * xd[r + j];
    const nrm = Math.max(Math.sqrt(s), eps);
    norms[n] = nrm;
    const inv = 1 / nrm;
    for (let j = 0; j < D; j++) o[r + j] = xd[r + j] * inv;
  }
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!, gx = tp.grad(x);
      for (let n = 0; n < N; n++) {
        const r = n * D, nrm = norms[n], inv = 1 / nrm;
        if (nrm <= epsF) {
          for (let j = 0; j < D; j++) gx[r + j] += g[r + j] * inv;
          continue;
        }
        let dot = 0;
        for (let j = 0; j < D; j++) dot += o[r + j] * g[r + j];
        for (let j = 0; j < D; j++) gx[r + j] += (g[r + j] - o[r + j] * dot) * inv;
      }
    });
  }
  return out;
}
