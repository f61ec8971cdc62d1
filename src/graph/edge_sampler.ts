// Balanced multi-link edge sampler (SPEC §3): picks the supervision edges of each epoch.
// Balanced: N = edge count of the rarest active relation (relations with 0 edges are skipped);
// each epoch takes all N edges of that relation and N edges drawn uniformly WITHOUT replacement
// from every other active relation, re-drawn every epoch; everything is shuffled into batches.
// Unbalanced (ablation): every edge of every active relation, shuffled.
import type { HeteroGraph } from './hetero_graph.ts';
import { GraphRng } from './rng.ts';

export interface EdgeSamplerOptions {
  /** Positive pairs per batch. Default 256. */
  batchSize?: number;
  /** Balanced multi-link sampling (default true); false = all edges every epoch. */
  balanced?: boolean;
  /** Undirected relations used for supervision (default all), e.g. ['audiobook-audiobook']. */
  relations?: readonly string[];
  /**
   * Randomly orient each positive pair (anchor = either end, p = 0.5). Default true, so both
   * types act as anchors of the asymmetric max-margin loss. false: anchor = typeA end.
   */
  randomOrientation?: boolean;
  /** Default 1. */
  seed?: number;
}

/** Supervision edges of one epoch, in batch order (views, valid until the next epoch()). */
export interface EpochEdges {
  length: number;
  /** relation[i]: undirected relation index. [M] */
  relation: Uint8Array;
  /** anchor: [M] type + local id; positive: [M] type + local id. */
  anchorType: Uint8Array;
  anchorId: Int32Array;
  positiveType: Uint8Array;
  positiveId: Int32Array;
}

/**
 * Example:
 *   const es = new BalancedEdgeSampler(train, { batchSize: 256, seed: 1 });
 *   const ep = es.epoch(); // ep.length = es.edgesPerEpoch; batch k = [k*256, (k+1)*256)
 */
export class BalancedEdgeSampler {
  readonly graph: HeteroGraph;
  readonly batchSize: number;
  readonly balanced: boolean;
  readonly randomOrientation: boolean;
  /** Undirected relation indices used (non-empty ones only). */
  readonly active: readonly number[];
  /** Edges drawn per active relation per epoch. */
  readonly perRelation: readonly number[];
  readonly edgesPerEpoch: number;
  private readonly rng: GraphRng;
  // perm[k]: a persistent permutation of relation active[k]'s edge ids; a partial
  // Fisher–Yates over its first N entries is a uniform N-subset whatever its current order
  private readonly perm: Int32Array[];
  private readonly order: Int32Array;
  private readonly buf: EpochEdges;
  private readonly rawRel: Uint8Array;
  private readonly rawEdge: Int32Array;

  constructor(graph: HeteroGraph, opts: EdgeSamplerOptions = {}) {
    this.graph = graph;
    this.batchSize = opts.batchSize ?? 256;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new Error(`BalancedEdgeSampler: batchSize must be an integer >= 1, got ${opts.batchSize}`);
    }
    this.balanced = opts.balanced ?? true;
    this.randomOrientation = opts.randomOrientation ?? true;
    const wanted = opts.relations ? opts.relations.map((n) => graph.relationIndex(n)) : graph.relations.map((r) => r.index);
    this.active = [...new Set(wanted)].sort((x, y) => x - y).filter((r) => graph.relations[r]!.numEdges > 0);
    if (this.active.length === 0) {
      throw new Error(`BalancedEdgeSampler: no edges in relations ${JSON.stringify(wanted.map((r) => graph.relations[r]!.name))}`);
    }
    const counts = this.active.map((r) => graph.relations[r]!.numEdges);
    const n = Math.min(...counts);
    this.perRelation = this.balanced ? counts.map(() => n) : counts;
    this.edgesPerEpoch = this.perRelation.reduce((s, x) => s + x, 0);
    this.rng = new GraphRng(opts.seed ?? 1);
    this.perm = counts.map((c) => {
      const p = new Int32Array(c);
      for (let i = 0; i < c; i++) p[i] = i;
      return p;
    });
    const M = this.edgesPerEpoch;
    this.order = new Int32Array(M);
    this.rawRel = new Uint8Array(M);
    this.rawEdge = new Int32Array(M);
    this.buf = {
      length: M, relation: new Uint8Array(M), anchorType: new Uint8Array(M), anchorId: new Int32Array(M),
      positiveType: new Uint8Array(M), positiveId: new Int32Array(M),
    };
  }

  /** Batches per epoch (the last one may be smaller). */
  get numBatches(): number {
    return Math.ceil(this.edgesPerEpoch / this.batchSize);
  }

  /** Draws and shuffles the next epoch's supervision edges. */
  epoch(): EpochEdges {
    const { rng, graph } = this;
    let m = 0;
    for (let k = 0; k < this.active.length; k++) {
      const r = this.active[k]!;
      const perm = this.perm[k]!;
      const take = this.perRelation[k]!;
      if (take < perm.length) {
        for (let i = 0; i < take; i++) {
          const j = i + rng.int(perm.length - i);
          const t = perm[i]!; perm[i] = perm[j]!; perm[j] = t;
        }
      }
      for (let i = 0; i < take; i++) { this.rawRel[m] = r; this.rawEdge[m++] = perm[i]!; }
    }
    const order = this.order;
    for (let i = 0; i < m; i++) order[i] = i;
    rng.shuffle(order, m);
    const out = this.buf;
    for (let i = 0; i < m; i++) {
      const o = order[i]!;
      const rel = graph.relations[this.rawRel[o]!]!;
      const e = this.rawEdge[o]!;
      const flip = this.randomOrientation && (rng.nextU32() & 1) === 1;
      out.relation[i] = rel.index;
      if (flip) {
        out.anchorType[i] = rel.typeB; out.anchorId[i] = rel.b[e]!;
        out.positiveType[i] = rel.typeA; out.positiveId[i] = rel.a[e]!;
      } else {
        out.anchorType[i] = rel.typeA; out.anchorId[i] = rel.a[e]!;
        out.positiveType[i] = rel.typeB; out.positiveId[i] = rel.b[e]!;
      }
    }
    return out;
  }
}
