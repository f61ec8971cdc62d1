// Validation edges: a seeded, per-relation (stratified) hold-out of a fraction of the edges.
//
// Choice: held-out edges are removed from the training graph entirely — they are neither
// supervision edges nor message-passing neighbours during training — so the validation score
// measures predicting links the model has not seen through its neighbourhood (no leakage:
// otherwise a held-out edge (u, v) would let u aggregate v's features directly). Validation
// embeddings are computed on the training graph. The full graph stays available for producing
// the final item embeddings after training.
import { HeteroGraph } from './hetero_graph.ts';
import { GraphRng } from './rng.ts';

/** Edges of several relations, as parallel arrays (one entry per edge). */
export interface EdgeSet {
  /** relation[e]: undirected relation index. [E] */
  relation: Uint8Array;
  /** a[e]: local id of the relation's typeA end. [E] */
  a: Int32Array;
  /** b[e]: local id of the relation's typeB end. [E] */
  b: Int32Array;
}

export interface EdgeSplit {
  /** Same nodes, without the validation edges (use for sampling during training). */
  train: HeteroGraph;
  validation: EdgeSet;
}

export interface EdgeSplitOptions {
  /** Share of each relation's edges held out, in [0, 1). Default 0.1. */
  fraction?: number;
  /** Default 1. */
  seed?: number;
}

/**
 * Holds out round(fraction · E_r) uniformly drawn edges of every relation r (seeded).
 * Example: const { train, validation } = splitValidationEdges(graph, { fraction: 0.1, seed: 3 });
 */
export function splitValidationEdges(graph: HeteroGraph, opts: EdgeSplitOptions = {}): EdgeSplit {
  const fraction = opts.fraction ?? 0.1;
  if (!(fraction >= 0 && fraction < 1)) throw new Error(`splitValidationEdges: fraction must be in [0, 1), got ${fraction}`);
  const rng = new GraphRng(opts.seed ?? 1);
  const held: Uint8Array[] = [];
  let total = 0;
  for (const r of graph.relations) {
    const n = r.numEdges;
    const k = Math.round(fraction * n);
    const perm = new Int32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(n - i);
      const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t;
    }
    const mask = new Uint8Array(n);
    for (let i = 0; i < k; i++) mask[perm[i]!] = 1;
    held.push(mask);
    total += k;
  }
  const validation: EdgeSet = { relation: new Uint8Array(total), a: new Int32Array(total), b: new Int32Array(total) };
  let k = 0;
  for (const r of graph.relations) {
    const mask = held[r.index]!;
    for (let e = 0; e < r.numEdges; e++) {
      if (!mask[e]) continue;
      validation.relation[k] = r.index;
      validation.a[k] = r.a[e]!;
      validation.b[k++] = r.b[e]!;
    }
  }
  const train = graph.filterEdges((rel, e) => held[rel]![e] === 0);
  return { train, validation };
}
