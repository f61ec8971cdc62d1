import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BalancedEdgeSampler } from './edge_sampler.ts';
import { LinkBatchSampler } from './link_batch.ts';
import { NegativeSampler } from './negative_sampler.ts';
import { NeighbourSampler } from './neighbour_sampler.ts';
import { splitValidationEdges } from './edge_split.ts';
import { syntheticHeteroGraph } from './synthetic.ts';
import type { HeteroGraph } from './hetero_graph.ts';
import type { SampledBlocks } from './blocks.ts';
import { tinyHeteroGraph } from '../testing/graphs.ts';

const small = (): HeteroGraph => syntheticHeteroGraph({
  counts: { audiobook: 300, podcast: 1500 },
  edges: { 'audiobook-audiobook': 400, 'audiobook-podcast': 4000, 'podcast-podcast': 12000 }, zipf: 0.9, seed: 3,
});

const edgeKey = (t1: number, v1: number, t2: number, v2: number): string =>
  t1 < t2 || (t1 === t2 && v1 < v2) ? `${t1}:${v1}-${t2}:${v2}` : `${t2}:${v2}-${t1}:${v1}`;
function edgeKeys(g: HeteroGraph): Set<string> {
  const s = new Set<string>();
  for (const r of g.relations) for (let e = 0; e < r.numEdges; e++) s.add(edgeKey(r.typeA, r.a[e]!, r.typeB, r.b[e]!));
  return s;
}

test('BalancedEdgeSampler: exactly N per relation per epoch, all rarest edges, re-drawn, real edges, seeded', () => {
  const g = small();
  const es = new BalancedEdgeSampler(g, { batchSize: 256, seed: 4 });
  assert.equal(es.edgesPerEpoch, 1200);
  assert.equal(es.numBatches, 5);
  const keys = edgeKeys(g);
  const epochs: string[][] = [];
  for (let ep = 0; ep < 3; ep++) {
    const e = es.epoch();
    const perRel = [0, 0, 0];
    const seen: string[] = [];
    for (let i = 0; i < e.length; i++) {
      perRel[e.relation[i]!]!++;
      const k = edgeKey(e.anchorType[i]!, e.anchorId[i]!, e.positiveType[i]!, e.positiveId[i]!);
      assert.ok(keys.has(k), 'sampled pair is an edge');
      seen.push(`${e.relation[i]}|${k}`);
    }
    assert.deepEqual(perRel, [400, 400, 400]);
    assert.equal(new Set(seen).size, 1200, 'no edge twice in an epoch');
    assert.equal(new Set(seen.filter((x) => x.startsWith('0|'))).size, 400, 'all edges of the rarest relation');
    epochs.push(seen);
  }
  const ap = (s: string[]) => new Set(s.filter((x) => x.startsWith('1|')));
  const overlap = [...ap(epochs[0]!)].filter((x) => ap(epochs[1]!).has(x)).length;
  assert.ok(overlap < 200, `epochs re-draw the other relations (overlap ${overlap} of 400, ~40 expected)`);
  assert.notDeepEqual(epochs[0], epochs[1]);
  // orientation is random: both types act as anchors for a–p
  const e = es.epoch();
  const anchorsA = [...Array(e.length).keys()].filter((i) => e.relation[i] === 1 && e.anchorType[i] === 0).length;
  assert.ok(anchorsA > 100 && anchorsA < 300, `random orientation (${anchorsA} of 400 anchored on audiobooks)`);
  // determinism
  const x = new BalancedEdgeSampler(g, { seed: 4 }).epoch(), y = new BalancedEdgeSampler(g, { seed: 4 }).epoch();
  assert.deepEqual(x.anchorId, y.anchorId);
  assert.deepEqual(x.positiveId, y.positiveId);
});

test('BalancedEdgeSampler: unbalanced switch, relation subsets, empty relations skipped', () => {
  const g = small();
  const all = new BalancedEdgeSampler(g, { balanced: false, seed: 1 });
  assert.equal(all.edgesPerEpoch, 16400);
  const e = all.epoch();
  assert.equal(new Set([...Array(e.length).keys()].map((i) => edgeKey(e.anchorType[i]!, e.anchorId[i]!, e.positiveType[i]!, e.positiveId[i]!))).size, 16400);
  const ppOnly = new BalancedEdgeSampler(g, { relations: ['podcast-podcast'], seed: 1 });
  assert.equal(ppOnly.edgesPerEpoch, 12000);
  assert.ok(ppOnly.epoch().relation.every((r) => r === 2));
  const noAA = new BalancedEdgeSampler(g, { relations: ['audiobook-podcast', 'podcast-podcast'], seed: 1 });
  assert.equal(noAA.edgesPerEpoch, 8000);
  const dropped = new BalancedEdgeSampler(g.withoutRelations(['audiobook-audiobook']), { seed: 1 });
  assert.deepEqual(dropped.active, [1, 2]);
  assert.throws(() => new BalancedEdgeSampler(g, { relations: ['audiobook-music'] }), /unknown relation 'audiobook-music'/);
  assert.throws(() => new BalancedEdgeSampler(g, { batchSize: 0 }), /batchSize must be an integer >= 1, got 0/);
});

/** Checks every structural promise of blocks.ts; returns the number of sampled edges. */
function checkBlocks(g: HeteroGraph, sb: SampledBlocks, fanout: number, seedType: Uint8Array, seedId: Int32Array): number {
  const L = sb.numLayers, T = g.nodeTypes.length;
  let sampled = 0;
  for (let i = 0; i < seedId.length; i++) assert.equal(sb.nodes[L]![seedType[i]!]![sb.seedRow[i]!], seedId[i]);
  for (let l = 0; l <= L; l++) {
    for (let t = 0; t < T; t++) {
      const n = sb.nodes[l]![t]!;
      assert.equal(new Set(n).size, n.length, `layer ${l} type ${t} deduplicated`);
      if (l < L) assert.deepEqual(n.subarray(0, sb.nodes[l + 1]![t]!.length), sb.nodes[l + 1]![t], 'prefix rule');
    }
  }
  for (let l = 0; l < L; l++) {
    const b = sb.blocks[l]!;
    for (const d of g.directed) {
      const { indptr, indices } = b.rel[d.index]!;
      const dst = sb.nodes[l + 1]![d.dstType]!, src = sb.nodes[l]![d.srcType]!;
      assert.equal(indptr.length, dst.length + 1);
      assert.equal(b.numDst[d.dstType], dst.length);
      assert.equal(b.numSrc[d.srcType], src.length);
      for (let i = 0; i < dst.length; i++) {
        const seg = [...indices.subarray(indptr[i]!, indptr[i + 1]!)].map((p) => src[p]!);
        const nbrs = g.neighbours(d.index, dst[i]!);
        assert.ok(seg.length <= fanout, 'fan-out never exceeded');
        assert.equal(seg.length, Math.min(fanout, nbrs.length), 'takes all neighbours when degree <= fan-out');
        assert.equal(new Set(seg).size, seg.length, 'without replacement');
        for (const u of seg) assert.ok(nbrs.includes(u), 'neighbours really are neighbours');
        sampled += seg.length;
      }
    }
  }
  return sampled;
}

test('NeighbourSampler: blocks on the hand-built graph match the worked example shape', () => {
  const g = tinyHeteroGraph();
  const ns = new NeighbourSampler(g, { fanouts: [10], seed: 1 });
  const st = Uint8Array.of(0, 1, 1, 0), si = Int32Array.of(3, 4, 2, 3); // isolated a3, isolated p4, p2, a3 again
  const sb = ns.sample(st, si);
  checkBlocks(g, sb, 10, st, si);
  assert.deepEqual([...sb.nodes[1]![0]!], [3]);
  assert.deepEqual([...sb.nodes[1]![1]!], [4, 2]);
  assert.deepEqual([...sb.seedRow], [0, 0, 1, 0]);
  const pp = sb.blocks[0]!.rel[g.directedIndex('podcast->podcast')]!;
  assert.deepEqual([...pp.indptr], [0, 0, 2], 'isolated p4 gets an empty segment; p2 gets p0, p1');
  assert.deepEqual([...pp.indices.subarray(0, 2)].map((p) => sb.nodes[0]![1]![p]).sort(), [0, 1]);
  assert.deepEqual([...sb.blocks[0]!.rel[g.directedIndex('podcast->audiobook')]!.indptr], [0, 0]);
  assert.deepEqual([...sb.outputOffset], [0, 1, 3]);
});

test('NeighbourSampler: fan-out respected, real neighbours, 2 layers, seeded determinism, fresh per batch', () => {
  const g = small();
  const seeds = () => {
    const st = new Uint8Array(300), si = new Int32Array(300);
    for (let i = 0; i < 300; i++) { st[i] = i % 3 === 0 ? 0 : 1; si[i] = (i * 37) % g.numNodes[st[i]!]!; }
    return { st, si };
  };
  const { st, si } = seeds();
  const a = new NeighbourSampler(g, { fanouts: [5, 3], seed: 11 });
  const sb1 = a.sample(st, si);
  // per-hop fan-outs: hop 0 (last block) 5, hop 1 (first block) 3
  checkBlocks(g, { ...sb1, blocks: [sb1.blocks[0]!] , numLayers: 1, nodes: [sb1.nodes[0]!, sb1.nodes[1]!] } as SampledBlocks, 3, new Uint8Array(0), new Int32Array(0));
  const total = checkBlocks(g, { ...sb1, blocks: [sb1.blocks[1]!], numLayers: 1, nodes: [sb1.nodes[1]!, sb1.nodes[2]!] } as SampledBlocks, 5, st, si);
  assert.ok(total > 0);
  const snap = sb1.nodes[0]!.map((x) => [...x]);
  const b = new NeighbourSampler(g, { fanouts: [5, 3], seed: 11 });
  assert.deepEqual(b.sample(st, si).nodes[0]!.map((x) => [...x]), snap, 'same seed, same blocks');
  assert.notDeepEqual(a.sample(st, si).nodes[0]!.map((x) => [...x]), snap, 'fresh neighbours per batch');
  assert.throws(() => a.sample(Uint8Array.of(1), Int32Array.of(1500)), /seed 0 = \(type 1, id 1500\) is not a node/);
  assert.throws(() => new NeighbourSampler(g, { fanouts: [10, -3] }), /fanouts entries must be integers >= 0 or -1/);
  const over = new NeighbourSampler(g, { fanouts: [2, 2], relationFanouts: { 'podcast->podcast': [0, 0] } });
  assert.equal(over.sample(st, si).blocks[1]!.rel[3]!.indices.length, 0);
});

test('NegativeSampler: in range, uniform over all nodes, per type, seeded', () => {
  const g = small();
  const n = 40000, t = new Uint8Array(n), id = new Int32Array(n);
  new NegativeSampler(g, { seed: 3 }).sample(n, t, id);
  let audio = 0;
  for (let i = 0; i < n; i++) {
    assert.ok(id[i]! >= 0 && id[i]! < g.numNodes[t[i]!]!);
    if (t[i] === 0) audio++;
  }
  // expected share 300 / 1800 = 1/6 → 6667 ± ~75 (sd)
  assert.ok(Math.abs(audio - n / 6) < 400, `uniform over all nodes (${audio} audiobooks)`);
  new NegativeSampler(g, { types: ['audiobook'], seed: 3 }).sample(n, t, id);
  assert.ok(t.every((x) => x === 0));
  const pos = new Uint8Array(n).fill(1);
  new NegativeSampler(g, { mode: 'matchPositive', seed: 3 }).sample(n, t, id, pos);
  assert.ok(t.every((x) => x === 1));
  const t2 = new Uint8Array(n), id2 = new Int32Array(n);
  new NegativeSampler(g, { mode: 'matchPositive', seed: 3 }).sample(n, t2, id2, pos);
  assert.deepEqual(id2, id);
});

test('LinkBatchSampler: rows point at anchors/positives/negatives, validation batches are fixed', () => {
  const g = small();
  const { train, validation } = splitValidationEdges(g, { fraction: 0.1, seed: 1 });
  const lbs = new LinkBatchSampler(train, { seed: 5, neighbours: { fanouts: [4, 4] } });
  let batches = 0, pairs = 0;
  for (const b of lbs.epoch()) {
    const out = b.blocks.nodes[b.blocks.numLayers]!;
    for (let i = 0; i < b.size; i++) {
      assert.equal(out[b.anchorType[i]!]![b.anchorRow[i]!], b.anchorId[i]);
      assert.equal(out[b.positiveType[i]!]![b.positiveRow[i]!], b.positiveId[i]);
      assert.equal(out[b.negativeType[i]!]![b.negativeRow[i]!], b.negativeId[i]);
    }
    batches++;
    pairs += b.size;
  }
  assert.equal(batches, lbs.numBatches);
  assert.equal(pairs, 360 * 3);
  const first = (seed: number) => {
    const it = lbs.edgeSetBatches(validation, 64, seed).next().value!;
    return [...it.negativeId, ...it.blocks.nodes[0]![1]!];
  };
  const v1 = first(42);
  lbs.epoch().next();
  assert.deepEqual(first(42), v1, 'validation batches do not depend on training progress');
});

test('samplers work for any set of types (1 and 3 types)', () => {
  const three = syntheticHeteroGraph({ counts: { audiobook: 50, music: 80, podcast: 120 },
    edges: { 'audiobook-music': 100, 'music-podcast': 300, 'podcast-podcast': 400, 'audiobook-audiobook': 30 }, seed: 8 });
  assert.equal(three.relations.length, 6);
  assert.equal(three.directed.length, 9);
  const lbs = new LinkBatchSampler(three, { seed: 2, edges: { batchSize: 32 }, neighbours: { fanouts: [3, 3] } });
  assert.equal(lbs.edgeSampler.edgesPerEpoch, 4 * 30, 'empty relations are skipped, the rest balanced to the rarest');
  for (const b of lbs.epoch()) {
    const st = new Uint8Array([...b.anchorType, ...b.positiveType, ...b.negativeType]);
    const si = new Int32Array([...b.anchorId, ...b.positiveId, ...b.negativeId]);
    const sb = b.blocks;
    checkBlocks(three, { ...sb, numLayers: 1, blocks: [sb.blocks[1]!], nodes: [sb.nodes[1]!, sb.nodes[2]!] } as SampledBlocks, 3, st, si);
  }
  const one = syntheticHeteroGraph({ counts: { podcast: 100 }, edges: { 'podcast-podcast': 300 }, seed: 1 });
  const b1 = new LinkBatchSampler(one, { seed: 1 }).epoch().next().value!;
  assert.equal(b1.size, 256);
  assert.equal(b1.blocks.blocks[0]!.rel.length, 1);
});

test('blocks.ts worked example holds exactly', async () => {
  const { HeteroGraph } = await import('./hetero_graph.ts');
  const g = HeteroGraph.fromEdgeLists({
    nodeTypes: ['audiobook', 'podcast'], nodes: { audiobook: 2, podcast: 2 },
    edges: { 'audiobook-audiobook': { a: Int32Array.of(0), b: Int32Array.of(1) },
      'audiobook-podcast': { a: Int32Array.of(0), b: Int32Array.of(0) },
      'podcast-podcast': { a: Int32Array.of(0), b: Int32Array.of(1) } },
  });
  const sb = new NeighbourSampler(g, { fanouts: [10] }).sample(Uint8Array.of(0, 1), Int32Array.of(0, 1));
  assert.deepEqual(sb.nodes.map((l) => l.map((x) => [...x])), [[[0, 1], [1, 0]], [[0], [1]]]);
  assert.deepEqual([...sb.blocks[0]!.numSrc], [2, 2]);
  assert.deepEqual([...sb.blocks[0]!.numDst], [1, 1]);
  assert.deepEqual(sb.blocks[0]!.rel.map((r) => [[...r.indptr], [...r.indices]]),
    [[[0, 1], [1]], [[0, 0], []], [[0, 1], [1]], [[0, 1], [1]]]);
});
