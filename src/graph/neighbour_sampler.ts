// Per-relation uniform neighbour sampler → index-only blocks (format: blocks.ts).
// Hot path: typed arrays only, scratch buffers reused across calls, no per-node objects.
import type { Block, BlockRelation, SampledBlocks } from './blocks.ts';
import type { HeteroGraph } from './hetero_graph.ts';
import { GraphRng } from './rng.ts';

export interface NeighbourSamplerOptions {
  /**
   * Fan-out per hop, from the seeds outwards (fanouts[0] = neighbours of the seeds, used by the
   * LAST conv layer); its length is the number of layers L. -1 = all neighbours. Default [10, 10].
   */
  fanouts?: readonly number[];
  /** Per directed relation ('podcast->audiobook') overrides of fanouts, same layout. */
  relationFanouts?: Readonly<Record<string, readonly number[]>>;
  /** Default 1. */
  seed?: number;
}

/** Validated, immutable sampler settings. */
export interface NeighbourSamplerConfig {
  readonly fanouts: readonly number[];
  /** fanout[r][hop] per directed relation. */
  readonly perRelation: readonly (readonly number[])[];
  readonly seed: number;
}

/**
 * Samples L-layer blocks around seed nodes. Example:
 *   const ns = new NeighbourSampler(graph, { fanouts: [10, 10], seed: 7 });
 *   const sb = ns.sample(seedType, seedId, count); // sb.blocks[0] is the first conv layer
 */
export class NeighbourSampler {
  readonly graph: HeteroGraph;
  readonly config: NeighbourSamplerConfig;
  private readonly rng: GraphRng;
  private readonly T: number;
  private readonly R: number;
  private readonly L: number;
  // mark[t][2·node] === curStamp ⇔ node is in the node set being built; mark[t][2·node + 1] =
  // its row (interleaved: one cache line per lookup)
  private readonly mark: Int32Array[];
  private readonly rngState = new Int32Array(4);
  private curStamp = 0;
  // nodeBuf[l][t]: capacity numNodes[t]; nodeLen[l * T + t]: used length
  private readonly nodeBuf: Int32Array[][];
  private readonly nodeLen: Int32Array;
  // per (layer, relation): indptr (capacity numNodes[dst] + 1) and growable indices
  private readonly indptrBuf: Int32Array[][];
  private readonly indicesBuf: Int32Array[][];
  private seedRowBuf = new Int32Array(1024);
  private readonly chosen: Int32Array;
  private readonly loBuf: Int32Array;
  private readonly degBuf: Int32Array;

  constructor(graph: HeteroGraph, opts: NeighbourSamplerOptions = {}) {
    this.graph = graph;
    this.config = neighbourSamplerConfig(graph, opts);
    this.rng = new GraphRng(this.config.seed);
    this.T = graph.nodeTypes.length;
    this.R = graph.directed.length;
    this.L = this.config.fanouts.length;
    this.mark = graph.numNodes.map((n) => new Int32Array(2 * n));
    this.nodeBuf = [];
    this.indptrBuf = [];
    this.indicesBuf = [];
    for (let l = 0; l <= this.L; l++) {
      this.nodeBuf.push(graph.numNodes.map((n) => new Int32Array(n)));
      if (l < this.L) {
        this.indptrBuf.push(graph.directed.map((d) => new Int32Array(graph.numNodes[d.dstType]! + 1)));
        this.indicesBuf.push(graph.directed.map(() => new Int32Array(4096)));
      }
    }
    this.nodeLen = new Int32Array((this.L + 1) * this.T);
    let maxFan = 1;
    for (const f of this.config.perRelation) for (const k of f) maxFan = Math.max(maxFan, k);
    this.chosen = new Int32Array(maxFan);
    const maxNodes = Math.max(1, ...graph.numNodes);
    this.loBuf = new Int32Array(maxNodes);
    this.degBuf = new Int32Array(maxNodes);
  }

  /** Restarts the random stream (e.g. for reproducible validation passes). */
  reseed(seed: number): void {
    this.rng.reseed(seed);
  }

  /**
   * Blocks for `count` seeds (seedType[i], seedId[i] local id); duplicates allowed (they share
   * an output row). Returned arrays are views valid until the next call.
   * seedType: [count] seedId: [count] → SampledBlocks (see blocks.ts)
   */
  sample(seedType: Uint8Array, seedId: Int32Array, count: number = seedId.length): SampledBlocks {
    const { T, L, graph } = this;
    if (seedType.length < count || seedId.length < count) {
      throw new Error(`NeighbourSampler.sample: seedType/seedId shorter (${seedType.length}/${seedId.length}) than count ${count}`);
    }
    if (this.seedRowBuf.length < count) this.seedRowBuf = new Int32Array(count * 2);
    const seedRow = this.seedRowBuf;
    // output node set nodes[L]
    const st = this.nextStamp();
    for (let t = 0; t < T; t++) this.nodeLen[L * T + t] = 0;
    for (let i = 0; i < count; i++) {
      const t = seedType[i]!;
      const v = seedId[i]!;
      if (t >= T || v < 0 || v >= graph.numNodes[t]!) {
        throw new Error(`NeighbourSampler.sample: seed ${i} = (type ${t}, id ${v}) is not a node (types ${T}, counts ${JSON.stringify(graph.numNodes)})`);
      }
      const mark = this.mark[t]!;
      if (mark[2 * v] !== st) {
        mark[2 * v] = st;
        const k = this.nodeLen[L * T + t]!;
        mark[2 * v + 1] = k;
        this.nodeBuf[L]![t]![k] = v;
        this.nodeLen[L * T + t] = k + 1;
      }
      seedRow[i] = mark[2 * v + 1]!;
    }
    // layers outwards: build nodes[l] and block l from nodes[l+1]
    for (let l = L - 1; l >= 0; l--) this.expand(l, L - 1 - l);
    return this.views(count);
  }

  private nextStamp(): number {
    if (this.curStamp === 0x7fffffff) {
      for (const m of this.mark) m.fill(0);
      this.curStamp = 0;
    }
    return ++this.curStamp;
  }

  private expand(l: number, hop: number): void {
    const { T, R, graph, rng, chosen } = this;
    const st = this.nextStamp();
    rng.getState(this.rngState);
    let s0 = this.rngState[0]!, s1 = this.rngState[1]!, s2 = this.rngState[2]!, s3 = this.rngState[3]!;
    const dstBufs = this.nodeBuf[l + 1]!, srcBufs = this.nodeBuf[l]!;
    const nodeLen = this.nodeLen;
    // prefix rule: src set starts as a copy of the dst set
    for (let t = 0; t < T; t++) {
      const n = nodeLen[(l + 1) * T + t]!;
      const dst = dstBufs[t]!, src = srcBufs[t]!, mark = this.mark[t]!;
      for (let i = 0; i < n; i++) {
        const v = dst[i]!;
        src[i] = v;
        mark[2 * v] = st;
        mark[2 * v + 1] = i;
      }
      nodeLen[l * T + t] = n;
    }
    for (let r = 0; r < R; r++) {
      const rel = graph.directed[r]!;
      const s = rel.srcType, d = rel.dstType;
      const fan = this.config.perRelation[r]![hop]!;
      const nDst = nodeLen[(l + 1) * T + d]!;
      const dstNodes = dstBufs[d]!;
      const rowPtr = rel.indptr, nbrs = rel.indices;
      const indptr = this.indptrBuf[l]![r]!;
      // capacity for the worst case of this relation
      let need = 0;
      if (fan < 0 || nbrs.length === 0) {
        for (let i = 0; i < nDst; i++) { const v = dstNodes[i]!; need += rowPtr[v + 1]! - rowPtr[v]!; }
      } else need = nDst * fan;
      let indices = this.indicesBuf[l]![r]!;
      if (indices.length < need) {
        indices = new Int32Array(Math.max(need, indices.length * 2));
        this.indicesBuf[l]![r] = indices;
      }
      // phase 1: sampled neighbour ids (independent loads, so cache misses overlap)
      // row bounds first (independent loads), then sample
      const loBuf = this.loBuf, degBuf = this.degBuf;
      for (let i = 0; i < nDst; i++) {
        const v = dstNodes[i]!;
        const lo = rowPtr[v]!;
        loBuf[i] = lo;
        degBuf[i] = rowPtr[v + 1]! - lo;
      }
      let k = 0;
      indptr[0] = 0;
      for (let i = 0; i < nDst; i++) {
        const lo = loBuf[i]!, deg = degBuf[i]!;
        if (fan < 0 || deg <= fan) {
          for (let j = 0; j < deg; j++) indices[k++] = nbrs[lo + j]!;
        } else {
          // Floyd's algorithm: fan distinct offsets in [0, deg); xoshiro128** inlined on locals
          let c = 0;
          for (let j = deg - fan; j < deg; j++) {
            const m5 = Math.imul(s1, 5);
            const r32 = Math.imul((m5 << 7) | (m5 >>> 25), 9) >>> 0;
            const t9 = s1 << 9, n2 = s2 ^ s0, n3 = s3 ^ s1;
            s1 ^= n2; s0 ^= n3; s2 = n2 ^ t9; s3 = (n3 << 11) | (n3 >>> 21);
            let x = Math.floor((r32 * (j + 1)) / 4294967296);
            for (let q = 0; q < c; q++) if (chosen[q] === x) { x = j; break; }
            chosen[c++] = x;
            indices[k++] = nbrs[lo + x]!;
          }
        }
        indptr[i + 1] = k;
      }
      // phase 2: ids → rows of the src node set (dedupe via marks; cache-resident)
      const srcNodes = srcBufs[s]!, mark = this.mark[s]!;
      let srcLen = nodeLen[l * T + s]!;
      for (let e = 0; e < k; e++) {
        const u = indices[e]!;
        if (mark[2 * u] !== st) { mark[2 * u] = st; mark[2 * u + 1] = srcLen; srcNodes[srcLen++] = u; }
        indices[e] = mark[2 * u + 1]!;
      }
      nodeLen[l * T + s] = srcLen;
    }
    this.rngState[0] = s0; this.rngState[1] = s1; this.rngState[2] = s2; this.rngState[3] = s3;
    rng.setState(this.rngState);
  }

  private views(count: number): SampledBlocks {
    const { T, R, L } = this;
    const nodes: Int32Array[][] = [];
    for (let l = 0; l <= L; l++) {
      const row: Int32Array[] = [];
      for (let t = 0; t < T; t++) row.push(this.nodeBuf[l]![t]!.subarray(0, this.nodeLen[l * T + t]!));
      nodes.push(row);
    }
    const blocks: Block[] = [];
    for (let l = 0; l < L; l++) {
      const numSrc = new Int32Array(T), numDst = new Int32Array(T);
      for (let t = 0; t < T; t++) { numSrc[t] = this.nodeLen[l * T + t]!; numDst[t] = this.nodeLen[(l + 1) * T + t]!; }
      const rel: BlockRelation[] = [];
      for (let r = 0; r < R; r++) {
        const nd = numDst[this.graph.directed[r]!.dstType]!;
        const indptr = this.indptrBuf[l]![r]!.subarray(0, nd + 1);
        if (nd === 0) indptr[0] = 0;
        rel.push({ indptr, indices: this.indicesBuf[l]![r]!.subarray(0, indptr[nd]!) });
      }
      blocks.push({ numSrc, numDst, rel });
    }
    const outputOffset = new Int32Array(T + 1);
    for (let t = 0; t < T; t++) outputOffset[t + 1] = outputOffset[t]! + this.nodeLen[L * T + t]!;
    return { numLayers: L, nodes, blocks, seedRow: this.seedRowBuf.subarray(0, count), outputOffset };
  }
}

/** Validates sampler options against a graph (throws naming the bad value). */
export function neighbourSamplerConfig(graph: HeteroGraph, opts: NeighbourSamplerOptions): NeighbourSamplerConfig {
  const fanouts = [...(opts.fanouts ?? [10, 10])];
  if (fanouts.length === 0) throw new Error('NeighbourSampler: fanouts must list at least one layer');
  const check = (where: string, f: readonly number[]): void => {
    if (f.length !== fanouts.length) throw new Error(`NeighbourSampler: ${where} must have ${fanouts.length} entries (one per layer), got ${f.length}`);
    for (const k of f) if (!Number.isInteger(k) || (k < 0 && k !== -1)) throw new Error(`NeighbourSampler: ${where} entries must be integers >= 0 or -1 (all), got ${k}`);
  };
  check('fanouts', fanouts);
  const perRelation = graph.directed.map((d) => fanouts);
  for (const [name, f] of Object.entries(opts.relationFanouts ?? {})) {
    const r = graph.directedIndex(name);
    check(`relationFanouts['${name}']`, f);
    perRelation[r] = [...f];
  }
  const seed = opts.seed ?? 1;
  if (!Number.isFinite(seed)) throw new Error(`NeighbourSampler: seed must be a finite number, got ${seed}`);
  return Object.freeze({ fanouts: Object.freeze(fanouts), perRelation: Object.freeze(perRelation.map((f) => Object.freeze([...f]))), seed });
}
