import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeteroGraph } from './hetero_graph.ts';
import { graphStats } from './stats.ts';
import { syntheticHeteroGraph } from './synthetic.ts';
import { splitValidationEdges } from './edge_split.ts';
import { graphNodeItemRows } from './item_rows.ts';
import { neighbourSet, tinyHeteroGraph } from '../testing/graphs.ts';

test('HeteroGraph: relations, directed CSR both ways, symmetric same-type CSR', () => {
  const g = tinyHeteroGraph();
  assert.deepEqual(g.relations.map((r) => r.name), ['audiobook-audiobook', 'audiobook-podcast', 'podcast-podcast']);
  assert.deepEqual(g.directed.map((r) => r.name), ['audiobook->audiobook', 'audiobook->podcast', 'podcast->audiobook', 'podcast->podcast']);
  const aa = g.directedIndex('audiobook->audiobook'), ap = g.directedIndex('audiobook->podcast');
  const pa = g.directedIndex('podcast->audiobook'), pp = g.directedIndex('podcast->podcast');
  assert.deepEqual([...g.neighbours(aa, 1)].sort(), [0, 2]);
  assert.deepEqual([...g.neighbours(ap, 0)].sort(), [0, 1]); // podcast p0 ← audiobooks a0, a1
  assert.deepEqual([...g.neighbours(pa, 0)].sort(), [0, 1]); // audiobook a0 ← podcasts p0, p1
  assert.deepEqual([...g.neighbours(pp, 0)].sort(), [1, 2, 3]);
  assert.deepEqual([...g.neighbours(pp, 4)], []);
  // every CSR entry is an edge and every edge appears in both end rows
  for (let t = 0; t < 2; t++) {
    for (let v = 0; v < g.numNodes[t]!; v++) {
      const fromCsr: string[] = [];
      for (const d of g.directed) if (d.dstType === t) for (const u of g.neighbours(d.index, v)) fromCsr.push(`${d.srcType}:${u}`);
      assert.deepEqual(fromCsr.sort(), neighbourSet(g, t, v));
    }
  }
  assert.equal(g.nodeIndex(1, 'p3'), 3);
  assert.equal(g.nodeIndex(1, 'nope'), -1);
  assert.equal(g.memory().totalBytes, g.memory().csrBytes + g.memory().edgeListBytes);
  const st = graphStats(g);
  assert.deepEqual(st.isolated, { audiobook: 1, podcast: 1 });
  assert.equal(st.degree.podcast!.max, 5); // p0: a0, a1, p1, p2, p3
  assert.equal(st.totalEdges, 10);
});

test('HeteroGraph.fromEdgeLists: errors name the relation, the index and the bad value', () => {
  const base = { nodeTypes: ['podcast'], nodes: { podcast: 3 } };
  assert.throws(() => HeteroGraph.fromEdgeLists({ ...base, edges: { 'podcast-podcast': { a: Int32Array.of(0), b: Int32Array.of(0) } } }),
    /edges\['podcast-podcast'\] has a self-loop at edge 0/);
  assert.throws(() => HeteroGraph.fromEdgeLists({ ...base, edges: { 'podcast-podcast': { a: Int32Array.of(0), b: Int32Array.of(3) } } }),
    /edges\['podcast-podcast'\]\.b\[0\] = 3, expected a node id in \[0, 3\)/);
  assert.throws(() => HeteroGraph.fromEdgeLists({ ...base, edges: { 'podcast-music': { a: Int32Array.of(0), b: Int32Array.of(1) } } }),
    /edges key 'podcast-music' is not a pair of node types/);
  // reversed key order is accepted and canonicalised
  const g = HeteroGraph.fromEdgeLists({ nodeTypes: ['podcast', 'audiobook'], nodes: { podcast: 2, audiobook: 1 },
    edges: { 'podcast-audiobook': { a: Int32Array.of(1), b: Int32Array.of(0) } } });
  assert.equal(g.relations[1]!.name, 'audiobook-podcast');
  assert.deepEqual([...g.relations[1]!.a], [0]);
  assert.deepEqual([...g.relations[1]!.b], [1]);
});

test('syntheticHeteroGraph: exact unique loop-free edge counts, seeded, skewed degrees', () => {
  const opts = { counts: { audiobook: 200, podcast: 1000 }, edges: { 'audiobook-audiobook': 300, 'audiobook-podcast': 3000, 'podcast-podcast': 8000 }, zipf: 0.8, seed: 5 };
  const g = syntheticHeteroGraph(opts);
  assert.deepEqual(g.relations.map((r) => r.numEdges), [300, 3000, 8000]);
  for (const r of g.relations) {
    const keys = new Set<number>();
    for (let e = 0; e < r.numEdges; e++) {
      if (r.typeA === r.typeB) assert.ok(r.a[e]! < r.b[e]!, 'same-type edge stored with a < b (no loops)');
      keys.add(r.a[e]! * 100000 + r.b[e]!);
    }
    assert.equal(keys.size, r.numEdges, `${r.name} edges unique`);
  }
  const again = syntheticHeteroGraph(opts);
  assert.deepEqual(again.relations[2]!.a, g.relations[2]!.a);
  const st = graphStats(g);
  assert.ok(st.degree.podcast!.max > 5 * st.degree.podcast!.p50, 'Zipf endpoints give a heavy tail');
  assert.throws(() => syntheticHeteroGraph({ counts: { a: 3 }, edges: { 'a-a': 4 } }), /edges\['a-a'\] must be an integer in \[0, 3\], got 4/);
});

test('splitValidationEdges: 10% per relation held out, removed from the training CSR, seeded', () => {
  const g = syntheticHeteroGraph({ counts: { audiobook: 100, podcast: 300 }, edges: { 'audiobook-audiobook': 50, 'audiobook-podcast': 1000, 'podcast-podcast': 2000 }, seed: 2 });
  const { train, validation } = splitValidationEdges(g, { fraction: 0.1, seed: 9 });
  const perRel = [0, 0, 0];
  for (const r of validation.relation) perRel[r]!++;
  assert.deepEqual(perRel, [5, 100, 200]);
  assert.deepEqual(train.relations.map((r) => r.numEdges), [45, 900, 1800]);
  for (let i = 0; i < validation.a.length; i++) {
    const r = g.relations[validation.relation[i]!]!;
    const d = train.directed.find((x) => x.undirected === r.index && x.dstType === r.typeB)!;
    assert.ok(!train.neighbours(d.index, validation.b[i]!).includes(validation.a[i]!), 'held-out edge not a training neighbour');
    const full = g.directed[d.index]!;
    assert.ok(g.neighbours(full.index, validation.b[i]!).includes(validation.a[i]!), 'held-out edge is a real edge');
  }
  const again = splitValidationEdges(g, { fraction: 0.1, seed: 9 });
  assert.deepEqual(again.validation.a, validation.a);
  assert.throws(() => splitValidationEdges(g, { fraction: 1 }), /fraction must be in \[0, 1\), got 1/);
  // ablation: dropping a relation leaves it empty
  const noPP = g.withoutRelations(['podcast-podcast']);
  assert.deepEqual(noPP.relations.map((r) => r.numEdges), [50, 1000, 0]);
});

test('graphNodeItemRows: graph local ids → items-table rows', () => {
  const g = tinyHeteroGraph();
  const table = ['a0', 'a1', 'a2', 'a3', 'm0', 'p0', 'p1', 'p2', 'p3', 'p4'];
  const rows = graphNodeItemRows(g, new Map(table.map((id, i) => [id, i])));
  assert.deepEqual([...rows[0]!], [0, 1, 2, 3]);
  assert.deepEqual([...rows[1]!], [5, 6, 7, 8, 9]);
  assert.throws(() => graphNodeItemRows(g, new Map([['a0', 0]])), /graph node 'a1' \(type audiobook\) is not in the items table/);
});
