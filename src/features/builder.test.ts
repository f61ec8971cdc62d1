import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyItemFeatures, fitItemFeatures, typeFeatureMatrix, type ItemTable } from './builder.ts';
import { loadFeatureState, saveFeatureState } from './feature_state.ts';
import type { ItemTextEncoder } from './encoder.ts';
import { fitStandardizer, itemStatistics, standardize } from './stats.ts';
import { Vocabulary } from './vocabulary.ts';

test('vocabulary: reserved unknown row, frequency order, caps, multi-valued cells, JSON round trip', () => {
  const v = Vocabulary.fit(['fr', ' en ', 'en', null, '', ['de', 'en'], 'xx'], { minCount: 1, maxSize: 3 });
  assert.deepEqual(v.tokens, ['<unk>', 'en', 'de', 'fr']);
  assert.equal(v.id('en'), 1);
  assert.equal(v.id('xx'), 0); // capped away
  assert.equal(v.id(null), 0);
  assert.deepEqual(Array.from(v.ids(['fr', 'nope', undefined])), [3, 0, 0]);
  assert.deepEqual(Array.from(v.oneHot([['de', 'fr'], null])), [0, 0, 1, 1, 1, 0, 0, 0]);
  const lc = Vocabulary.fit(['EN', 'en'], { lowercase: true });
  assert.deepEqual(lc.tokens, ['<unk>', 'en']);
  assert.equal(lc.id('En'), 1);
  assert.deepEqual(Vocabulary.fromJSON(JSON.parse(JSON.stringify(v))).tokens, v.tokens);
  assert.throws(() => Vocabulary.fromJSON({ tokens: [] }), /expected \{format/);
});

test('popularity statistics: counts, distinct users, mean weight, recency; cold items; standardised', () => {
  const day = 86400;
  const inter = {
    item: Int32Array.from([0, 0, 0, 1]),
    user: Int32Array.from([5, 5, 6, 5]),
    ts: Float64Array.from([0, 2 * day, 4 * day, 10 * day]),
    weight: Float32Array.from([4, 2, 3, 5]),
  };
  const raw = itemStatistics(inter, 3);
  assert.deepEqual(raw.names, ['log_count', 'log_distinct_users', 'mean_weight', 'log_recency_days', 'log_age_days', 'has_interactions']);
  const row = (i: number) => Array.from(raw.x.subarray(i * 6, i * 6 + 6));
  assert.deepEqual(row(0), [Math.log1p(3), Math.log1p(2), 3, Math.log1p(6), Math.log1p(10), 1]);
  assert.deepEqual(row(1), [Math.log1p(1), Math.log1p(1), 5, 0, 0, 1]);
  // never interacted: zero counts, global mean weight, recency = age = window length
  assert.deepEqual(row(2), [0, 0, 3.5, Math.log1p(10), Math.log1p(10), 0]);
  const st = fitStandardizer(raw);
  const z = standardize(raw, st);
  for (let c = 0; c < 6; c++) {
    let m = 0, s = 0;
    for (let i = 0; i < 3; i++) m += z[i * 6 + c] / 3;
    for (let i = 0; i < 3; i++) s += (z[i * 6 + c] - m) ** 2 / 3;
    assert.ok(Math.abs(m) < 1e-6 && Math.abs(s - 1) < 1e-5, `column ${c}: mean ${m} var ${s}`);
  }
  // a constant column (every item interacted) standardises to exactly 0
  const all = itemStatistics({ item: Int32Array.from([0, 1, 2]), ts: Float64Array.from([0, 0, day]) }, 3);
  const zAll = standardize(all, fitStandardizer(all));
  const h = all.names.indexOf('has_interactions');
  for (let i = 0; i < 3; i++) assert.equal(zAll[i * all.names.length + h], 0);
  assert.throws(() => itemStatistics({ item: Int32Array.from([3]), ts: Float64Array.from([0]) }, 3), /item\[0\] = 3 outside \[0, 3\)/);
});

function catalogue(): ItemTable {
  const ids: string[] = [], type: string[] = [], title: (string | null)[] = [], genre: (string | null)[] = [],
    language: (string | null)[] = [];
  const topics = [['dragon', 'castle', 'wizard', 'sword'], ['market', 'profit', 'stock', 'investor']];
  for (let i = 0; i < 40; i++) {
    ids.push(`a${i}`); type.push('audiobook');
    const t = topics[i % 2];
    title.push(i === 39 ? null : `${t[i % 4]} ${t[(i + 1) % 4]} ${t[(i + 2) % 4]}`);
    genre.push(i % 2 ? 'FIC' : 'BUS'); language.push(i % 3 ? 'en' : 'fr');
  }
  for (let i = 0; i < 20; i++) {
    ids.push(`p${i}`); type.push('podcast'); title.push(null); genre.push(i % 4 ? 'news' : null); language.push('en');
  }
  return { ids, type, title, genre, language };
}

test('feature builder: text for some types, categorical + stats for others; report, blocks, per-type matrices', async () => {
  const items = catalogue();
  const inter = { item: Int32Array.from([0, 1, 1, 45, 45, 45]), ts: Float64Array.from([0, 1, 2, 3, 4, 5]) };
  const { features: f, state } = await fitItemFeatures(items, inter, { tfidfSvd: { dim: 8 } });
  assert.deepEqual(state.textTypes, ['audiobook']); // podcasts have no text -> auto leaves them out
  assert.deepEqual(f.blocks.map((b) => [b.name, b.dim]), [['text', 8], ['type', 3], ['genre', 4], ['language', 3], ['stats', 4]]);
  assert.equal(f.dim, 8 + 3 + 4 + 3 + 4);
  const ab = f.report.find((r) => r.type === 'audiobook')!;
  const pod = f.report.find((r) => r.type === 'podcast')!;
  assert.equal(ab.text, true);
  assert.equal(ab.textEncoder, 'tfidf-svd');
  assert.equal(ab.emptyText, 1); // the item without a title
  assert.deepEqual(pod.categorical, ['type', 'genre', 'language']);
  assert.equal(pod.text, false);
  assert.deepEqual(pod.stats, ['log_count', 'log_recency_days', 'log_age_days', 'has_interactions']);
  assert.equal(pod.dim, 3 + 4 + 3 + 4);
  // podcast rows are zero in the text block; the type one-hot is set
  const D = f.dim;
  for (let c = 0; c < 8; c++) assert.equal(f.x[45 * D + c], 0);
  assert.equal(f.x[45 * D + 8 + f.typeId[45]], 1);
  assert.equal(f.textEmpty[39], 1);
  assert.equal(f.genreId[40], 0); // podcast 0 has no genre -> unknown
  assert.equal(state.vocabularies.language.tokens[f.languageId[0]], 'fr');
  const pm = typeFeatureMatrix(f, 'podcast');
  assert.equal(pm.rows.length, 20);
  assert.equal(pm.dim, pod.dim);
  assert.deepEqual(Array.from(pm.x.subarray(0, pm.dim)), Array.from(f.x.subarray(40 * D + 8, 41 * D)));
  // explicit policy: categorical only for podcasts
  const only = await fitItemFeatures(items, undefined, { tfidfSvd: { dim: 8 }, categoricalTypes: ['podcast'] });
  assert.deepEqual(only.features.report.find((r) => r.type === 'audiobook')!.categorical, ['type']);
  assert.equal(only.features.blocks.some((b) => b.name === 'stats'), false);
});

test('feature state: save -> load -> identical features; new items get cold stats; custom encoder required on load', async () => {
  const items = catalogue();
  const inter = { item: Int32Array.from([0, 1, 1, 45]), ts: Float64Array.from([0, 1, 2, 3]) };
  const { features, state } = await fitItemFeatures(items, inter, { tfidfSvd: { dim: 8 } });
  const dir = mkdtempSync(join(tmpdir(), 'hgrec-fstate-'));
  try {
    saveFeatureState(state, dir);
    const loaded = loadFeatureState(dir);
    const again = await applyItemFeatures(loaded, items, inter);
    assert.deepEqual(again.x, features.x);
    // a new audiobook at serving time, no interactions: text like item 0, cold statistics
    const fresh = await applyItemFeatures(loaded, { ids: ['new'], type: ['audiobook'], title: [items.title![0]], genre: ['FIC'],
      language: ['EN'] });
    assert.deepEqual(fresh.x.subarray(0, 8), features.x.subarray(0, 8));
    const stats = fresh.blocks.find((b) => b.name === 'stats')!;
    const cold = features.x.subarray(2 * features.dim + stats.offset, 2 * features.dim + stats.offset + stats.dim); // item 2: no interactions
    assert.deepEqual(fresh.x.subarray(stats.offset, stats.offset + stats.dim), cold);
    // custom encoders are recorded by name and must be passed back
    const fake: ItemTextEncoder = { name: 'fake', dim: 2, encode: async (t) => new Float32Array(t.length * 2).fill(0.5) };
    const custom = await fitItemFeatures(items, undefined, { textEncoder: fake });
    saveFeatureState(custom.state, dir);
    assert.throws(() => loadFeatureState(dir), /fitted with text encoder fake \(dim 2\); pass it as opts.textEncoder/);
    assert.equal(loadFeatureState(dir, { textEncoder: fake }).textEncoder, fake);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
