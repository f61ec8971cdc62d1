// Negative sampler: uniform over all nodes of the graph (default), or over a subset of types,
// or per positive with the positive's type. Seeded; writes into caller buffers.
import type { HeteroGraph } from './hetero_graph.ts';
import { GraphRng } from './rng.ts';

export interface NegativeSamplerOptions {
  /**
   * 'uniform' (default): every node of the listed types (default all) equally likely.
   * 'matchPositive': uniform over the nodes of the positive's type.
   */
  mode?: 'uniform' | 'matchPositive';
  /** Types to draw from in 'uniform' mode (default all graph types). */
  types?: readonly string[];
  /** Default 1. */
  seed?: number;
}

/** Example: new NegativeSampler(g, { seed: 2 }).sample(256, outType, outId) */
export class NegativeSampler {
  readonly graph: HeteroGraph;
  readonly mode: 'uniform' | 'matchPositive';
  private readonly rng: GraphRng;
  private readonly poolTypes: Int32Array;
  private readonly poolOffset: Float64Array; // [P + 1] cumulative counts of the pool types
  private readonly poolSize: number;

  constructor(graph: HeteroGraph, opts: NegativeSamplerOptions = {}) {
    this.graph = graph;
    this.mode = opts.mode ?? 'uniform';
    if (this.mode !== 'uniform' && this.mode !== 'matchPositive') {
      throw new Error(`NegativeSampler: mode must be 'uniform' or 'matchPositive', got '${String(this.mode)}'`);
    }
    const types = (opts.types ?? graph.nodeTypes).map((t) => graph.typeIndex(t));
    this.poolTypes = Int32Array.from([...new Set(types)].sort((x, y) => x - y));
    this.poolOffset = new Float64Array(this.poolTypes.length + 1);
    for (let i = 0; i < this.poolTypes.length; i++) this.poolOffset[i + 1] = this.poolOffset[i]! + graph.numNodes[this.poolTypes[i]!]!;
    this.poolSize = this.poolOffset[this.poolTypes.length]!;
    if (this.poolSize === 0) throw new Error(`NegativeSampler: no nodes of types ${JSON.stringify(opts.types ?? graph.nodeTypes)}`);
    this.rng = new GraphRng(opts.seed ?? 1);
  }

  /**
   * Fills outType[0..count), outId[0..count) with negatives. In 'matchPositive' mode
   * positiveType[i] gives the type of negative i.
   */
  sample(count: number, outType: Uint8Array, outId: Int32Array, positiveType?: Uint8Array): void {
    const { rng, graph } = this;
    if (this.mode === 'matchPositive') {
      if (!positiveType || positiveType.length < count) throw new Error(`NegativeSampler.sample: 'matchPositive' needs positiveType of length >= ${count}`);
      for (let i = 0; i < count; i++) {
        const t = positiveType[i]!;
        outType[i] = t;
        outId[i] = rng.int(graph.numNodes[t]!);
      }
      return;
    }
    const P = this.poolTypes.length;
    for (let i = 0; i < count; i++) {
      let g = rng.int(this.poolSize);
      let p = 0;
      while (p < P - 1 && g >= this.poolOffset[p + 1]!) p++;
      g -= this.poolOffset[p]!;
      outType[i] = this.poolTypes[p]!;
      outId[i] = g;
    }
  }
}
