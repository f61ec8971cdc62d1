import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocabulary } from '../../features/index.ts';
import { Rng } from '../../tensor/index.ts';
import { twoTowerConfig } from './config.ts';
import { buildItemDense, hgnnInputFromTyped } from './item_features.ts';
import { plantedProblem } from './planted.ts';
import {
  ROLE_OTHER, ROLE_TARGET, ROLE_TASTE, buildPairUserFeatures, buildUserFeatures, fitUserFeatureSpec, itemRoles, userFeaturesFromRaw, userLayout,
  type UserFeatureContext,
} from './user_features.ts';

const DAY = 86_400_000;
const asOf = Date.UTC(2024, 0, 1);

// 6 items: 0,1 audiobooks, 2,3 podcasts, 4,5 music. HGNN dim 2, taste dim 2.
function tiny(useHgnn = true, weakSignals = true) {
  const role = itemRoles(['audiobook', 'music', 'podcast'], [0, 0, 2, 2, 1, 1], twoTowerConfig());
  const ctx: UserFeatureContext = {
    role,
    hgnn: Float32Array.from([1, 0, 0, 1, 2, 2, 4, 0, 9, 9, 9, 9]),
    hgnnMask: Uint8Array.from([1, 1, 1, 1, 1, 1]),
    taste: Float32Array.from([7, 7, 7, 7, 7, 7, 7, 7, 1, 3, 3, 5]),
  };
  const spec = fitUserFeatureSpec({ ...twoTowerConfig({ useHgnn, weakSignals }) }, { age: [20, 40, -1], country: ['SE', 'SE', null] }, 2, 2);
  return { ctx, spec, vocab: new Vocabulary(spec.countries) };
}

test('itemRoles and the spec: target / other graph types / taste, age stats, country vocabulary with unknown row', () => {
  const { ctx, spec } = tiny();
  assert.deepEqual([...ctx.role], [ROLE_TARGET, ROLE_TARGET, ROLE_OTHER, ROLE_OTHER, ROLE_TASTE, ROLE_TASTE]);
  assert.equal(spec.ageMean, 30);
  assert.equal(spec.ageStd, 10);
  assert.deepEqual(spec.countries, ['<unk>', 'SE']);
  assert.equal(spec.dim, 2 * 2 + 2 + 5);
  assert.deepEqual(userLayout(spec), { target: 0, other: 2, textTarget: 4, textOther: 4, taste: 4, scalars: 6 });
});

test('user row hand-computed: 90-day window, distinct items, weak signals, future rows ignored', () => {
  const { ctx, spec, vocab } = tiny();
  const raw = {
    items: [0, 1, 1, 2, 3, 4, 0, 3],
    kinds: [0, 2, 0, 0, 1, 0, 0, 0], // item 1 followed + streamed, podcast 3 previewed
    ts: [asOf - DAY, asOf - 5 * DAY, asOf - 6 * DAY, asOf - 100 * DAY, asOf - 2 * DAY, asOf - 300 * DAY, asOf + DAY, asOf],
    age: 50, country: 'SE', asOf,
  };
  const { dense, country } = userFeaturesFromRaw(spec, ctx, vocab, raw);
  // audiobooks {0, 1} -> mean([1,0],[0,1]); podcasts: 2 is older than 90 days, 3 (preview) -> [4, 0];
  // music: 4 (300 days, taste window is the whole history) -> [1, 3]; age (50-30)/10 = 2
  assert.deepEqual([...dense], [0.5, 0.5, 4, 0, 1, 3, 2, 0, 1, 1, 1]);
  assert.equal(country, 1);
  // without weak signals the follow of item 1 still has a stream; the podcast preview drops out
  const noWeak = tiny(true, false);
  const d2 = userFeaturesFromRaw(noWeak.spec, noWeak.ctx, noWeak.vocab, raw).dense;
  assert.deepEqual([...d2], [0.5, 0.5, 0, 0, 1, 3, 2, 0, 1, 0, 1]);
  // a cold, unknown user still gets a complete vector: zeros, missing-age flag, unknown country row
  const cold = userFeaturesFromRaw(spec, ctx, vocab, { items: [], kinds: [], ts: [], age: null, country: 'XX', asOf });
  assert.deepEqual([...cold.dense], [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.equal(cold.country, 0);
  assert.throws(() => userFeaturesFromRaw(spec, ctx, vocab, { items: [1], kinds: [], ts: [1], asOf }), /userFeaturesFromRaw: items, kinds and ts must have the same length, got 1, 0, 1/);
});

test('historyText adds the mean text vectors of the target / other history (2 slots), HGNN or not', () => {
  const { ctx } = tiny();
  ctx.text = Float32Array.from([1, 1, 3, 3, 10, 0, 0, 10, 5, 5, 5, 5]);
  const spec = fitUserFeatureSpec(twoTowerConfig({ useHgnn: false }), { age: [30], country: ['SE'] }, 2, 2, 2);
  assert.equal(spec.dim, 2 * 2 + 2 + 5);
  assert.deepEqual(userLayout(spec), { target: 0, other: 0, textTarget: 0, textOther: 2, taste: 4, scalars: 6 });
  const { dense } = userFeaturesFromRaw(spec, ctx, new Vocabulary(spec.countries),
    { items: [0, 1, 3], kinds: [0, 0, 2], ts: [asOf - 1, asOf - 1, asOf - 1], age: 30, country: 'SE', asOf });
  assert.deepEqual([...dense], [2, 2, 0, 10, 0, 0, 0, 0, 1, 1, 0]);
  assert.throws(() => userFeaturesFromRaw(spec, { ...ctx, text: null }, new Vocabulary(spec.countries), { items: [], kinds: [], ts: [], asOf }),
    /writeUserRow: spec.historyTextDim > 0 but the context has no text table/);
});

test('items without an HGNN embedding are left out of the means; unknown item ids are ignored', () => {
  const { ctx, spec, vocab } = tiny();
  ctx.hgnnMask![1] = 0;
  const { dense } = userFeaturesFromRaw(spec, ctx, vocab, { items: [0, 1, 99, -1], kinds: [0, 0, 0, 0], ts: [asOf - 1, asOf - 1, asOf - 1, asOf - 1], asOf });
  assert.deepEqual([...dense.subarray(0, 2)], [1, 0]);
});

test('train/serve equality: buildUserFeatures rows == userFeaturesFromRaw on shuffled raw histories, exactly', () => {
  const p = plantedProblem({ users: 150 });
  // add noise rows: future interactions, weak signals, repeats, 'other' kind
  const rng = new Rng(9);
  const extra = 400;
  const t = p.train;
  const user = Int32Array.from([...t.user, ...Array.from({ length: extra }, () => rng.int(p.users.n))]);
  const item = Int32Array.from([...t.item, ...Array.from({ length: extra }, () => rng.int(p.items.n))]);
  const kind = Uint8Array.from([...t.kind, ...Array.from({ length: extra }, () => rng.int(5))]);
  const ts = Float64Array.from([...t.ts, ...Array.from({ length: extra }, () => p.asOf + (rng.float() - 0.7) * 300 * DAY)]);
  const train = { n: user.length, user, item, kind, ts };
  for (const cfg of [twoTowerConfig(), twoTowerConfig({ useHgnn: false, historyText: true, weakSignals: false, tasteWindowDays: 30 })]) {
    const role = itemRoles(p.itemTypeNames, p.itemType, cfg);
    const ctx: UserFeatureContext = { role, hgnn: p.hgnn.emb, hgnnMask: p.hgnn.mask, taste: p.items.text, text: p.items.text };
    const spec = fitUserFeatureSpec(cfg, p.users, p.hgnn.dim, p.items.textDim, cfg.historyText ? p.items.textDim : 0);
    const vocab = new Vocabulary(spec.countries);
    const built = buildUserFeatures(spec, ctx, vocab, p.users, train, p.asOf);
    const D = spec.dim;
    for (let u = 0; u < p.users.n; u++) {
      const rows = [...Array(train.n).keys()].filter((e) => train.user[e] === u);
      rng.shuffle(rows);
      const raw = { items: rows.map((e) => item[e]), kinds: rows.map((e) => kind[e]), ts: rows.map((e) => ts[e]),
        age: p.users.age[u] >= 0 ? p.users.age[u] : null, country: p.users.country[u], asOf: p.asOf };
      const served = userFeaturesFromRaw(spec, ctx, vocab, raw);
      assert.deepEqual(served.dense, built.dense.subarray(u * D, (u + 1) * D), `user ${u} (${JSON.stringify(cfg.useHgnn)})`);
      assert.equal(served.country, built.country[u]);
    }
  }
});

test('item dense input: text then HGNN (zeros where the mask is 0), no HGNN columns in plain 2T', () => {
  const items = { n: 2, text: Float32Array.from([1, 2, 3, 4]), textDim: 2, languageId: new Int32Array(2), genreId: new Int32Array(2), languageVocab: 1, genreVocab: 1 };
  const hgnn = { emb: Float32Array.from([5, 6, 7, 8]), dim: 2, mask: Uint8Array.from([1, 0]) };
  assert.deepEqual([...buildItemDense(items, hgnn)], [1, 2, 5, 6, 3, 4, 0, 0]);
  assert.deepEqual([...buildItemDense(items, null)], [1, 2, 3, 4]);
});

test('hgnnInputFromTyped aligns per-type string-id embeddings with dense ids; missing items get mask 0', () => {
  const h = hgnnInputFromTyped(['a', 'b', 'c'], { dim: 2, types: { podcast: { ids: ['c', 'zz'], x: Float32Array.from([1, 2, 3, 4]) }, audiobook: { ids: ['a'], x: Float32Array.from([5, 6]) } } });
  assert.deepEqual([...h.emb], [5, 6, 0, 0, 1, 2]);
  assert.deepEqual([...h.mask], [1, 0, 1]);
  assert.throws(() => hgnnInputFromTyped(['a'], { dim: 2, types: { t: { ids: ['a'], x: new Float32Array(3) } } }), /hgnnInputFromTyped: type 't' has 1 ids but 3 values \(dim 2\)/);
});

test('buildPairUserFeatures: each positive sees only the history strictly before it (no label in its own input)', () => {
  const { ctx, spec, vocab } = tiny();
  const users = { n: 2, age: [20, 40], country: ['SE', null] };
  // user 0: podcast 2 (day -10), audiobook 0 (day -5), audiobook 1 (day -2); user 1: audiobook 1 (day -3) only
  const train = {
    n: 4, user: Int32Array.from([0, 0, 0, 1]), item: Int32Array.from([2, 0, 1, 1]), kind: Uint8Array.from([0, 0, 0, 0]),
    ts: Float64Array.from([asOf - 10 * DAY, asOf - 5 * DAY, asOf - 2 * DAY, asOf - 3 * DAY]),
  };
  const at = Float64Array.from([asOf - 5 * DAY, asOf - 2 * DAY, asOf - 3 * DAY]);
  const r = buildPairUserFeatures(spec, ctx, vocab, users, train, Int32Array.from([0, 0, 1]), at);
  const D = spec.dim, lay = userLayout(spec), row = (k: number) => [...r.dense.subarray(k * D, (k + 1) * D)];
  // pair 0 (user 0 -> audiobook 0): only the podcast before it; no audiobook yet (a cold-start example)
  assert.deepEqual(row(0).slice(lay.target, lay.target + 2), [0, 0]);
  assert.deepEqual(row(0).slice(lay.other, lay.other + 2), [2, 2]);
  assert.equal(row(0)[lay.scalars + 2], 0, 'hasTarget 0');
  // pair 1 (user 0 -> audiobook 1): audiobook 0 is history, audiobook 1 is not
  assert.deepEqual(row(1).slice(lay.target, lay.target + 2), [1, 0]);
  assert.equal(row(1)[lay.scalars + 2], 1);
  // pair 2: user 1 has nothing before; the whole-window row (buildUserFeatures) would contain the label
  assert.equal(row(2)[lay.scalars + 2], 0);
  const whole = buildUserFeatures(spec, ctx, vocab, users, train, asOf);
  assert.deepEqual([...whole.dense.subarray(D + lay.target, D + lay.target + 2)], [0, 1], 'asOf row includes the positive itself');
  assert.deepEqual([...r.country], [vocab.id('SE'), vocab.id('SE'), 0]);
  // each row equals the request path at that time
  const req = userFeaturesFromRaw(spec, ctx, vocab, { items: [2, 0, 1], kinds: [0, 0, 0], ts: [...train.ts.subarray(0, 3)], age: 20, country: 'SE', asOf: at[1] });
  assert.deepEqual([...req.dense], row(1));
  assert.throws(() => buildPairUserFeatures(spec, ctx, vocab, users, train, Int32Array.from([0]), at), /buildPairUserFeatures: user and at must have the same length/);
});
