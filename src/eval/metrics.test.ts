import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromPairs } from './csr.ts';
import { evaluateRankings, evaluateGroups } from './metrics.ts';
import { NO_ITEM, type Rankings } from './topk.ts';
import { aggregateSeeds, aggregateReports, meanStd } from './aggregate.ts';

const I = (...v: number[]) => Int32Array.from(v);
const close = (a: number | null, b: number, msg?: string) => {
  assert.ok(a !== null, `${msg ?? 'value'} is null`);
  assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? 'value'}: ${a} != ${b}`);
};

// 5 users, 10 items, catalogue = items 0..7.
const catalogue = I(0, 1, 2, 3, 4, 5, 6, 7);
// u0 {3}; u1 {2, 5}; u2 {7}; u3 none; u4 {6}
const targets = csrFromPairs(I(0, 1, 1, 2, 4), I(3, 2, 5, 7, 6), 5, 10);
// u4 has no row (unranked); u3 has a row but no targets.
const rankings: Rankings = { users: I(0, 1, 2, 3), k: 3, items: I(3, 1, 2, 0, 5, 2, 0, 1, 2, 4, 6, 7) };
const small = { hr: 2, mrr: 3, cov: 3, ndcg: 2, recall: 2 };

test('evaluateRankings: hand-computed HR, MRR, NDCG, Recall, Coverage with several targets', () => {
  const m = evaluateRankings(rankings, targets, { catalogue, cutoffs: small });
  assert.equal(m.users, 3);
  assert.equal(m.unranked, 1);
  close(m.hr10, 2 / 3, 'hr');
  close(m.mrr, (1 + 0.5 + 0) / 3, 'mrr');
  const g = 1 / Math.log2(3);
  close(m.ndcg10, (1 + g / (1 + g) + 0) / 3, 'ndcg');
  close(m.recall10, (1 + 0.5 + 0) / 3, 'recall');
  // u0 {3,1,2} ∪ u1 {0,5,2} ∪ u2 {0,1,2}; u3 (no targets) does not count.
  close(m.cov, 5 / 8, 'cov');
});

test('evaluateRankings: groups, empty group gives null metrics and users 0', () => {
  const warm = Uint8Array.of(1, 1, 0, 0, 1);
  const tier = Uint8Array.of(1, 1, 1, 1, 1, 4, 3, 5, 0, 0);
  const r = evaluateGroups(rankings, targets, { catalogue, warm, itemTier: tier, cutoffs: small });
  assert.equal(r.warm.users, 2);
  assert.equal(r.warm.unranked, 1);
  close(r.warm.hr10, 1);
  close(r.warm.mrr, 0.75);
  assert.equal(r.cold.users, 1);
  close(r.cold.hr10, 0);
  close(r.cold.cov, 3 / 8);
  assert.equal(r.all.users, 3);
  // Long tail: u0's only target (item 3) is tier 1 → u0 excluded; u1 → {5} hit at rank 2; u2 → {7} miss.
  assert.equal(r.longTail.users, 2);
  close(r.longTail.hr10, 0.5);
  close(r.longTail.mrr, 0.25);
  close(r.longTail.recall10, 0.5);
  close(r.longTail.cov, 4 / 8); // u1 {0,5,2} ∪ u2 {0,1,2}; u0 is out of this group

  // An explicit cold mask (e.g. inactive users excluded) replaces "not warm".
  const r2 = evaluateGroups(rankings, targets, { catalogue, warm, cold: Uint8Array.of(0, 0, 0, 1, 0), itemTier: tier, cutoffs: small });
  assert.equal(r2.cold.users, 0);
  assert.equal(r2.cold.hr10, null);
  assert.equal(r2.all.users, 3);

  const none = evaluateRankings(rankings, targets, { catalogue, member: new Uint8Array(5), cutoffs: small });
  assert.deepEqual(none, { users: 0, unranked: 0, hr10: null, mrr: null, cov: null, ndcg10: null, recall10: null });
  const agg = aggregateSeeds([none, none]);
  assert.equal(agg.hr10, null);
  assert.deepEqual(agg.usersPerSeed, [0, 0]);
});

test('evaluateRankings: default cut-offs (HR@10, MRR over 100, coverage over 100)', () => {
  const nItems = 300;
  const cat = Int32Array.from({ length: nItems }, (_, i) => i);
  const row = (start: number) => Int32Array.from({ length: 100 }, (_, i) => start + i);
  // u0's target at rank 50; u1's target at rank 100; u2's target at rank 101 (outside); u3 target at rank 10.
  const items = new Int32Array(4 * 100);
  items.set(row(0), 0); items.set(row(0), 100); items.set(row(100), 200); items.set(row(0), 300);
  const t = csrFromPairs(I(0, 1, 2, 3), I(49, 99, 250, 9), 4, nItems);
  const m = evaluateRankings({ users: I(0, 1, 2, 3), k: 100, items }, t, { catalogue: cat });
  assert.equal(m.users, 4);
  close(m.hr10, 0.25);
  close(m.mrr, (1 / 50 + 1 / 100 + 0 + 1 / 10) / 4);
  close(m.recall10, 0.25);
  close(m.ndcg10, 1 / Math.log2(11) / 4);
  close(m.cov, 200 / 300);
});

test('evaluateRankings: NO_ITEM rows are unranked, padding is allowed, recall caps at min(|T|, k)', () => {
  const t = csrFromPairs(I(0, 0, 0, 1), I(0, 1, 2, 3), 2, 5);
  const cat = I(0, 1, 2, 3, 4);
  const items = I(2, 0, NO_ITEM, NO_ITEM, NO_ITEM, NO_ITEM);
  const m = evaluateRankings({ users: I(0, 1), k: 3, items }, t, { catalogue: cat, cutoffs: { hr: 2, mrr: 3, cov: 3, ndcg: 2, recall: 2 } });
  assert.equal(m.users, 1);
  assert.equal(m.unranked, 1);
  close(m.recall10, 1); // 2 hits / min(3 targets, 2)
  close(m.ndcg10, 1); // both top slots relevant = ideal
  close(m.cov, 2 / 5);
});

test('evaluateRankings: refuses duplicates, items outside the catalogue, short rankings, repeated users', () => {
  const t = csrFromPairs(I(0), I(1), 1, 5);
  const cat = I(0, 1, 2);
  const cut = { hr: 2, mrr: 2, cov: 2, ndcg: 2, recall: 2 };
  assert.throws(() => evaluateRankings({ users: I(0), k: 2, items: I(1, 1) }, t, { catalogue: cat, cutoffs: cut }), /appears twice/);
  assert.throws(() => evaluateRankings({ users: I(0), k: 2, items: I(1, 4) }, t, { catalogue: cat, cutoffs: cut }), /not in the catalogue/);
  assert.throws(() => evaluateRankings({ users: I(0), k: 2, items: I(1, 2) }, t, { catalogue: cat }), /rankings.k expected >= the largest cut-off 100/);
  assert.throws(() => evaluateRankings({ users: I(0, 0), k: 2, items: I(1, 2, 1, 2) }, t, { catalogue: cat, cutoffs: cut }), /two ranking rows/);
  assert.throws(() => evaluateRankings({ users: I(0), k: 3, items: I(1, NO_ITEM, 2) }, t, { catalogue: cat, cutoffs: cut }), /after NO_ITEM padding/);
});

test('aggregate: mean ± sample std across seeds, one seed → std 0, nulls skipped', () => {
  assert.deepEqual(meanStd([1, 2, 3]), { mean: 2, std: 1, n: 3 });
  assert.deepEqual(meanStd([0.4]), { mean: 0.4, std: 0, n: 1 });
  const a = { users: 10, unranked: 0, hr10: 0.2, mrr: 0.1, cov: 0.5, ndcg10: 0.1, recall10: 0.2 };
  const b = { ...a, hr10: 0.4 };
  const c = { users: 0, unranked: 0, hr10: null, mrr: null, cov: null, ndcg10: null, recall10: null };
  const agg = aggregateSeeds([a, b, c]);
  assert.equal(agg.seeds, 3);
  close(agg.hr10!.mean, 0.3);
  close(agg.hr10!.std, Math.sqrt(0.02));
  assert.equal(agg.hr10!.n, 2);
  assert.deepEqual(agg.usersPerSeed, [10, 10, 0]);
  const rep = aggregateReports([{ warm: a, cold: c, all: a, longTail: b }]);
  assert.equal(rep.cold.mrr, null);
  assert.equal(rep.longTail.hr10!.std, 0);
});
