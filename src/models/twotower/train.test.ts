import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plantedProblem, recallAtK, type Planted } from './planted.ts';
import { positivePairs, trainTwoTower, type TrainTwoTowerOptions } from './train.ts';
import { TwoTowerModel } from './model.ts';
import type { TwoTowerConfig } from './config.ts';

const SMALL: Partial<TwoTowerConfig> = { hidden: [64, 32], batchSize: 32, epochs: 12, lr: 3e-3, seed: 3, threads: 1 };

function opts(p: Planted, config: Partial<TwoTowerConfig> = {}): TrainTwoTowerOptions {
  return { itemTypeNames: p.itemTypeNames, itemType: p.itemType, items: p.items, users: p.users, train: p.train, asOf: p.asOf,
    hgnn: p.hgnn, config: { ...SMALL, ...config }, progress: false };
}

/** User vectors through the request path (raw history -> userVector). -> [U, H] */
function userVectors(m: TwoTowerModel, p: Planted): Float32Array {
  const H = m.dim, out = new Float32Array(p.users.n * H);
  const byUser: number[][] = Array.from({ length: p.users.n }, () => []);
  for (let e = 0; e < p.train.n; e++) byUser[p.train.user[e]].push(e);
  for (let u = 0; u < p.users.n; u++) {
    const rows = byUser[u];
    m.userVector({ items: rows.map((e) => p.train.item[e]), kinds: rows.map((e) => p.train.kind[e]), ts: rows.map((e) => p.train.ts[e]),
      age: p.users.age[u] >= 0 ? p.users.age[u] : null, country: p.users.country[u], asOf: p.asOf }, out.subarray(u * H, (u + 1) * H));
  }
  return out;
}

function assertCloseRows(a: Float32Array, b: Float32Array): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(b[i])), `index ${i}: ${a[i]} vs ${b[i]}`);
}

function recall(m: TwoTowerModel, p: Planted, users?: Int32Array): number {
  return recallAtK(userVectors(m, p), m.itemVectors(p.audiobooks), p.audiobooks, p.heldOut, m.dim, 10, users);
}

test('on a planted problem the towers learn it (recall@10 far above random, cold users too), deterministically', async () => {
  const p = plantedProblem();
  const random = 10 / p.audiobooks.length; // 0.05
  const m = await trainTwoTower(opts(p));
  const r = recall(m, p);
  const cold = Int32Array.from([...Array(p.users.n).keys()].filter((u) => {
    for (let e = 0; e < p.train.n; e++) if (p.train.user[e] === u && p.train.item[e] < p.audiobooks.length) return false;
    return true;
  }));
  const rc = recall(m, p, cold);
  if (process.env.HGREC_VERBOSE) console.error({ recall: r, coldRecall: rc, loss: m.history.map((h) => h.loss) });
  assert.ok(r > 4 * random, `recall@10 ${r} should be far above random ${random}`);
  assert.ok(cold.length > 20 && rc > 4 * random, `cold-user recall@10 ${rc} (${cold.length} cold users) should be far above random`);
  assert.ok(m.history.length === 12 && m.history[11].loss < m.history[0].loss, `loss should fall: ${m.history.map((h) => h.loss.toFixed(3))}`);
  // the batched evaluation path gives the request-path vectors
  assertCloseRows(m.userVectorsAt(p.users, p.train, p.asOf), userVectors(m, p));
  const again = await trainTwoTower(opts(p));
  assert.deepEqual(again.itemVectors(), m.itemVectors(), 'same seed, same model');
  const other = await trainTwoTower(opts(p, { seed: 4, epochs: 1 }));
  assert.notDeepEqual(other.itemVectors().subarray(0, 8), m.itemVectors().subarray(0, 8));
});

test('the no-HGNN switch removes the HGNN inputs on both towers: dims shrink, HGNN values do not matter', async () => {
  const p = plantedProblem({ users: 120 });
  const withH = await trainTwoTower(opts(p, { epochs: 1 }));
  const a = await trainTwoTower(opts(p, { epochs: 2, useHgnn: false }));
  const scrambled = { ...p, hgnn: { ...p.hgnn, emb: p.hgnn.emb.map((v, i) => v * -3 + (i % 7)) } };
  const b = await trainTwoTower(opts(scrambled, { epochs: 2, useHgnn: false }));
  assert.equal(withH.net.dims.userDense - a.net.dims.userDense, 2 * p.hgnn.dim);
  assert.equal(withH.net.dims.itemDense - a.net.dims.itemDense, p.hgnn.dim);
  assert.equal(a.userSpec.useHgnn, false);
  assert.deepEqual(b.itemVectors(), a.itemVectors());
  assert.deepEqual(userVectors(b, scrambled), userVectors(a, p));
  // ...while with HGNN the same scrambling changes the model
  const c = await trainTwoTower(opts(scrambled, { epochs: 1 }));
  assert.notDeepEqual(c.itemVectors(), withH.itemVectors());
  // historyText: a content-only history signal for plain 2T (2 text slots, still no HGNN)
  const ht = await trainTwoTower(opts(p, { epochs: 1, useHgnn: false, historyText: true }));
  assert.equal(ht.net.dims.userDense - a.net.dims.userDense, 2 * p.items.textDim);
  await assert.rejects(trainTwoTower({ ...opts(p), hgnn: null }), /trainTwoTower: config.useHgnn is true but no hgnn embeddings were given/);
});

test('checkpoint each epoch + resume gives exactly the uninterrupted run; save/load round-trips', async () => {
  const p = plantedProblem({ users: 100 });
  const dir = mkdtempSync(join(tmpdir(), 'hgrec-2t-'));
  try {
    const full = await trainTwoTower(opts(p, { epochs: 3 }));
    await trainTwoTower({ ...opts(p, { epochs: 1 }), checkpointDir: join(dir, 'ck') });
    const resumed = await trainTwoTower({ ...opts(p, { epochs: 3 }), checkpointDir: join(dir, 'ck'), resume: true });
    assert.deepEqual(resumed.net.params.data, full.net.params.data);
    assert.equal(resumed.history.length, 3);
    await assert.rejects(trainTwoTower({ ...opts(p, { epochs: 3, lr: 0.01 }), checkpointDir: join(dir, 'ck'), resume: true }), /was written for another setup/);

    full.itemIds = Array.from({ length: p.items.n }, (_, i) => `it${i}`);
    full.save(join(dir, 'model'));
    const loaded = TwoTowerModel.load(join(dir, 'model'));
    assert.deepEqual(loaded.itemVectors(), full.itemVectors());
    assert.deepEqual(userVectors(loaded, p), userVectors(full, p));
    assert.deepEqual(loaded.targetItems(), p.audiobooks);
    // string ids and kind names at the edge give the same vector as dense ids
    const rows = [...Array(p.train.n).keys()].filter((r) => p.train.user[r] === 7);
    const dense = loaded.userVector({ items: rows.map((r) => p.train.item[r]), kinds: rows.map((r) => p.train.kind[r]), ts: rows.map((r) => p.train.ts[r]), asOf: p.asOf });
    const kindNames = ['stream', 'preview', 'follow', 'intent_to_pay', 'other'];
    const strings = loaded.userVector(loaded.rawUserFromStrings({ items: [...rows.map((r) => `it${p.train.item[r]}`), 'unknown-id'],
      kinds: [...rows.map((r) => kindNames[p.train.kind[r]]), 'stream'], ts: [...rows.map((r) => p.train.ts[r]), p.asOf - 1], asOf: p.asOf }));
    assert.deepEqual(strings, dense);
    const ht = await trainTwoTower(opts(p, { epochs: 1, useHgnn: false, historyText: true }));
    ht.save(join(dir, 'ht'));
    assert.deepEqual(userVectors(TwoTowerModel.load(join(dir, 'ht')), p), userVectors(ht, p));
    assert.throws(() => TwoTowerModel.load(join(dir, 'nothing')), /TwoTowerModel.load: .*twotower.json not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('NaN guard: non-finite inputs are refused up front; a non-finite loss stops training before the update', async () => {
  const p = plantedProblem({ users: 60 });
  const T = p.items.textDim, firstPositive = p.train.item.find((i) => i < p.audiobooks.length)!;
  const bad = { ...p, items: { ...p.items, text: p.items.text.map((v, i) => (i === firstPositive * T ? NaN : v)) } };
  await assert.rejects(trainTwoTower(opts(bad, { epochs: 1 })), new RegExp(`TwoTowerTrainer: itemDense has a non-finite value NaN at row ${firstPositive}, column 0`));
  // divergence: an absurd learning rate blows the loss up; the guard names the step
  await assert.rejects(trainTwoTower(opts(p, { epochs: 50, lr: 1e12 })), /trainTwoTower: epoch \d+: TwoTowerTrainer.step: loss is (NaN|Infinity) at Adam step \d+.*not updated/);
});

test('the model trains for another target type (podcasts)', async () => {
  const p = plantedProblem({ users: 80 });
  const m = await trainTwoTower(opts(p, { targetType: 'podcast', epochs: 1 }));
  const t = m.targetItems();
  assert.equal(t.length, p.audiobooks.length);
  assert.ok(t.every((i) => p.itemTypeNames[p.itemType[i]] === 'podcast'));
  await assert.rejects(trainTwoTower(opts(p, { targetType: 'film' })), /itemRoles: targetType 'film' is not an item type/);
});

test('positivePairs: distinct (user, target item) pairs before asOf with the allowed kinds; counts per item', () => {
  const role = Int32Array.from([1, 1, 2]); // items 0, 1 target; 2 other
  const train = {
    n: 7, user: Int32Array.from([0, 0, 1, 1, 2, 2, 3]), item: Int32Array.from([1, 1, 0, 2, 0, 1, 0]),
    kind: Uint8Array.from([0, 0, 0, 0, 2, 0, 0]), ts: Float64Array.from([1, 2, 3, 4, 5, 6, 100]),
  };
  const p = positivePairs(train, role, ['stream'], 100);
  assert.deepEqual([...p.user], [0, 1, 2]);
  assert.deepEqual([...p.item], [1, 0, 1]);
  assert.deepEqual([...p.counts], [1, 2, 0]);
  assert.deepEqual([...p.ts], [1, 3, 6], 'time of the FIRST positive interaction of each pair');
  const withFollow = positivePairs(train, role, ['stream', 'follow'], 101);
  assert.deepEqual([...withFollow.user], [0, 1, 2, 2, 3]);
});

test('temperature: served user and item vectors are unit rows (as scored in training), request path = batch path, save/load keeps it', async () => {
  const p = plantedProblem({ users: 120 });
  const m = await trainTwoTower(opts(p, { epochs: 2, temperature: 0.1 }));
  const H = m.dim, items = m.itemVectors(p.audiobooks), users = userVectors(m, p);
  for (const [a, n] of [[items, p.audiobooks.length], [users, p.users.n]] as const) {
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < H; j++) s += a[r * H + j] ** 2;
      assert.ok(Math.abs(s - 1) < 1e-4, `row ${r} has squared norm ${s}`);
    }
  }
  assertCloseRows(m.userVectorsAt(p.users, p.train, p.asOf), users);
  const dir = mkdtempSync(join(tmpdir(), 'tt-tau-'));
  try {
    m.save(dir);
    const back = TwoTowerModel.load(dir);
    assert.equal(back.config.temperature, 0.1);
    assert.deepEqual(back.itemVectors(p.audiobooks), items);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const dot = await trainTwoTower(opts(p, { epochs: 2 }));
  assert.ok(dot.itemVectors(p.audiobooks).some((x, i) => i < 10 * H && Math.abs(x) > 1), 'without temperature outputs are not normalised');
});
