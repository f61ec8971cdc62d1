// Inference: embeddings for EVERY node of a graph, layer-wise over the whole graph (each node's
// per-relation transform is computed once per layer, which is strictly less work than
// per-batch neighbourhood sampling); destinations are aggregated in batches of rows. Neighbourhoods: by default a deterministic uniform sample
// of `fanout` neighbours per relation per layer (the distribution the max-pool saw in
// training; seeded, so the same model + graph always gives the same embeddings); fanout -1 =
// every neighbour. Nodes without edges get messages of 0, i.e. their embedding comes from
// their features alone (the inductive path new items take).
import { NeighbourSampler, type HeteroGraph } from '../../graph/index.ts';
import type { NeighbourCsr } from '../../nn/sage_conv.ts';
import { BufferPool, Tape, Tensor, kernels, sgemm } from '../../tensor/index.ts';
import { arenaBytes, wasmArena, type WasmArena } from '../../nn/segment_max_wasm.ts';
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
  /** Scratch pool to reuse across calls (trainer / server); a fresh one otherwise. It is
   * releaseAll()-ed at the end, so it must hold no live buffers (e.g. reset the tape first). */
  pool?: BufferPool;
  /** Destination rows aggregated per batch (bounds the message scratch). Default 16384. */
  batchRows?: number;
  /** Use the WebAssembly SIMD max-pool kernels when available (default true); false = addon only. */
  wasm?: boolean;
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
  const batchRows = opts.batchRows ?? 16384;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`embedAll: batchRows must be an integer >= 1, got ${batchRows}`);
  const arena = wasmArena();
  if (arena && opts.wasm !== false && model.arch.hidden % 4 === 0 && model.arch.out % 4 === 0) {
    return layerwiseWasm(model, arena, feats.map((f) => f.data), graph.numNodes, csr, opts.pool ?? new BufferPool());
  }
  return layerwise(model, feats.map((f) => f.data), graph.numNodes, csr, opts.pool ?? new BufferPool(), batchRows);
}

/**
 * Same maths as HgnnModel.forward over blocks whose node sets are every node (so positions =
 * local ids), computed layer by layer straight on the kernels with bounded scratch: per layer
 * one output buffer per type, ONE transform buffer [N_max, H] and one message buffer reused by
 * every relation, in-place bias / ReLU / accumulation (the tape path would keep ~8 full-size
 * intermediates per relation alive). infer.test.ts checks it against HgnnModel.forward.
 */
function layerwise(model: HgnnModel, feats: Float32Array[], counts: readonly number[], csr: (NeighbourCsr | null)[][],
  pool: BufferPool, batchRows: number): Float32Array[] {
  const { arch } = model;
  const T = arch.types.length;
  const P = (name: string): Float32Array => model.params.get(name).data;
  const maxN = Math.max(1, ...counts);
  const widest = Math.max(arch.hidden, arch.out);
  try {
    const chunk = Math.min(maxN, batchRows);
    const scratch = pool.f32(maxN * widest), msg = pool.f32(chunk * widest), argmax = pool.i32(chunk * widest);
    const ipChunk = pool.i32(chunk + 1);
    // layer-0 input: the features, or their per-type projection
    let h: Float32Array[] = feats;
    let D = arch.projDim > 0 ? arch.projDim : arch.inDims[0];
    if (arch.projDim > 0) {
      h = arch.types.map((ty, t) => affine(pool.f32(counts[t] * D), feats[t], counts[t], arch.inDims[t], D, P(`proj.${ty}.W`), P(`proj.${ty}.b`)));
    }
    for (let l = 0; l < arch.layers; l++) {
      const H = l === arch.layers - 1 ? arch.out : arch.hidden;
      const next = arch.types.map((ty, t) => affine(pool.f32(counts[t] * H), h[t], counts[t], D, H, P(`conv${l}.self.${ty}.W`), P(`conv${l}.self.${ty}.b`)));
      arch.relations.forEach((r, k) => {
        const c = csr[l][k];
        if (!c || c.indices.length === 0) return;
        const ns = counts[r.srcType], nd = counts[r.dstType];
        // max-pool message as in max_pool_message.ts: bare GEMM per source row, max, then bias + ReLU
        const t = scratch.subarray(0, ns * H);
        sgemm(false, false, ns, H, D, 1, h[r.srcType], D, P(`conv${l}.rel.${r.name}.W`), H, 0, t, H);
        const acc = next[r.dstType], b = P(`conv${l}.rel.${r.name}.b`), ip = c.indptr;
        // destinations in batches of `chunk` rows: bounded message / argmax scratch
        for (let i0 = 0; i0 < nd; i0 += chunk) {
          const n = Math.min(chunk, nd - i0), e0 = ip[i0];
          for (let i = 0; i <= n; i++) ipChunk[i] = ip[i0 + i] - e0;
          const m = msg.subarray(0, n * H);
          kernels.segmentMax(t, H, ipChunk.subarray(0, n + 1), c.indices.subarray(e0, ip[i0 + n]), m, argmax.subarray(0, n * H));
          for (let i = 0; i < n; i++) {
            if (ipChunk[i + 1] === ipChunk[i]) continue; // no neighbours: message 0
            const q = i * H, qa = (i0 + i) * H;
            for (let j = 0; j < H; j++) {
              const v = m[q + j] + b[j];
              acc[qa + j] += v > 0 ? v : 0;
            }
          }
        }
      });
      if (l < arch.layers - 1) for (const a of next) for (let i = 0; i < a.length; i++) if (!(a[i] > 0)) a[i] = 0;
      h = next;
      D = H;
    }
    return h.map((a, t) => l2Rows(a, counts[t], D));
  } finally {
    pool.releaseAll();
  }
}

/**
 * layerwise() on the WebAssembly SIMD kernels (segment_max_wasm.ts): every per-layer buffer
 * lives in one arena; the per-relation transform is ONE GEMM into a reused scratch, then one
 * sweep does max + bias + ReLU + accumulation (no arg-max, no message buffer, no separate
 * element-wise passes). Bit-identical to layerwise() (infer.test.ts).
 */
function layerwiseWasm(model: HgnnModel, A: WasmArena, feats: Float32Array[], counts: readonly number[],
  csr: (NeighbourCsr | null)[][], pool: BufferPool): Float32Array[] {
  const { arch } = model;
  const P = (name: string): Float32Array => model.params.get(name).data;
  const maxN = Math.max(1, ...counts), total = counts.reduce((a, b) => a + b, 0);
  const widest = Math.max(arch.hidden, arch.out);
  let maxE = 1, maxD = 1;
  for (const layer of csr) for (const c of layer) if (c) maxE = Math.max(maxE, c.indices.length);
  for (const r of arch.relations) maxD = Math.max(maxD, counts[r.dstType] + 1);
  try {
    // layer-0 input: the features, or their per-type projection (JS pool; read by the GEMM only)
    let h: Float32Array[] = feats;
    let D = arch.projDim > 0 ? arch.projDim : arch.inDims[0];
    if (arch.projDim > 0) {
      h = arch.types.map((ty, t) => affine(pool.f32(counts[t] * D), feats[t], counts[t], arch.inDims[t], D, P(`proj.${ty}.W`), P(`proj.${ty}.b`)));
    }
    A.reset(arenaBytes(maxN * widest, total * arch.hidden, total * arch.out, maxE, maxD, widest) + 16 * (2 * counts.length + 4));
    const [pt, scratch] = A.f32(maxN * widest);
    const [pIdx, vIdx] = A.i32(maxE), [pPtr, vPtr] = A.i32(maxD), [pB, vB] = A.f32(widest);
    for (let l = 0; l < arch.layers; l++) {
      const H = l === arch.layers - 1 ? arch.out : arch.hidden;
      const next = arch.types.map((ty, t) => {
        const [p, v] = A.f32(counts[t] * H);
        sgemm(false, false, counts[t], H, D, 1, h[t], D, P(`conv${l}.self.${ty}.W`), H, 0, v, H);
        vB.set(P(`conv${l}.self.${ty}.b`));
        A.addBias(p, counts[t], 4 * H, pB, 4 * H);
        return { p, v };
      });
      arch.relations.forEach((r, k) => {
        const c = csr[l][k];
        if (!c || c.indices.length === 0) return;
        const ns = counts[r.srcType], nd = counts[r.dstType];
        sgemm(false, false, ns, H, D, 1, h[r.srcType], D, P(`conv${l}.rel.${r.name}.W`), H, 0, scratch, H); // [ns, H]
        if (c.indptr.length < nd + 1 || c.indptr[nd] !== c.indices.length) {
          throw new RangeError(`embedAll: csr of ${r.name} (layer ${l}) must have indptr [${nd + 1}] ending at its ${c.indices.length} indices`);
        }
        checkRows(c.indices, ns, r.name);
        vIdx.set(c.indices);
        vPtr.set(c.indptr.subarray(0, nd + 1));
        vB.set(P(`conv${l}.rel.${r.name}.b`));
        A.maxAcc(pt, 4 * H, pIdx, pPtr, nd, pB, next[r.dstType].p, 4 * H, 4 * H); // next += relu(max + b)
      });
      if (l < arch.layers - 1) for (let t = 0; t < next.length; t++) A.relu(next[t].p, 4 * counts[t] * H);
      h = next.map((x) => x.v);
      D = H;
    }
    return h.map((a, t) => l2Rows(a, counts[t], D));
  } finally {
    pool.releaseAll();
  }
}

// The wasm kernel reads t[idx[e]] unchecked: every index must be a source row.
function checkRows(idx: Int32Array, n: number, rel: string): void {
  let bad = 0;
  for (let e = 0; e < idx.length; e++) bad |= (idx[e] < 0 ? 1 : 0) | (idx[e] >= n ? 1 : 0);
  if (bad) {
    const e = idx.findIndex((v) => v < 0 || v >= n);
    throw new RangeError(`embedAll: ${rel} neighbour index [${e}] = ${idx[e]} out of range [0, ${n})`);
  }
}

// Row-wise L2 normalisation into a fresh array (as the l2Normalize op: x * (1 / max(||x||, 1e-12))).
function l2Rows(a: Float32Array, N: number, D: number): Float32Array {
  const out = new Float32Array(N * D);
  for (let n = 0; n < N; n++) {
    const r = n * D;
    let s = 0;
    for (let j = 0; j < D; j++) s += a[r + j] * a[r + j];
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < D; j++) out[r + j] = a[r + j] * inv;
  }
  return out;
}

// out = x W + b (GEMM then a bias pass, like matmul + biasAdd). x: [N, D], W: [D, H] -> out: [N, H]
function affine(out: Float32Array, x: Float32Array, N: number, D: number, H: number, W: Float32Array, b: Float32Array): Float32Array {
  sgemm(false, false, N, H, D, 1, x, D, W, H, 0, out, H);
  for (let n = 0; n < N; n++) {
    const r = n * H;
    for (let j = 0; j < H; j++) out[r + j] += b[j];
  }
  return out;
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
