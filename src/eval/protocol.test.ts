import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUP_COLD, GROUP_INACTIVE, GROUP_WARM } from '../data/groups.ts';
import { buildEvalContext, evaluateModel } from './protocol.ts';
import { Popularity } from './baselines/popularity.ts';
import { ItemKnn } from './baselines/itemknn.ts';
import { aggregateReports } from './aggregate.ts';
import { toQualityBenchJson } from './report_types.ts';
import { csrRow } from './csr.ts';

const I = (...v: number[]) => Int32Array.from(v);

test('buildEvalContext + evaluateModel: candidates, exclusions, targets, groups, bench JSON', async () => {
  // Items 0..3 audiobooks (type 1), 4..5 podcasts (type 0). Users: 0 warm, 1 cold, 2 inactive, 3 warm.
  const itemType = Uint8Array.of(1, 1, 1, 1, 0, 0);
  const train = { user: I(0, 0, 1, 3, 3), item: I(0, 4, 4, 0, 1), ts: Float64Array.of(1, 2, 3, 4, 5) };
  // u0 re-plays 0 (dropped: consumed) and finds 1; u1 finds 0; u2 finds 1; u3 plays podcast 5 only (no targets).
  const test_ = { user: I(0, 0, 1, 2, 3), item: I(0, 1, 0, 1, 5), ts: Float64Array.of(9, 9, 9, 9, 9) };
  const group = Uint8Array.of(GROUP_WARM, GROUP_COLD, GROUP_INACTIVE, GROUP_WARM);
  const itemTier = Uint8Array.of(1, 2, 3, 4, 0, 0);
  const ctx = buildEvalContext(train, test_, { nUsers: 4, nItems: 6, itemType, targetType: 1, group, itemTier });
  assert.deepEqual([...ctx.catalogue], [0, 1, 2, 3]);
  assert.deepEqual([...ctx.users], [0, 1, 2]);
  assert.deepEqual([...csrRow(ctx.targets, 0)], [1]);
  assert.deepEqual([...csrRow(ctx.exclude, 0)], [0]); // podcast 4 is outside the catalogue
  const trainSet = { ...train, nUsers: 4, nItems: 6, itemType, targetType: 1 };
  const pop = await evaluateModel(new Popularity(), trainSet, ctx, { k: 4, cutoffs: { hr: 1, mrr: 4, cov: 4, ndcg: 1, recall: 1 } });
  // Popularity order: 0 (2 users), 1 (1), 2, 3. u0 (0 excluded) gets 1 first: hit; u1 gets 0: hit; u2 gets 0: miss at 1, 1 at rank 2.
  assert.equal(pop.report.warm.users, 1);
  assert.equal(pop.report.warm.hr10, 1);
  assert.equal(pop.report.cold.users, 1);
  assert.equal(pop.report.cold.hr10, 1);
  assert.equal(pop.report.all.users, 3);
  assert.equal(pop.report.all.mrr, (1 + 1 + 0.5) / 3);
  assert.equal(pop.report.longTail.users, 0); // every target is tier 1–2
  const knn = await evaluateModel(new ItemKnn(), trainSet, ctx, { k: 4, cutoffs: { hr: 1, mrr: 4, cov: 4, ndcg: 1, recall: 1 } });
  const json = toQualityBenchJson('synthetic', { popularity: aggregateReports([pop.report, pop.report]), itemknn: aggregateReports([knn.report]) });
  assert.deepEqual(json.results.popularity!.warm, { hr10: 1, mrr: 1, cov: 0.75, users: 1 });
  assert.deepEqual(Object.keys(json.results), ['popularity', 'itemknn']);
  assert.equal(JSON.parse(JSON.stringify(json)).dataset, 'synthetic');
});
