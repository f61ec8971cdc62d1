// Micro-benchmark: row-sparse maxPoolDw vs the dense scatter + xᵀ·gt GEMM, at the HGNN
// reference workload's layer-0 shapes per relation (U unique source rows, D in, S destinations
// with `fanout` sampled sources each, H out; a (s, j) has an arg-max with probability `active`,
// the rest being ReLU-off).
//   npx tsx native/maxpool_dw_bench.ts [U D S H active]   (last stdout line: JSON)
import * as k from '../src/tensor/kernels.ts';
import { sgemm } from '../src/tensor/index.ts';
const [U, D, S, H, active] = process.argv.length > 6 ? process.argv.slice(2, 7).map(Number) : [14500, 384, 4000, 256, 0.5];
const fanout = 10;
let seed = 1; const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) | 0) >>> 0) / 4294967296;
const x = new Float32Array(U * D).map(() => rnd() - 0.5), gm = new Float32Array(S * H).map(() => rnd() - 0.5);
const am = new Int32Array(S * H);
for (let s = 0; s < S; s++) {
  const nb = Array.from({ length: fanout }, () => Math.floor(rnd() * U));
  for (let j = 0; j < H; j++) am[s * H + j] = rnd() < active ? nb[Math.floor(rnd() * fanout)] : -1;
}
const med = (f: () => void) => { const t: number[] = []; for (let r = 0; r < 7; r++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); } t.sort((a, b) => a - b); return +t[3].toFixed(2); };
const dW = new Float32Array(D * H);
const sparse1 = (k.setSparseThreads(1), med(() => k.maxPoolDw(x, D, am, gm, H, dW)));
const sparse2 = (k.setSparseThreads(2), med(() => k.maxPoolDw(x, D, am, gm, H, dW)));
const dense = med(() => { const gt = new Float32Array(U * H); for (let i = 0; i < am.length; i++) if (am[i] >= 0) gt[am[i] * H + (i % H)] += gm[i]; sgemm(true, false, D, H, U, 1, x, D, gt, H, 1, dW, H); });
const gt0 = new Float32Array(U * H); for (let i = 0; i < am.length; i++) if (am[i] >= 0) gt0[am[i] * H + (i % H)] += gm[i];
const gemmOnly = med(() => sgemm(true, false, D, H, U, 1, x, D, gt0, H, 1, dW, H));
console.log(JSON.stringify({ U, D, S, H, active, backend: k.backend(), sparse_1t_ms: sparse1, sparse_2t_ms: sparse2, dense_scatter_gemm_ms: dense, dense_gemm_only_ms: gemmOnly }));
