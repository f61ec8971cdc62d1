// Validation of the link objective on held-out edges, from full-graph embeddings:
// - loss: the training hinge, max(0, z_a·z_n − z_a·z_p + Δ), with one fixed uniform negative
//   per edge (drawn from the negative pool types, like training);
// - HR@10 (link prediction): for each held-out edge (a, p) the true p is ranked among K fixed
//   random nodes of p's type (K = 100 by default) by dot product with z_a; a hit when fewer
//   than 10 of them score strictly higher. HR@10 = hits / edges. Random ranking gives ~10/(K+1).
// The negatives are drawn once (seeded), so epochs are compared on the same task.
import type { EdgeSet, HeteroGraph } from '../../graph/index.ts';
import { Rng } from '../../tensor/index.ts';

/** Fixed validation task (anchor = typeA end, positive = typeB end of each held-out edge). */
export interface ValidationTask {
  size: number;
  /** [E] each */
  anchorType: Uint8Array;
  anchorId: Int32Array;
  positiveType: Uint8Array;
  positiveId: Int32Array;
  negativeType: Uint8Array;
  negativeId: Int32Array;
  /** K ranking negatives per edge, of the positive's type: [E, K] local ids. */
  rankNegatives: Int32Array;
  K: number;
}

/** Validation metrics of one epoch. */
export interface ValidationMetrics {
  loss: number;
  hr10: number;
  edges: number;
}

/**
 * Draws the fixed validation task: at most maxEdges edges (seeded uniform subset), one hinge
 * negative each (uniform over the nodes of negTypes) and K ranking negatives each.
 */
export function makeValidationTask(graph: HeteroGraph, edges: EdgeSet,
  opts: { maxEdges: number; K: number; negTypes: readonly number[]; seed: number }): ValidationTask {
  const rng = new Rng(opts.seed);
  const n = edges.a.length;
  const pick = new Int32Array(n);
  for (let i = 0; i < n; i++) pick[i] = i;
  const E = Math.min(n, opts.maxEdges);
  for (let i = 0; i < E; i++) { // partial Fisher-Yates: uniform E-subset
    const j = i + rng.int(n - i);
    const t = pick[i]; pick[i] = pick[j]; pick[j] = t;
  }
  const poolOff = [0];
  for (const t of opts.negTypes) poolOff.push(poolOff[poolOff.length - 1] + graph.numNodes[t]);
  const poolSize = poolOff[poolOff.length - 1];
  const task: ValidationTask = {
    size: E, K: opts.K,
    anchorType: new Uint8Array(E), anchorId: new Int32Array(E), positiveType: new Uint8Array(E), positiveId: new Int32Array(E),
    negativeType: new Uint8Array(E), negativeId: new Int32Array(E), rankNegatives: new Int32Array(E * opts.K),
  };
  for (let i = 0; i < E; i++) {
    const e = pick[i];
    const rel = graph.relations[edges.relation[e]];
    task.anchorType[i] = rel.typeA; task.anchorId[i] = edges.a[e];
    task.positiveType[i] = rel.typeB; task.positiveId[i] = edges.b[e];
    if (poolSize > 0) {
      let g = rng.int(poolSize), p = 0;
      while (g >= poolOff[p + 1]) p++;
      task.negativeType[i] = opts.negTypes[p]; task.negativeId[i] = g - poolOff[p];
    }
    const nb = graph.numNodes[rel.typeB];
    for (let k = 0; k < opts.K; k++) task.rankNegatives[i * opts.K + k] = rng.int(nb);
  }
  return task;
}

/** Loss and HR@10 of embeddings z[t]: [N_t, D] (L2-normalised) on a fixed task. */
export function validationMetrics(z: readonly Float32Array[], D: number, task: ValidationTask, margin: number): ValidationMetrics {
  if (task.size === 0) return { loss: NaN, hr10: NaN, edges: 0 };
  const dot = (ta: number, a: number, tb: number, b: number): number => {
    const x = z[ta], y = z[tb];
    let s = 0;
    for (let j = 0, p = a * D, q = b * D; j < D; j++) s += x[p + j] * y[q + j];
    return s;
  };
  let loss = 0, hits = 0;
  const K = task.K;
  for (let i = 0; i < task.size; i++) {
    const ta = task.anchorType[i], a = task.anchorId[i], tp = task.positiveType[i], p = task.positiveId[i];
    const sp = dot(ta, a, tp, p);
    const sn = dot(ta, a, task.negativeType[i], task.negativeId[i]);
    loss += Math.max(0, sn - sp + margin);
    let higher = 0;
    for (let k = 0; k < K; k++) if (dot(ta, a, tp, task.rankNegatives[i * K + k]) > sp) higher++;
    if (higher < 10) hits++;
  }
  return { loss: loss / task.size, hr10: hits / task.size, edges: task.size };
}
