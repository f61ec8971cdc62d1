import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromPairs, emptyCsr, type Csr } from '../csr.ts';
import { consumedInTraining } from '../candidates.ts';
import { NO_ITEM } from '../topk.ts';
import type { Recommender, TrainSet } from './recommender.ts';
import { Popularity } from './popularity.ts';
import { ItemKnn } from './itemknn.ts';
import { Ease, EaseTooLargeError } from './ease.ts';
import { VectorKnn } from './vector_knn.ts';

// Planted data. Items 0..5 are audiobooks (type 1, the target), 6..9 podcasts (type 0).
// - users 0..5:   podcast 7 + audiobook 3        → podcast 7 implies audiobook 3
// - users 6..9:   audiobook 0 + podcast 8        → audiobook 0 is the most popular overall
// - users 10..13: audiobook 0 + audiobook 5 (recent, day 200) → 5 is the popular item of the last 90 days
// - users 16..19: audiobook 1 + audiobook 4      → audiobook 1 implies audiobook 4
// - user 14: podcast 7 only (cold); user 15: audiobook 1 only (warm)
const DAY = 86_400_000; // ts in ms, as the data layer
function planted(): TrainSet {
  const user: number[] = [], item: number[] = [], ts: number[] = [];
  const add = (u: number, i: number, day: number) => { user.push(u); item.push(i); ts.push(day * DAY); };
  for (let u = 0; u <= 5; u++) { add(u, 7, 10); add(u, 3, 11); }
  for (let u = 6; u <= 9; u++) { add(u, 0, 10); add(u, 8, 12); }
  for (let u = 10; u <= 13; u++) { add(u, 0, 10); add(u, 5, 200); }
  for (let u = 16; u <= 19; u++) { add(u, 1, 20); add(u, 4, 21); }
  add(14, 7, 30);
  add(15, 1, 30);
  return {
    nUsers: 20, nItems: 10,
    user: Int32Array.from(user), item: Int32Array.from(item), ts: Float64Array.from(ts),
    itemType: Uint8Array.of(1, 1, 1, 1, 1, 1, 0, 0, 0, 0), targetType: 1,
  };
}

const COLD = 14, WARM = 15;
const I = (...v: number[]) => Int32Array.from(v);
function exclusions(t: TrainSet): Csr { return consumedInTraining(t, t.nUsers, t.nItems); }
function row(out: Int32Array, r: number, k: number): number[] { return [...out.subarray(r * k, r * k + k)]; }

test('Popularity: the most-interacted item of the last 90 days first, same list for all, exclusions honoured', () => {
  const t = planted();
  const m = new Popularity();
  m.fit(t);
  const k = 6;
  const out = m.recommend(I(COLD, 10, 6), k, exclusions(t));
  // In the window (day 110..200) only item 5 counts; then all-time 0 (8), 3 (6), 1 (5), 4 (4), 2 (0).
  assert.deepEqual(row(out, 0, k), [5, 0, 3, 1, 4, 2]);
  assert.deepEqual(row(out, 1, k), [3, 1, 4, 2, NO_ITEM, NO_ITEM]); // user 10 consumed 0 and 5
  assert.deepEqual(row(out, 2, k), [5, 3, 1, 4, 2, NO_ITEM]); // user 6 consumed 0
  const all = new Popularity({ windowDays: 1000 });
  all.fit(t);
  assert.equal(all.recommend(I(COLD), 1, emptyCsr(20, 10))[0], 0);
});

function plantedChecks(m: Recommender, coldToo: boolean): void {
  const t = planted();
  m.fit(t);
  const excl = exclusions(t);
  const k = 3;
  const out = m.recommend(I(WARM, COLD), k, excl);
  assert.equal(out[0], 4, `${m.name}: warm user with audiobook 1 should get 4 first, got ${row(out, 0, k)}`);
  assert.ok(!row(out, 0, k).includes(1), `${m.name}: consumed item 1 must be excluded`);
  if (coldToo) assert.equal(out[k], 3, `${m.name}: podcast-7 user should get 3 first, got ${row(out, 1, k)}`);
  // An explicit exclusion of the planted item removes it.
  const extra = csrFromPairs(I(WARM, WARM), I(1, 4), 20, 10);
  const out2 = m.recommend(I(WARM), k, extra);
  assert.ok(!row(out2, 0, k).includes(4) && !row(out2, 0, k).includes(1), `${m.name}: exclusions not honoured: ${row(out2, 0, k)}`);
  for (const it of out) assert.ok(it === NO_ITEM || (it >= 0 && it <= 5), `${m.name}: non-candidate ${it} recommended`);
}

test('ItemKnn: planted co-occurrence ranks first, cross-type history scores candidates', () => {
  const m = new ItemKnn({ neighbours: 3, shrink: 1 });
  plantedChecks(m, true);
  const nb = m.neighboursOf(7);
  assert.deepEqual([...nb.items], [3]);
  // co(7,3) = 6 users; n_7 = 7, n_3 = 6 → 6 / (√7·√6 + 1)
  assert.ok(Math.abs(nb.sims[0]! - 6 / (Math.sqrt(42) + 1)) < 1e-6);
});

test('Ease: planted item first for warm and cold users', () => {
  plantedChecks(new Ease({ lambda: 1 }), true);
});

test('VectorKnn: nearest target vector to the mean of the user history; cold users unranked', () => {
  // 2-d vectors: 1 and 4 point the same way; 3 opposite; others orthogonal-ish.
  const vectors = Float32Array.of(0, 1, 1, 0.1, 0.5, 0.5, -1, 0, 0.9, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0);
  const m = new VectorKnn({ name: 'content_knn', vectors, dim: 2 });
  plantedChecks(m, false);
  const out = m.recommend(I(COLD, WARM), 2, exclusions(planted()));
  assert.deepEqual(row(out, 0, 2), [NO_ITEM, NO_ITEM]);
  assert.deepEqual(row(out, 1, 2), [4, 2]);
  assert.throws(() => new VectorKnn({ name: 'x', vectors: new Float32Array(3), dim: 2 }).fit(planted()), /vectors expected \[nItems, dim\] = 20 floats, got 3/);
});

/** Direct EASE: Gauss–Jordan inverse of XᵀX + λI, B = I − P diag(1/diag P). */
function denseEase(X: number[][], lambda: number): number[][] {
  const n = X[0]!.length;
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: 2 * n }, (_, j) => {
    if (j >= n) return j - n === i ? 1 : 0;
    let s = i === j ? lambda : 0;
    for (const x of X) s += x[i]! * x[j]!;
    return s;
  }));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    const d = A[c]![c]!;
    for (let j = 0; j < 2 * n; j++) A[c]![j]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r]![c]!;
      for (let j = 0; j < 2 * n; j++) A[r]![j]! -= f * A[c]![j]!;
    }
  }
  const P = A.map((r) => r.slice(n));
  return P.map((r, i) => r.map((v, j) => (i === j ? 0 : -v / P[j]![j]!)));
}

test('Ease matches a direct dense computation and ranks by X_u B', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const nU = 15, nI = 7;
  const X: number[][] = Array.from({ length: nU }, () => Array.from({ length: nI }, () => (rnd() < 0.4 ? 1 : 0)));
  for (let i = 0; i < nI; i++) X[i]![i] = 1; // every item has a user
  const user: number[] = [], item: number[] = [];
  X.forEach((r, u) => r.forEach((v, i) => { if (v) { user.push(u); item.push(i); } }));
  const t: TrainSet = {
    nUsers: nU, nItems: nI, user: Int32Array.from(user), item: Int32Array.from(item),
    itemType: new Uint8Array(nI), targetType: 0,
  };
  const lambda = 3;
  const m = new Ease({ lambda });
  m.fit(t);
  assert.equal(m.nSet, nI);
  const want = denseEase(X, lambda);
  for (let i = 0; i < nI; i++) {
    for (let j = 0; j < nI; j++) {
      assert.ok(Math.abs(m.weight(i, j) - want[i]![j]!) < 1e-5, `B[${i}][${j}] = ${m.weight(i, j)} != ${want[i]![j]}`);
    }
  }
  // Ranking for user 0 over all items, no exclusions: sort of X_0 B.
  const s = want[0]!.map((_, j) => X[0]!.reduce((acc, x, i) => acc + x * want[i]![j]!, 0));
  const order = s.map((_, j) => j).sort((a, b) => s[b]! - s[a]! || a - b);
  const got = m.recommend(I(0), nI, emptyCsr(nU, nI));
  assert.deepEqual([...got], order);
});

test('Ease refuses an item set above maxItems with a memory estimate', () => {
  const m = new Ease({ maxItems: 5 }); // 7 items have users: audiobooks 0,1,3,4,5 + podcasts 7,8
  assert.throws(() => m.fit(planted()), (e: unknown) =>
    e instanceof EaseTooLargeError && e.items === 7 && /above maxItems = 5.*GiB/.test(e.message));
  const target = new Ease({ maxItems: 5, itemSet: 'target' }); // 5 audiobooks with users (2 has none)
  target.fit(planted());
  assert.equal(target.nSet, 5);
  // Truncation keeps the 4 items with most users: 0 (8), 7 (7), 3 (6), 1 (5); 4, 5 and 8 (4 each) go.
  const cut = new Ease({ maxItems: 4, overflow: 'truncate' });
  cut.fit(planted());
  assert.equal(cut.nSet, 4);
  assert.ok(cut.weight(7, 3) > 0 && cut.weight(1, 4) === 0, 'item 4 must be outside the truncated set');
});

test('ItemKnn keeps only the top-M neighbours per item (by similarity, then lower id)', () => {
  // Item 0 co-occurs with 1 (3 users), 2 (2 users), 3 (1 user), 4 (1 user); all are candidates.
  const pairs: [number, number][] = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1], [3, 0], [3, 2], [4, 0], [4, 2], [5, 0], [5, 3], [6, 0], [6, 4]];
  const t: TrainSet = {
    nUsers: 7, nItems: 5, user: Int32Array.from(pairs, (p) => p[0]), item: Int32Array.from(pairs, (p) => p[1]),
    itemType: new Uint8Array(5), targetType: 0,
  };
  const m = new ItemKnn({ neighbours: 2, shrink: 0 });
  m.fit(t);
  const nb = m.neighboursOf(0);
  assert.deepEqual([...nb.items], [1, 2]);
  // cos(0,1) = 3 / (√7·√3), cos(0,2) = 2 / (√7·√2)
  assert.ok(Math.abs(nb.sims[0]! - 3 / Math.sqrt(21)) < 1e-6 && Math.abs(nb.sims[1]! - 2 / Math.sqrt(14)) < 1e-6);
  const all = new ItemKnn({ neighbours: 10, shrink: 0 });
  all.fit(t);
  assert.deepEqual([...all.neighboursOf(0).items].sort(), [1, 2, 3, 4]);
});
