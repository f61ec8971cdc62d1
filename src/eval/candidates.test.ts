import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromPairs, csrRow, csrTranspose } from './csr.ts';
import { targetCatalogue, consumedInTraining, heldOutTargets, itemMask } from './candidates.ts';
import { groupMasks, restrictTargetsToTiers } from './groups.ts';
import { GROUP_WARM, GROUP_COLD, GROUP_INACTIVE } from '../data/groups.ts';
import { RankingSelector, NO_ITEM } from './topk.ts';

const I = (...v: number[]) => Int32Array.from(v);

test('csrFromPairs sorts, deduplicates and filters; transpose inverts', () => {
  const m = csrFromPairs(I(1, 0, 1, 1, 2), I(3, 0, 1, 3, 2), 3, 4, (i) => i !== 4);
  assert.deepEqual([...csrRow(m, 0)], [0]);
  assert.deepEqual([...csrRow(m, 1)], [1, 3]);
  assert.deepEqual([...csrRow(m, 2)], []);
  const t = csrTranspose(m);
  assert.deepEqual([...csrRow(t, 3)], [1]);
  assert.deepEqual([...csrRow(t, 0)], [0]);
  assert.throws(() => csrFromPairs(I(5), I(0), 3, 4), /rows\[0\] expected in \[0, 3\), got 5/);
});

test('candidates: catalogue, training exclusions by kind, targets minus exclusions', () => {
  const itemType = Uint8Array.of(0, 1, 1, 0, 1); // type 1 = target
  const cat = targetCatalogue(itemType, 1);
  assert.deepEqual([...cat], [1, 2, 4]);
  const train = { user: I(0, 0, 1, 1), item: I(1, 3, 2, 4), kind: Uint8Array.of(0, 0, 0, 2) };
  const excl = consumedInTraining(train, 2, 5, { items: itemMask(cat, 5) });
  assert.deepEqual([...csrRow(excl, 0)], [1]);
  assert.deepEqual([...csrRow(excl, 1)], [2, 4]);
  const streamsOnly = consumedInTraining(train, 2, 5, { kinds: [0] });
  assert.deepEqual([...csrRow(streamsOnly, 1)], [2]);
  // u0 re-plays 1 (excluded → dropped) and discovers 4; u1 plays non-target 0 and target 1.
  const test = { user: I(0, 0, 1, 1, 0), item: I(1, 4, 0, 1, 4) };
  const t = heldOutTargets(test, 2, 5, itemMask(cat, 5), excl);
  assert.deepEqual([...csrRow(t, 0)], [4]);
  assert.deepEqual([...csrRow(t, 1)], [1]);
});

test('groups: masks from the data layer codes, long-tail restriction', () => {
  const { warm, cold } = groupMasks(Uint8Array.of(GROUP_WARM, GROUP_COLD, GROUP_INACTIVE, GROUP_WARM));
  assert.deepEqual([...warm], [1, 0, 0, 1]);
  assert.deepEqual([...cold], [0, 1, 0, 0]);
  const tier = Uint8Array.of(1, 2, 3, 4, 5, 0);
  const targets = csrFromPairs(I(0, 0, 0, 1, 1), I(0, 2, 4, 1, 0), 2, 6);
  const tail = restrictTargetsToTiers(targets, tier);
  assert.deepEqual([...csrRow(tail, 0)], [2, 4]);
  assert.deepEqual([...csrRow(tail, 1)], []);
  assert.deepEqual([...csrRow(restrictTargetsToTiers(targets, tier, [2]), 1)], [1]);
  assert.throws(() => restrictTargetsToTiers(targets, new Uint8Array(3)), /itemTier expected length nItems = 6, got 3/);
});

test('RankingSelector: score, then tie-break, then lower id; exclusions; padding', () => {
  const sel = new RankingSelector(10, 4);
  const cands = I(9, 3, 5, 7, 1);
  const out = new Int32Array(8).fill(42);
  // 9 and 3 tie on score 1 → lower id 3 first; 5 and 7 tie on 2 but tieBreak favours 7.
  const n = sel.select(Float64Array.of(1, 1, 2, 2, 0), cands, I(), out, 0, Float64Array.of(0, 0, 1, 5, 0));
  assert.equal(n, 4);
  assert.deepEqual([...out.subarray(0, 4)], [7, 5, 3, 9]);
  // Exclusions are per call; only 2 candidates remain → padding.
  const m = sel.select(Float64Array.of(1, 1, 2, 2, 0), cands, I(7, 5, 9), out, 4);
  assert.equal(m, 2);
  assert.deepEqual([...out.subarray(4, 8)], [3, 1, NO_ITEM, NO_ITEM]);
  // Many candidates, k smaller: matches a full sort.
  const big = new RankingSelector(1000, 25);
  const ids = Int32Array.from({ length: 1000 }, (_, i) => i);
  const sc = Float64Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 101) / 7);
  const got = new Int32Array(25);
  big.select(sc, ids, I(0, 1, 2), got, 0);
  const want = [...ids].filter((i) => i > 2).sort((a, b) => sc[b]! - sc[a]! || a - b).slice(0, 25);
  assert.deepEqual([...got], want);
  assert.throws(() => sel.select(Float64Array.of(NaN), I(1), I(), out, 0), /NaN/);
});
