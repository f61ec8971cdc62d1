import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.ts';
import { AnnTopK, annParams } from './ann.ts';
import { ExactTopK } from './exact.ts';

function unitVectors(rng: Rng, n: number, dim: number): Float32Array {
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = rng.normal();
      x[i * dim + d] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dim; d++) x[i * dim + d] *= inv;
  }
  return x;
}

const N = 6000, D = 32;
const rng = new Rng(21);
const X = unitVectors(rng, N, D);
const Q = unitVectors(rng, 100, D);
const exact = new ExactTopK(X, D);
// One build thread makes the graph deterministic (measured recall 0.981 here; 2 threads vary 0.968-0.978).
const ann = AnnTopK.build(exact, { connectivity: 16, expansionAdd: 128, expansionSearch: 64 }, { threads: 1 });

test('AnnTopK recall@10 >= 0.95 against exact on random unit vectors', () => {
  let hits = 0;
  for (let b = 0; b < 100; b++) {
    const q = Q.subarray(b * D, (b + 1) * D);
    const truth = new Set(exact.query(q, 10).ids);
    const got = ann.query(q, 10);
    assert.equal(got.ids.length, 10);
    for (let i = 1; i < 10; i++) assert.ok(got.scores[i] <= got.scores[i - 1], 'scores descending');
    for (const id of got.ids) if (truth.has(id)) hits++;
  }
  const recall = hits / 1000;
  assert.ok(recall >= 0.95, `recall@10 = ${recall}`);
  assert.equal(ann.fallbacks, 0);
});

test('AnnTopK never returns excluded items and falls back to exact when it must', () => {
  const q = Q.subarray(0, D);
  const top = exact.query(q, 30).ids;
  const ex = new Set(Array.from(top.subarray(0, 20)));
  const got = ann.query(q, 10, { exclude: ex });
  assert.equal(got.ids.length, 10);
  for (const id of got.ids) assert.ok(!ex.has(id), `excluded id ${id} returned`);
  // Over-fetch limit exceeded -> exact answer, counted as a fallback.
  const small = AnnTopK.build(exact, {}, { maxOverFetch: 15, threads: 1 });
  const before = small.fallbacks;
  assert.deepEqual(Array.from(small.query(q, 10, { exclude: ex }).ids), Array.from(exact.query(q, 10, { exclude: ex }).ids));
  assert.equal(small.fallbacks, before + 1);
  // k >= N is an exact query.
  assert.equal(ann.query(q, N + 5).ids.length, N);
});

test('AnnTopK.queryBatch equals single queries; parameters are validated', () => {
  const got = ann.queryBatch(Q.subarray(0, 3 * D), 3, 5);
  for (let b = 0; b < 3; b++) assert.deepEqual(got[b].ids, ann.query(Q.subarray(b * D, (b + 1) * D), 5).ids);
  assert.throws(() => ann.query(Q.subarray(0, D), 0), /AnnTopK.query: k must be an integer >= 1, got 0/);
  assert.throws(() => ann.query(new Float32Array(D + 1), 1), /q must have length 32/);
  assert.throws(() => annParams({ connectivity: 0 }), /annParams: connectivity must be an integer in \[1, 4096\], got 0/);
});
