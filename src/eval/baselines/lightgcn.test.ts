import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumedInTraining } from '../candidates.ts';
import { NO_ITEM } from '../topk.ts';
import type { TrainSet } from './recommender.ts';
import { buildNormAdj, lightgcnLossGrad, propagate, LightGcn } from './lightgcn.ts';

const I = (...v: number[]) => Int32Array.from(v);

test('buildNormAdj: symmetric, 1/sqrt(deg·deg), duplicates collapse', () => {
  // users 0,1; items 0,1,2 -> nodes 2,3,4. Pairs: (0,0) twice, (0,1), (1,1).
  const a = buildNormAdj(2, 3, I(0, 0, 0, 1), I(0, 0, 1, 1));
  assert.deepEqual([...a.indptr], [0, 2, 3, 4, 6, 6]);
  assert.deepEqual([...a.indices], [2, 3, 3, 0, 0, 1]);
  // deg: u0 2, u1 1, i0 1, i1 2
  const want = [1 / Math.sqrt(2), 1 / 2, 1 / Math.sqrt(2), 1 / Math.sqrt(2), 1 / 2, 1 / Math.sqrt(2)];
  a.values.forEach((v, p) => assert.ok(Math.abs(v - want[p]!) < 1e-7, `values[${p}] = ${v}, want ${want[p]}`));
});

test('propagate: layer mean of Â^k x (hand-computed on a 2-node graph)', () => {
  // one user, one item: Â = [[0,1],[1,0]]; K = 2: (x + Âx + x) / 3
  const a = buildNormAdj(1, 1, I(0), I(0));
  const x = Float64Array.of(1, 2, 3, 4); // D = 2
  const out = new Float64Array(4);
  propagate(a, x, 2, 2, out, [new Float64Array(4), new Float64Array(4)]);
  assert.deepEqual([...out].map((v) => +v.toFixed(12)), [(1 + 3 + 1) / 3, (2 + 4 + 2) / 3, (3 + 1 + 3) / 3, (4 + 2 + 4) / 3].map((v) => +v.toFixed(12)));
});

test('lightgcnLossGrad matches central finite differences (float64)', () => {
  const nU = 3, nI = 4, D = 3, K = 3;
  const a = buildNormAdj(nU, nI, I(0, 0, 1, 1, 2, 2, 2), I(0, 1, 1, 2, 0, 2, 3));
  const N = nU + nI;
  let s = 11;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5);
  const E0 = Float64Array.from({ length: N * D }, rnd);
  const u = I(0, 1, 2, 0), i = I(3, 4, 6, 4), j = I(5, 6, 3, 6); // node ids (items start at 3)
  const l2 = 0.3;
  const { loss, grad } = lightgcnLossGrad(a, E0, D, K, u, i, j, l2);
  assert.ok(loss > 0);
  const h = 1e-6;
  let maxErr = 0;
  for (let p = 0; p < E0.length; p++) {
    const keep = E0[p]!;
    E0[p] = keep + h;
    const lp = lightgcnLossGrad(a, E0, D, K, u, i, j, l2).loss;
    E0[p] = keep - h;
    const lm = lightgcnLossGrad(a, E0, D, K, u, i, j, l2).loss;
    E0[p] = keep;
    const num = (lp - lm) / (2 * h);
    maxErr = Math.max(maxErr, Math.abs(num - grad[p]!) / Math.max(1e-3, Math.abs(num) + Math.abs(grad[p]!)));
  }
  assert.ok(maxErr < 1e-6, `relative gradient error ${maxErr}`);
  // and the check can fail: a wrong l2 in the analytic gradient is caught
  const bad = lightgcnLossGrad(a, E0, D, K, u, i, j, 0).grad;
  assert.ok(bad.some((g, p) => Math.abs(g - grad[p]!) > 1e-4));
});

// Planted data (as baselines.test.ts). Items 0..5 audiobooks (type 1, target), 6..9 podcasts.
// users 0..5: podcast 7 + audiobook 3; 6..9: audiobook 0 + podcast 8; 10..13: audiobook 0 + 5;
// 16..19: audiobook 1 + 4; user 14: podcast 7 only (cold); user 15: audiobook 1 only (warm).
function planted(): TrainSet {
  const user: number[] = [], item: number[] = [];
  const add = (u: number, i: number) => { user.push(u); item.push(i); };
  for (let u = 0; u <= 5; u++) { add(u, 7); add(u, 3); }
  for (let u = 6; u <= 9; u++) { add(u, 0); add(u, 8); }
  for (let u = 10; u <= 13; u++) { add(u, 0); add(u, 5); }
  for (let u = 16; u <= 19; u++) { add(u, 1); add(u, 4); }
  add(14, 7);
  add(15, 1);
  return { nUsers: 21, nItems: 10, user: Int32Array.from(user), item: Int32Array.from(item), itemType: Uint8Array.of(1, 1, 1, 1, 1, 1, 0, 0, 0, 0), targetType: 1 };
}

test('LightGcn on planted data: the planted item first for a warm and a cold user; no-history user unranked; seeded', () => {
  const t = planted();
  const excl = consumedInTraining(t, t.nUsers, t.nItems);
  const run = () => {
    const m = new LightGcn({ dim: 16, batch: 64, epochs: 150, lr: 0.02, seed: 3 });
    m.fit(t);
    return { m, out: m.recommend(I(15, 14, 20), 3, excl) };
  };
  const { m, out } = run();
  assert.equal(out[0], 4, `warm user 15 (audiobook 1) should get 4 first, got ${[...out.subarray(0, 3)]}`);
  assert.ok(!([...out.subarray(0, 3)]).includes(1), 'consumed item 1 must be excluded');
  assert.equal(out[3], 3, `cold user 14 (podcast 7) should get 3 first, got ${[...out.subarray(3, 6)]}`);
  assert.equal(out[6], NO_ITEM, 'user 20 has no training pairs: no ranking');
  for (const it of out) assert.ok(it === NO_ITEM || (it >= 0 && it <= 5), `non-candidate ${it}`);
  assert.ok(m.history.length > 0 && m.history.at(-1)!.loss < m.history[0]!.loss, 'loss should fall');
  assert.deepEqual([...run().out], [...out], 'same seed, same ranking');
});
