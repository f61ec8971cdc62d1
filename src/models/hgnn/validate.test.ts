import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tinyHeteroGraph } from '../../testing/graphs.ts';
import { makeValidationTask, validationMetrics } from './validate.ts';
import { alignFeatures } from './align.ts';

test('validation task: deterministic subset and negatives; HR@10 and hinge loss by hand', () => {
  const g = tinyHeteroGraph(); // audiobooks a0..a3, podcasts p0..p4
  const edges = { relation: Uint8Array.of(1, 1, 2), a: Int32Array.of(0, 1, 0), b: Int32Array.of(0, 0, 1) }; // a0-p0, a1-p0, p0-p1
  const opts = { maxEdges: 2, K: 12, negTypes: [0, 1], seed: 4 };
  const t1 = makeValidationTask(g, edges, opts), t2 = makeValidationTask(g, edges, opts);
  assert.deepEqual(t1, t2);
  assert.equal(t1.size, 2);
  assert.equal(t1.rankNegatives.length, 24);
  for (let i = 0; i < t1.size; i++) {
    assert.equal(t1.positiveType[i], 1); // typeB of a-p and p-p: podcast
    for (let k = 0; k < 12; k++) assert.ok(t1.rankNegatives[i * 12 + k] < g.numNodes[t1.positiveType[i]]);
  }
  // 1-d embeddings: audiobooks +1; podcast p0 = +1, others -1 -> every positive p0 outranks all
  const z = [Float32Array.of(1, 1, 1, 1), Float32Array.of(1, -1, -1, -1, -1)];
  const task = { ...t1, size: 2, anchorType: Uint8Array.of(0, 0), anchorId: Int32Array.of(0, 1), positiveType: Uint8Array.of(1, 1),
    positiveId: Int32Array.of(0, 0), negativeType: Uint8Array.of(1, 0), negativeId: Int32Array.of(2, 3), K: 12,
    rankNegatives: new Int32Array(24).fill(3) };
  const m = validationMetrics(z, 1, task, 0.5);
  assert.equal(m.hr10, 1);
  // loss: edge 0: max(0, -1 - 1 + 0.5) = 0; edge 1: negative a3 scores 1: max(0, 1 - 1 + 0.5) = 0.5 -> mean 0.25
  assert.equal(m.loss, 0.25);
  // flip: the positive scores below all 12 negatives -> miss
  const m2 = validationMetrics([z[0], Float32Array.of(-1, 1, 1, 1, 1)], 1, task, 0.5);
  assert.equal(m2.hr10, 0);
  // exactly 9 higher -> still a hit; 10 higher -> miss
  const nine = { ...task, K: 10, rankNegatives: Int32Array.from({ length: 20 }, (_, i) => (i % 10 < 9 ? 1 : 0)) };
  assert.equal(validationMetrics([z[0], Float32Array.of(0, 1, -1, -1, -1)], 1, nine, 0.5).hr10, 1);
  const ten = { ...task, K: 10, rankNegatives: new Int32Array(20).fill(1) };
  assert.equal(validationMetrics([z[0], Float32Array.of(0, 1, -1, -1, -1)], 1, ten, 0.5).hr10, 0);
});

test('alignFeatures reorders rows into graph local-id order and names a missing item', () => {
  const g = tinyHeteroGraph();
  const a = { ids: ['a3', 'a2', 'a1', 'a0'], x: Float32Array.of(3, 30, 2, 20, 1, 10, 0, 0), dim: 2 };
  const p = { ids: ['p4', 'p0', 'p1', 'p2', 'p3', 'extra'], x: Float32Array.of(4, 0, 1, 2, 3, 9), dim: 1 };
  const f = alignFeatures(g, { audiobook: a, podcast: p });
  assert.deepEqual(Array.from(f.audiobook.x), [0, 0, 1, 10, 2, 20, 3, 30]);
  assert.deepEqual(Array.from(f.podcast.x), [0, 1, 2, 3, 4]);
  assert.throws(() => alignFeatures(g, { audiobook: a, podcast: { ids: ['p0'], x: Float32Array.of(1), dim: 1 } }), /podcast item 'p1' \(graph node 1\) has no feature row/);
});
