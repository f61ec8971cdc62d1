import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from './ingest.ts';
import { loadWorkspace } from './loader.ts';
import { generateSynthetic } from './synthetic.ts';
import { temporalSplit, leaveLastOut, chooseCut, DAY_MS } from './split.ts';
import { userGroups, popularityTiers, testTargets, GROUP_WARM, GROUP_COLD, GROUP_INACTIVE } from './groups.ts';
import { splitWorkspace, loadSplit } from './split_workspace.ts';
import { openDuck, lit } from './duck.ts';

function dir(): string { return mkdtempSync(join(tmpdir(), 'hgrec-split-')); }

// tiny hand-made data set: a1,a2 audiobooks; p1,p2 podcasts
const ITEMS = 'item_id,type\na1,audiobook\na2,audiobook\na3,audiobook\np1,podcast\np2,podcast\n';
const INTER = [
  'user_id,item_id,kind,ts',
  'u1,p1,stream,2024-01-01', 'u1,a1,stream,2024-01-02', 'u1,a2,stream,2024-01-03', 'u1,p2,stream,2024-01-04',
  'u2,p1,stream,2024-01-01', 'u2,a1,preview,2024-01-02', 'u2,a2,stream,2024-01-05',
  'u3,p2,stream,2024-01-02', 'u3,a1,stream,2024-01-04',
  'u4,a1,stream,2024-01-05',
].join('\n') + '\n';

async function tiny() {
  const d = dir();
  writeFileSync(join(d, 'items.csv'), ITEMS);
  writeFileSync(join(d, 'inter.csv'), INTER);
  const ws = join(d, 'ws');
  await ingest({ workspace: ws, items: join(d, 'items.csv'), interactions: join(d, 'inter.csv') });
  return ws;
}

test('chooseCut: last 14 days of a 90-day window, last fraction of longer timelines', () => {
  const t0 = Date.UTC(2024, 0, 1);
  assert.equal(chooseCut(t0, t0 + 89.5 * DAY_MS).cutMs, t0 + 76 * DAY_MS);
  const long = chooseCut(t0, t0 + 900 * DAY_MS);
  assert.equal(long.cutMs, Math.round(t0 + 900 * DAY_MS * (76 / 90)));
  assert.equal(chooseCut(t0, t0 + 900 * DAY_MS, { testDays: 30 }).cutMs, t0 + 871 * DAY_MS);
  assert.equal(chooseCut(t0, t0 + 10 * DAY_MS, { fraction: 0.5 }).cutMs, t0 + 5 * DAY_MS);
  assert.throws(() => chooseCut(t0, t0 + DAY_MS, { fraction: 1.5 }), /fraction must be in \(0, 1\), got 1.5/);
});

test('temporal split, groups and tiers on a hand example', async () => {
  const ws = await tiny();
  const w = await loadWorkspace(ws);
  const s = temporalSplit(w.interactions, w.items, { cutMs: Date.UTC(2024, 0, 4) });
  assert.equal(s.train.n, 6);
  assert.equal(s.test.n, 4);
  assert.equal(s.info.counts.testTarget, 3); // u2 a2, u3 a1, u4 a1
  const g = userGroups(s.train, w.items);
  const uid = (u: string) => w.users.index.get(u)!;
  assert.equal(g.group[uid('u1')], GROUP_WARM);
  assert.equal(g.group[uid('u2')], GROUP_WARM); // a preview counts as target-type activity
  assert.equal(g.group[uid('u3')], GROUP_COLD);
  assert.equal(g.group[uid('u4')], GROUP_INACTIVE);
  const t = popularityTiers(s.train, w.items, 'audiobook', 3);
  const iid = (i: string) => w.items.index.get(i)!;
  // training streams: a1 1 (u1; u2's preview does not count), a2 1, a3 0 -> ties broken by id
  assert.deepEqual([t.tier[iid('a1')], t.tier[iid('a2')], t.tier[iid('a3')], t.tier[iid('p1')]], [1, 2, 3, 0]);
  // held-out audiobook streams per test user (u1's p2 is not a target)
  const tt = testTargets(s.test, w.items);
  assert.deepEqual(Array.from(tt.users), [uid('u2'), uid('u3'), uid('u4')]);
  assert.deepEqual(Array.from(tt.offsets), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(tt.items), [iid('a2'), iid('a1'), iid('a1')]);
});

test('leave-last-out: last target-type stream per user is the test row; later rows dropped', async () => {
  const ws = await tiny();
  const w = await loadWorkspace(ws);
  const s = leaveLastOut(w.interactions, w.items);
  const rows = (x: typeof s.test) => Array.from({ length: x.n }, (_, i) => `${x.userIds[x.user[i]]}:${x.itemIds[x.item[i]]}`).sort();
  assert.deepEqual(rows(s.test), ['u1:a2', 'u2:a2', 'u3:a1', 'u4:a1']);
  assert.equal(s.info.counts.dropped, 1); // u1's p2 after its last audiobook
  assert.deepEqual(rows(s.train), ['u1:a1', 'u1:p1', 'u2:a1', 'u2:p1', 'u3:p2']);
  const info = await splitWorkspace(ws, { method: 'leave-last-out' });
  assert.deepEqual(info.counts, s.info.counts);
});

test('splitWorkspace (SQL) agrees with the in-memory split and has no leakage', async () => {
  const d = dir();
  const r = await generateSynthetic({ outDir: join(d, 'raw'), users: 1500, podcasts: 300, audiobooks: 100, music: 150, seed: 4 });
  const ws = join(d, 'ws');
  await ingest({ workspace: ws, ...r.files, roles: r.roles });
  const info = await splitWorkspace(ws);
  assert.equal(info.method, 'temporal');
  assert.equal(info.cutMs, r.startMs + 76 * DAY_MS);
  const meta = JSON.parse(readFileSync(join(ws, 'split', 'split.json'), 'utf8'));
  assert.equal(meta.method, 'temporal');
  assert.equal(meta.targetType, 'audiobook');
  const loaded = await loadSplit(ws);
  let maxTrain = -Infinity, minTest = Infinity;
  for (let i = 0; i < loaded.train.n; i++) maxTrain = Math.max(maxTrain, loaded.train.ts[i]);
  for (let i = 0; i < loaded.test.n; i++) minTest = Math.min(minTest, loaded.test.ts[i]);
  assert.ok(maxTrain < info.cutMs! && minTest >= info.cutMs!, 'no test row before the cut, no train row after');
  const w = await loadWorkspace(ws);
  const mem = temporalSplit(w.interactions, w.items);
  assert.deepEqual(mem.info, info);
  assert.deepEqual(Array.from(loaded.train.user), Array.from(mem.train.user));
  assert.deepEqual(Array.from(loaded.test.item), Array.from(mem.test.item));
  // groups and tiers written by SQL match the in-memory functions
  const duck = await openDuck();
  const g = await duck.rows(`SELECT user_id, grp FROM read_parquet(${lit(join(ws, 'split', 'user_groups.parquet'))}) ORDER BY user_id`);
  const tiers = await duck.rows(`SELECT item_id, tier, train_count FROM read_parquet(${lit(join(ws, 'split', 'item_tiers.parquet'))}) ORDER BY item_id`);
  duck.close();
  const names = ['inactive', 'warm', 'cold'];
  assert.deepEqual(g.map((x) => x.grp), Array.from(loaded.groups.group, (c) => names[c]));
  assert.ok(loaded.groups.warm.length > 50 && loaded.groups.cold.length > loaded.groups.warm.length);
  for (const t of tiers) {
    const i = w.items.index.get(String(t.item_id))!;
    assert.equal(Number(t.tier), loaded.tiers.tier[i]);
    assert.equal(Number(t.train_count), loaded.tiers.count[i]);
  }
  assert.equal(tiers.filter((t) => Number(t.tier) === 5).length, 20);
  // new audiobooks released inside the test window are cold items (no train rows)
  assert.ok(tiers.some((t) => Number(t.train_count) === 0));
});
