// Inference: embeddings for EVERY node of a graph, layer-wise over the whole graph (each node's
// per-relation transform is computed once per layer, which is strictly less work than
// per-batch neighbourhood sampling). Neighbourhoods: by default a deterministic uniform sample
// of `fanout` neighbours per relation per layer (the distribution the max-pool saw in
// training; seeded, so the same model + graph always gives the same embeddings); fanout -1 =
// every neighbour. Nodes without edges get messages of 0, i.e. their embedding comes from
// their features alone (the inductive path new items take).
import { NeighbourSampler, type HeteroGraph } from '../../graph/index.ts';
import type { NeighbourCsr } from '../../nn/sage_conv.ts';
import { BufferPool, Tape, Tensor } from '../../tensor/index.ts';
import { relationIndex } from './batch.ts';
import type { HgnnModel } from './model.ts';

/** One type's feature matrix, rows aligned with the graph's local ids: x [N_t, dim]. */
export interface FeatureTable {
  x: Float32Array;
  dim: number;
}

/** Per-type features keyed by type name (rows = the graph's local ids of that type). */
export type HgnnFeatures = Readonly<Record<string, FeatureTable>>;

/** Options of embedAll. */
export interface EmbedOptions {
  /** Neighbours per relation per layer; -1 = all. Default 10. */
  fanout?: number;
  /** Seed of the neighbour sample (ignored for fanout -1). Default 12345. */
  seed?: number;
  /** Scratch pool to reuse across calls (trainer / server); a fresh one otherwise. */
  pool?: BufferPool;
}

/** Feature tables as constant tensors in the model's type order (validated against counts). */
export function featureTensors(model: HgnnModel, features: HgnnFeatures, counts: readonly number[], fn = 'hgnn'): Tensor[] {
  return model.arch.types.map((t, i) => {
    const f = features[t];
    const d = model.arch.inDims[i];
    if (!f) throw new Error(`${fn}: features['${t}'] missing (have ${JSON.stringify(Object.keys(features))})`);
    if (f.dim !== d) throw new Error(`${fn}: features['${t}'].dim must be ${d} (the model's input dim), got ${f.dim}`);
    if (f.x.length !== counts[i] * d) {
      throw new Error(`${fn}: features['${t}'].x must hold ${counts[i]} rows x ${d} = ${counts[i] * d} values, got ${f.x.length}`);
    }
    return new Tensor(f.x, [counts[i], d], { name: `features.${t}` });
  });
}

/**
 * Embeddings of every node of `graph`, per type in the model's type order: out[t] is
 * [numNodes[t], out] (L2-normalised), row i = local id i. Deterministic for fixed options.
 * @example const z = embedAll(model, graph, features); // z[0]: audiobooks [N_a * 128]
 */
export function embedAll(model: HgnnModel, graph: HeteroGraph, features: HgnnFeatures, opts: EmbedOptions = {}): Float32Array[] {
  const fanout = opts.fanout ?? 10, seed = opts.seed ?? 12345;
  if (!Number.isInteger(fanout) || (fanout < 1 && fanout !== -1)) throw new RangeError(`embedAll: fanout must be an integer >= 1 or -1 (all), got ${fanout}`);
  const gi = relationIndex(model.arch, graph);
  const T = model.arch.types.length, L = model.arch.layers;
  const feats = featureTensors(model, features, graph.numNodes, 'embedAll');
  const all = graph.numNodes.map((n) => iota(n));
  const csr: (NeighbourCsr | null)[][] = [];
  let sampler: NeighbourSampler | null = null;
  let seedType: Uint8Array | null = null, seedId: Int32Array | null = null;
  if (fanout !== -1) {
    sampler = new NeighbourSampler(graph, { fanouts: [fanout], seed });
    seedType = new Uint8Array(graph.totalNodes);
    seedId = new Int32Array(graph.totalNodes);
    for (let t = 0; t < T; t++) {
      seedType.fill(t, graph.typeOffset[t], graph.typeOffset[t + 1]);
      seedId.set(all[t], graph.typeOffset[t]);
    }
  }
  for (let l = 0; l < L; l++) {
    if (!sampler) {
      csr.push(Array.from(gi, (g) => (g < 0 ? null : { indptr: graph.directed[g].indptr, indices: graph.directed[g].indices })));
      continue;
    }
    sampler.reseed(seed + 7919 * l);
    const sb = sampler.sample(seedType!, seedId!);
    // seeds are every node in order, so positions = local ids; copy: views die on the next call
    csr.push(Array.from(gi, (g) => (g < 0 ? null : { indptr: sb.blocks[0].rel[g].indptr.slice(), indices: sb.blocks[0].rel[g].indices.slice() })));
  }
  const tp = new Tape(opts.pool ?? new BufferPool(), { grad: false });
  try {
    const nodes = Array.from({ length: L + 1 }, () => all);
    const z = model.forward(tp, feats, nodes, csr); // [N, out]
    const D = model.arch.out;
    return graph.numNodes.map((n, t) => z.data.slice(graph.typeOffset[t] * D, (graph.typeOffset[t] + n) * D));
  } finally {
    tp.reset();
  }
}

/**
 * Embeddings of items that are not in any graph (new items at serving time): features alone.
 * x: [n, D_type] -> [n, out] (L2-normalised)
 * @example const z = embedFeaturesOnly(model, 'audiobook', xNew, 3);
 */
export function embedFeaturesOnly(model: HgnnModel, type: string, x: Float32Array, n: number, pool?: BufferPool): Float32Array {
  const t = model.arch.types.indexOf(type);
  if (t < 0) throw new Error(`embedFeaturesOnly: type expected one of ${JSON.stringify(model.arch.types)}, got '${type}'`);
  const counts = model.arch.types.map((_, i) => (i === t ? n : 0));
  const feats = model.arch.types.map((ty, i) => (i === t ? { x, dim: model.arch.inDims[i] } : { x: new Float32Array(0), dim: model.arch.inDims[i] }));
  const byName = Object.fromEntries(model.arch.types.map((ty, i) => [ty, feats[i]]));
  const tables = featureTensors(model, byName, counts, 'embedFeaturesOnly');
  const nodes = counts.map((c) => iota(c));
  const L = model.arch.layers;
  const tp = new Tape(pool ?? new BufferPool(), { grad: false });
  try {
    const z = model.forward(tp, tables, Array.from({ length: L + 1 }, () => nodes),
      Array.from({ length: L }, () => model.arch.relations.map(() => null)));
    return z.data.slice();
  } finally {
    tp.reset();
  }
}

function iota(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
