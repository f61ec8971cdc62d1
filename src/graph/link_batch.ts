// LinkBatchSampler: edge sampler + negative sampler + neighbour sampler → LinkBatch (blocks.ts),
// the one object the HGNN trainer iterates over.
import type { LinkBatch } from './blocks.ts';
import { BalancedEdgeSampler, type EdgeSamplerOptions, type EpochEdges } from './edge_sampler.ts';
import type { EdgeSet } from './edge_split.ts';
import type { HeteroGraph } from './hetero_graph.ts';
import { NegativeSampler, type NegativeSamplerOptions } from './negative_sampler.ts';
import { NeighbourSampler, type NeighbourSamplerOptions } from './neighbour_sampler.ts';

export interface LinkBatchSamplerOptions {
  /** Supervision edges (batch size, balanced switch, relations, orientation). */
  edges?: Omit<EdgeSamplerOptions, 'seed'>;
  /** Fan-outs per hop (default [10, 10]). */
  neighbours?: Omit<NeighbourSamplerOptions, 'seed'>;
  /** One negative per positive; uniform over all nodes by default. */
  negatives?: Omit<NegativeSamplerOptions, 'seed'>;
  /** Master seed; the three samplers get seed, seed + 1, seed + 2. Default 1. */
  seed?: number;
}

/**
 * Example (training loop):
 *   const { train, validation } = splitValidationEdges(graph, { seed: 1 });
 *   const lbs = new LinkBatchSampler(train, { seed: 1 });
 *   for (let epoch = 0; epoch < 50; epoch++) for (const b of lbs.epoch()) step(b);
 *   for (const b of lbs.edgeSetBatches(validation, 256, 99)) evalStep(b);
 * Each yielded LinkBatch (and its blocks) is valid until the next one is requested.
 */
export class LinkBatchSampler {
  readonly graph: HeteroGraph;
  readonly edgeSampler: BalancedEdgeSampler;
  readonly negativeSampler: NegativeSampler;
  readonly neighbourSampler: NeighbourSampler;
  private seedType: Uint8Array;
  private seedId: Int32Array;
  private negType: Uint8Array;
  private negId: Int32Array;
  private readonly seed: number;

  constructor(graph: HeteroGraph, opts: LinkBatchSamplerOptions = {}) {
    this.graph = graph;
    this.seed = opts.seed ?? 1;
    this.edgeSampler = new BalancedEdgeSampler(graph, { ...opts.edges, seed: this.seed });
    this.negativeSampler = new NegativeSampler(graph, { ...opts.negatives, seed: this.seed + 1 });
    this.neighbourSampler = new NeighbourSampler(graph, { ...opts.neighbours, seed: this.seed + 2 });
    const B = this.edgeSampler.batchSize;
    this.seedType = new Uint8Array(3 * B);
    this.seedId = new Int32Array(3 * B);
    this.negType = new Uint8Array(B);
    this.negId = new Int32Array(B);
  }

  /** Batches per training epoch. */
  get numBatches(): number {
    return this.edgeSampler.numBatches;
  }

  /** Draws a fresh epoch of supervision edges and yields its batches in order. */
  *epoch(): Generator<LinkBatch> {
    const ep = this.edgeSampler.epoch();
    const B = this.edgeSampler.batchSize;
    for (let start = 0; start < ep.length; start += B) {
      yield this.batchFrom(ep, start, Math.min(B, ep.length - start));
    }
  }

  /**
   * Fixed batches over an edge set (e.g. validation edges; anchor = typeA end), with negatives
   * and neighbourhoods drawn from a stream reset to `seed`, so every call yields the same batches.
   */
  *edgeSetBatches(set: EdgeSet, batchSize: number, seed: number): Generator<LinkBatch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`LinkBatchSampler.edgeSetBatches: batchSize must be an integer >= 1, got ${batchSize}`);
    const n = set.a.length;
    const rel = this.graph.relations;
    const pairs: EpochEdges = {
      length: n, relation: set.relation, anchorId: set.a, positiveId: set.b,
      anchorType: new Uint8Array(n), positiveType: new Uint8Array(n),
    };
    for (let i = 0; i < n; i++) {
      const r = rel[set.relation[i]!]!;
      pairs.anchorType[i] = r.typeA;
      pairs.positiveType[i] = r.typeB;
    }
    const negatives = new NegativeSampler(this.graph, { mode: this.negativeSampler.mode, seed });
    this.neighbourSampler.reseed(seed + 1);
    try {
      for (let start = 0; start < n; start += batchSize) {
        yield this.batchFrom(pairs, start, Math.min(batchSize, n - start), negatives);
      }
    } finally {
      // continue the training stream from a fresh, deterministic state
      this.neighbourSampler.reseed(this.seed + 2 + seed * 7919);
    }
  }

  /** One batch for pairs[start, start + count). */
  batchFrom(pairs: EpochEdges, start: number, count: number, negatives: NegativeSampler = this.negativeSampler): LinkBatch {
    if (this.negType.length < count) {
      this.negType = new Uint8Array(count);
      this.negId = new Int32Array(count);
      this.seedType = new Uint8Array(3 * count);
      this.seedId = new Int32Array(3 * count);
    }
    const end = start + count;
    const anchorType = pairs.anchorType.subarray(start, end), anchorId = pairs.anchorId.subarray(start, end);
    const positiveType = pairs.positiveType.subarray(start, end), positiveId = pairs.positiveId.subarray(start, end);
    const negativeType = this.negType.subarray(0, count), negativeId = this.negId.subarray(0, count);
    negatives.sample(count, negativeType, negativeId, positiveType);
    // seeds: [anchors | positives | negatives]
    const st = this.seedType, si = this.seedId;
    st.set(anchorType, 0); si.set(anchorId, 0);
    st.set(positiveType, count); si.set(positiveId, count);
    st.set(negativeType, 2 * count); si.set(negativeId, 2 * count);
    const blocks = this.neighbourSampler.sample(st, si, 3 * count);
    return {
      size: count,
      relation: pairs.relation.subarray(start, end),
      anchorType, anchorId, anchorRow: blocks.seedRow.subarray(0, count),
      positiveType, positiveId, positiveRow: blocks.seedRow.subarray(count, 2 * count),
      negativeType, negativeId, negativeRow: blocks.seedRow.subarray(2 * count, 3 * count),
      blocks,
    };
  }
}
