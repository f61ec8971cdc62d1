// Gold test (llm.c style): fixed seed, tiny graph, the first training steps. For every step
// the loss and EVERY named gradient of the tape implementation are compared with an
// independent plain-JS float64 computation (forward written from SPEC §2 with loops; gradients
// by float64 central differences), and the Adam update is checked against its formula.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkBatchSampler, type LinkBatch } from '../../graph/index.ts';
import { Adam, BufferPool, Rng, Tape } from '../../tensor/index.ts';
import { tinyHeteroGraph } from '../../testing/graphs.ts';
import { blockCsr, linkLoss, relationIndex } from './batch.ts';
import { featureTensors } from './infer.ts';
import { HgnnModel, hgnnArch, type HgnnArch } from './model.ts';

/** A deep copy of what the reference needs from a LinkBatch (its arrays are sampler views). */
interface FrozenBatch {
  nodes: Int32Array[][];
  rel: { indptr: Int32Array; indices: Int32Array }[][]; // [layer][graph directed relation]
  a: [number, number][]; p: [number, number][]; n: [number, number][]; // (type, row in nodes[L][type])
}

function freeze(b: LinkBatch): FrozenBatch {
  const sb = b.blocks;
  const pairs = (ty: Uint8Array, row: Int32Array): [number, number][] => Array.from({ length: b.size }, (_, i) => [ty[i], row[i]]);
  return {
    nodes: sb.nodes.map((l) => l.map((x) => x.slice())),
    rel: sb.blocks.map((bl) => bl.rel.map((r) => ({ indptr: r.indptr.slice(), indices: r.indices.slice() }))),
    a: pairs(b.anchorType, b.anchorRow), p: pairs(b.positiveType, b.positiveRow), n: pairs(b.negativeType, b.negativeRow),
  };
}

type P64 = Map<string, { shape: number[]; v: Float64Array }>;

/** y[n, :] = x[n, :] W + b, float64. */
function lin(x: number[][], p: P64, name: string): number[][] {
  const W = p.get(`${name}.W`)!, b = p.get(`${name}.b`)!;
  const [D, H] = W.shape;
  return x.map((row) => {
    const y = Array.from(b.v);
    for (let d = 0; d < D; d++) for (let h = 0; h < H; h++) y[h] += row[d] * W.v[d * H + h];
    return y;
  });
}

/** The HGNN forward + margin loss in float64, straight from SPEC §2. */
function referenceLoss(arch: HgnnArch, p: P64, feats: Float32Array[], graphRel: string[], fb: FrozenBatch, margin: number): number {
  const T = arch.types.length, L = arch.layers;
  let h: number[][][] = arch.types.map((ty, t) => {
    const D = arch.inDims[t];
    const x = Array.from(fb.nodes[0][t], (id) => Array.from(feats[t].subarray(id * D, id * D + D), Number));
    return arch.projDim > 0 ? lin(x, p, `proj.${ty}`) : x;
  });
  for (let l = 0; l < L; l++) {
    const next: number[][][] = [];
    for (let t = 0; t < T; t++) {
      const nDst = fb.nodes[l + 1][t].length;
      const acc = lin(h[t].slice(0, nDst), p, `conv${l}.self.${arch.types[t]}`);
      for (const r of arch.relations) {
        if (r.dstType !== t) continue;
        const csr = fb.rel[l][graphRel.indexOf(r.name)];
        const msg = lin(h[r.srcType], p, `conv${l}.rel.${r.name}`).map((row) => row.map((v) => Math.max(0, v)));
        for (let i = 0; i < nDst; i++) {
          for (let k = 0; k < acc[i].length; k++) {
            let m = -Infinity;
            for (let e = csr.indptr[i]; e < csr.indptr[i + 1]; e++) m = Math.max(m, msg[csr.indices[e]][k]);
            acc[i][k] += m === -Infinity ? 0 : m;
          }
        }
      }
      next.push(l < L - 1 ? acc.map((row) => row.map((v) => Math.max(0, v))) : acc);
    }
    h = next;
  }
  const z = h.map((rows) => rows.map((row) => {
    const nrm = Math.max(Math.sqrt(row.reduce((s, v) => s + v * v, 0)), 1e-12);
    return row.map((v) => v / nrm);
  }));
  const dot = (u: number[], v: number[]): number => u.reduce((s, x, i) => s + x * v[i], 0);
  let loss = 0;
  for (let i = 0; i < fb.a.length; i++) {
    const za = z[fb.a[i][0]][fb.a[i][1]], zp = z[fb.p[i][0]][fb.p[i][1]], zn = z[fb.n[i][0]][fb.n[i][1]];
    loss += Math.max(0, dot(za, zn) - dot(za, zp) + margin);
  }
  return loss / fb.a.length;
}

test('gold: first 3 steps — loss and every named gradient match an independent float64 computation; Adam update matches', () => {
  const g = tinyHeteroGraph();
  const rng = new Rng(2024);
  const dims = [3, 4]; // different dims -> per-type input projection is exercised too
  const feats = g.nodeTypes.map((_, t) => Float32Array.from({ length: g.numNodes[t] * dims[t] }, () => rng.normal()));
  const features = Object.fromEntries(g.nodeTypes.map((ty, t) => [ty, { x: feats[t], dim: dims[t] }]));
  const relations = g.directed.map((d) => ({ name: d.name, srcType: d.srcType, dstType: d.dstType }));
  const arch = hgnnArch(g.nodeTypes, dims, relations, { hidden: 4, out: 3, layers: 2, projDim: 4 });
  const model = new HgnnModel(arch, 77);
  const ps = model.params;
  const opt = new Adam(ps, { lr: 1e-2 });
  const lbs = new LinkBatchSampler(g, { seed: 5, edges: { batchSize: 2 }, neighbours: { fanouts: [2, 2] } });
  const gi = relationIndex(arch, g);
  const tables = featureTensors(model, features, g.numNodes);
  const tp = new Tape(new BufferPool());
  const graphRel = g.directed.map((d) => d.name);
  const margin = 0.5;
  const it = lbs.epoch();
  let maxGradErr = 0, checkedGrads = 0, nonZero = 0;
  for (let step = 0; step < 3; step++) {
    const batch = it.next().value as LinkBatch;
    const fb = freeze(batch);
    const loss = linkLoss(tp, model.forward(tp, tables, batch.blocks.nodes, blockCsr(batch.blocks, gi)), batch, margin);
    tp.backward(loss);
    // reference at the same parameters
    const p64: P64 = new Map(ps.names().map((n) => [n, { shape: [...ps.get(n).shape], v: Float64Array.from(ps.get(n).data) }]));
    const ref = referenceLoss(arch, p64, feats, graphRel, fb, margin);
    assert.ok(Math.abs(loss.item() - ref) <= 1e-5 * Math.max(1, Math.abs(ref)), `step ${step}: loss ${loss.item()} vs reference ${ref}`);
    for (const name of ps.names()) {
      const got = ps.get(name).grad!, e = p64.get(name)!.v;
      for (let i = 0; i < e.length; i++) {
        const x0 = e[i], h = 1e-6;
        e[i] = x0 + h; const lp = referenceLoss(arch, p64, feats, graphRel, fb, margin);
        e[i] = x0 - h; const lm = referenceLoss(arch, p64, feats, graphRel, fb, margin);
        e[i] = x0;
        const num = (lp - lm) / (2 * h);
        const err = Math.abs(got[i] - num);
        maxGradErr = Math.max(maxGradErr, err);
        checkedGrads++;
        if (Math.abs(num) > 1e-6) nonZero++;
        assert.ok(err <= 2e-4 + 2e-3 * Math.abs(num), `step ${step}: d loss / d ${name}[${i}] = ${got[i]}, reference ${num}`);
      }
    }
    // Adam update (bias-corrected) from the tape's gradients
    const before = Float64Array.from(ps.data), gcopy = Float64Array.from(ps.grad);
    const m0 = Float64Array.from(opt.m), v0 = Float64Array.from(opt.v);
    opt.step();
    const t = opt.t, b1 = 0.9, b2 = 0.999;
    for (let i = 0; i < before.length; i++) {
      const m = b1 * m0[i] + (1 - b1) * gcopy[i], v = b2 * v0[i] + (1 - b2) * gcopy[i] ** 2;
      const want = before[i] - 1e-2 * (m / (1 - b1 ** t)) / (Math.sqrt(v / (1 - b2 ** t)) + 1e-8);
      assert.ok(Math.abs(ps.data[i] - want) <= 1e-6, `step ${step}: Adam param ${i} = ${ps.data[i]}, expected ${want}`);
    }
    ps.zeroGrad();
    tp.reset();
  }
  assert.equal(checkedGrads, 3 * ps.size);
  assert.ok(nonZero > ps.size, `most gradients should be non-zero, got ${nonZero} of ${checkedGrads}`);
});
