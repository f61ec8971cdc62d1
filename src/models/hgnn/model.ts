// The HGNN: optional per-type input projection, L HeteroConv layers (ReLU between, none after
// the last), row-wise L2 normalisation of the output (SPEC §2).
import { HeteroConv, type HeteroRelation } from '../../nn/hetero_conv.ts';
import { Linear } from '../../nn/linear.ts';
import type { NeighbourCsr, SourceRows } from '../../nn/sage_conv.ts';
import { ParamStore, Rng, Tape, Tensor, concat, gather, l2Normalize, relu } from '../../tensor/index.ts';

/** Architecture of an HGNN (what a saved model must carry to be rebuilt). */
export interface HgnnArch {
  /** Node types, in the graph's (sorted) order. */
  types: string[];
  /** Input feature dimension per type. */
  inDims: number[];
  /** Directed relations with a message function (name 'src->dst', type indices). */
  relations: HeteroRelation[];
  /** Hidden width of every layer but the last (default 256). */
  hidden: number;
  /** Output (embedding) width (default 128). */
  out: number;
  /** Number of conv layers (default 2). */
  layers: number;
  /** Width of the per-type input projection; 0 = none (all inDims equal). */
  projDim: number;
}

/** Builds the architecture for a set of types / dims / relations with the spec's defaults. */
export function hgnnArch(types: readonly string[], inDims: readonly number[], relations: readonly HeteroRelation[],
  opts: { hidden?: number; out?: number; layers?: number; projDim?: number } = {}): HgnnArch {
  if (types.length === 0 || types.length !== inDims.length) {
    throw new RangeError(`hgnnArch: types and inDims must be non-empty and of equal length, got ${types.length} and ${inDims.length}`);
  }
  inDims.forEach((d, t) => {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`hgnnArch: inDims[${t}] (${types[t]}) must be an integer >= 1, got ${d}`);
  });
  const hidden = opts.hidden ?? 256, out = opts.out ?? 128, layers = opts.layers ?? 2;
  for (const [k, v] of [['hidden', hidden], ['out', out], ['layers', layers]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`hgnnArch: ${k} must be an integer >= 1, got ${v}`);
  }
  const same = inDims.every((d) => d === inDims[0]);
  const projDim = opts.projDim ?? (same ? 0 : hidden);
  if (!Number.isInteger(projDim) || projDim < 0) throw new RangeError(`hgnnArch: projDim must be an integer >= 0, got ${projDim}`);
  if (projDim === 0 && !same) throw new RangeError(`hgnnArch: feature dims differ (${inDims.join(', ')}), projDim must be >= 1`);
  return { types: [...types], inDims: [...inDims], relations: relations.map((r) => ({ ...r })), hidden, out, layers, projDim };
}

/**
 * Heterogeneous GraphSAGE (max-pool) producing L2-normalised embeddings.
 * @example const m = new HgnnModel(arch, 7); const z = m.forward(tp, feats, layerInputs); // [N, out]
 */
export class HgnnModel {
  readonly params: ParamStore;
  readonly proj: (Linear | null)[];
  readonly convs: HeteroConv[];

  constructor(readonly arch: HgnnArch, seed: number) {
    this.params = new ParamStore(new Rng(seed));
    const { types, inDims, projDim, hidden, out, layers, relations } = arch;
    this.proj = types.map((t, i) => (projDim > 0 ? new Linear(this.params, `proj.${t}`, inDims[i], projDim) : null));
    const d0 = projDim > 0 ? projDim : inDims[0];
    this.convs = [];
    for (let l = 0; l < layers; l++) {
      const din = l === 0 ? d0 : hidden, dout = l === layers - 1 ? out : hidden;
      this.convs.push(new HeteroConv(this.params, `conv${l}`, types, relations, din, dout));
    }
  }

  /**
   * Forward over L layers of index-only blocks.
   * feats[t]: full feature table of type t [N_t, D_t] (no grad);
   * nodes[l][t]: [P_l,t] local ids of the source positions of layer l (nodes[L] = outputs);
   * csr[l][r]: neighbours of model relation r in layer l (null = none)
   * -> [Σ_t |nodes[L][t]|, out] L2-normalised, rows grouped by type in type order.
   */
  forward(tp: Tape, feats: readonly Tensor[], nodes: readonly (readonly Int32Array[])[],
    csr: readonly (readonly (NeighbourCsr | null)[])[]): Tensor {
    const { types, layers } = this.arch;
    const T = types.length;
    if (feats.length !== T) throw new RangeError(`HgnnModel.forward: feats must have one table per type (${T}), got ${feats.length}`);
    if (nodes.length !== layers + 1 || csr.length !== layers) {
      throw new RangeError(`HgnnModel.forward: expected ${layers + 1} node sets and ${layers} blocks, got ${nodes.length} and ${csr.length}`);
    }
    // layer-0 sources: straight from the feature tables (position -> local id), or projected rows
    let src: SourceRows[] = feats.map((f, t) => {
      if (f.shape[1] !== this.arch.inDims[t]) {
        throw new RangeError(`HgnnModel.forward: feats[${t}] (${types[t]}) must be [N, ${this.arch.inDims[t]}], got [${f.shape.join(', ')}]`);
      }
      const p = this.proj[t];
      return p ? { table: p.forward(tp, gather(tp, f, nodes[0][t])) } : { table: f, rows: nodes[0][t] };
    });
    let h: Tensor[] = [];
    for (let l = 0; l < layers; l++) {
      const numDst = nodes[l + 1].map((n) => n.length);
      h = this.convs[l].forward(tp, src, numDst, csr[l]);
      if (l < layers - 1) {
        h = h.map((x) => relu(tp, x));
        src = h.map((x) => ({ table: x }));
      }
    }
    const z = T === 1 ? h[0] : concat(tp, h, 0); // [Nout, out]
    return l2Normalize(tp, z);
  }

  /** Number of scalar parameters. */
  get numParams(): number {
    return this.params.size;
  }
}
