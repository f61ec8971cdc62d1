import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticHeteroGraph } from '../../graph/index.ts';
import { backend, BufferPool, Rng, Tape } from '../../tensor/index.ts';
import { assertClose } from '../../testing/index.ts';
import { relationIndex } from './batch.ts';
import { embedAll, embedFeaturesOnly, featureTensors } from './infer.ts';
import { HgnnModel, hgnnArch } from './model.ts';

function setup(dims: number[], out = 5) {
  const graph = syntheticHeteroGraph({ counts: { audiobook: 30, podcast: 300 }, edges: { 'audiobook-audiobook': 40, 'audiobook-podcast': 120, 'podcast-podcast': 200 }, seed: 2 });
  const rng = new Rng(8);
  const features = Object.fromEntries(graph.nodeTypes.map((ty, t) => [ty, { x: Float32Array.from({ length: graph.numNodes[t] * dims[t] }, () => rng.normal()), dim: dims[t] }]));
  const rels = graph.directed.map((d) => ({ name: d.name, srcType: d.srcType, dstType: d.dstType }));
  const model = new HgnnModel(hgnnArch(graph.nodeTypes, dims, rels, { hidden: 8, out }), 3);
  for (const n of model.params.names()) if (n.endsWith('.b')) model.params.get(n).data.forEach((_, i, a) => { a[i] = 0.1 * rng.normal(); });
  return { graph, features, model };
}

for (const dims of [[6, 6], [4, 7]]) {
  test(`embedAll (layer-wise kernels) equals HgnnModel.forward over all-node blocks, dims ${dims}`, () => {
    const { graph, features, model } = setup(dims);
    const z = embedAll(model, graph, features, { fanout: -1 });
    // reference: the tape forward with every node as source and destination, full CSR
    const gi = relationIndex(model.arch, graph);
    const all = graph.numNodes.map((n) => Int32Array.from({ length: n }, (_, i) => i));
    const csr = gi.length ? Array.from(gi, (g) => ({ indptr: graph.directed[g].indptr, indices: graph.directed[g].indices })) : [];
    const tp = new Tape(new BufferPool(), { grad: false });
    const ref = model.forward(tp, featureTensors(model, features, graph.numNodes), [all, all, all], [csr, csr]);
    assertClose(z[0], ref.data.subarray(0, 30 * 5), 1e-5, 'audiobooks');
    assertClose(z[1], ref.data.subarray(30 * 5), 1e-5, 'podcasts');
    for (let i = 0; i < 330; i++) {
      const row = i < 30 ? z[0].subarray(i * 5, i * 5 + 5) : z[1].subarray((i - 30) * 5, (i - 30) * 5 + 5);
      assert.ok(Math.abs(row.reduce((s, v) => s + v * v, 0) - 1) < 1e-5, 'unit norm');
    }
  });
}

test('embedAll: deterministic for a fixed seed, sampled neighbourhoods differ from full ones; isolated nodes = features only', () => {
  const { graph, features, model } = setup([6, 6]);
  const a = embedAll(model, graph, features, { fanout: 2, seed: 5 });
  const b = embedAll(model, graph, features, { fanout: 2, seed: 5, pool: new BufferPool(), batchRows: 7 });
  assert.deepEqual(a, b); // also: batching the destinations changes nothing
  const full = embedAll(model, graph, features, { fanout: -1 });
  assert.notDeepEqual(a[1], full[1]);
  // a node with no edges at all
  for (let t = 0; t < 2; t++) {
    for (let i = 0; i < graph.numNodes[t]; i++) {
      if (graph.directed.some((d) => d.dstType === t && d.indptr[i + 1] > d.indptr[i])) continue;
      const x = features[graph.nodeTypes[t]].x.subarray(i * 6, i * 6 + 6);
      assertClose(embedFeaturesOnly(model, graph.nodeTypes[t], x, 1), full[t].subarray(i * 5, i * 5 + 5), 1e-5, 'isolated');
      return;
    }
  }
  assert.fail('fixture should contain an isolated node');
});

test('embedAll: the WebAssembly kernel path (widths % 4 == 0) equals the tape forward bit for bit, the addon path to rounding', () => {
  const { graph, features, model } = setup([6, 6], 8);
  for (const fanout of [3, -1]) {
    const fast = embedAll(model, graph, features, { fanout, seed: 9 });
    const slow = embedAll(model, graph, features, { fanout, seed: 9, wasm: false, batchRows: 11 });
    // the addon path adds max + b to the accumulator in float64 (one rounding), the tape and
    // the wasm kernel round max + b to float32 first
    for (let t = 0; t < 2; t++) assertClose(fast[t], slow[t], 1e-6, `fanout ${fanout} type ${t}`);
  }
  const full = embedAll(model, graph, features, { fanout: -1 });
  const gi = relationIndex(model.arch, graph);
  const all = graph.numNodes.map((n) => Int32Array.from({ length: n }, (_, i) => i));
  const csr = Array.from(gi, (g) => ({ indptr: graph.directed[g].indptr, indices: graph.directed[g].indices }));
  const tp = new Tape(new BufferPool(), { grad: false });
  const ref = model.forward(tp, featureTensors(model, features, graph.numNodes), [all, all, all], [csr, csr]);
  const want = [ref.data.slice(0, 30 * 8), ref.data.slice(30 * 8)];
  if (backend() === 'addon') assert.deepEqual(full, want);
  // the TypeScript GEMM twin's rounding depends on the call's shape (embedAll transforms rows in
  // batches, the tape all at once), so on that path the two agree to float rounding only
  else for (let t = 0; t < 2; t++) assertClose(full[t]!, want[t]!, 1e-6, `ts kernels, type ${t}`);
});
