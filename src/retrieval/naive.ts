// The simplest possible exact top-K: a plain loop of dot products and a full sort. Slow on
// purpose; it is the brute-force reference the tests compare ExactTopK against and the in-run
// baseline of bench/retrieval.ts. Scores are accumulated in float64 and rounded to float32.
import type { TopKResult } from './topk.ts';

/**
 * Brute-force top-k by full sort (score descending, id ascending), skipping excluded ids.
 * vectors: [N, D], q: [D] -> ids, scores: [min(k, N - excluded)]
 * @example naiveTopK(items, 128, userVec, 10).ids
 */
export function naiveTopK(vectors: Float32Array, dim: number, q: Float32Array, k: number,
  exclude?: ReadonlySet<number>): TopKResult {
  const N = Math.floor(vectors.length / dim);
  const scores = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    const o = i * dim;
    for (let d = 0; d < dim; d++) s += vectors[o + d] * q[d];
    scores[i] = s;
  }
  const order: number[] = [];
  for (let i = 0; i < N; i++) if (!exclude?.has(i)) order.push(i);
  order.sort((a, b) => (scores[b] - scores[a]) || (a - b));
  const n = Math.min(k, order.length);
  const ids = new Int32Array(n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = order[i];
    out[i] = scores[order[i]];
  }
  return { ids, scores: out };
}
