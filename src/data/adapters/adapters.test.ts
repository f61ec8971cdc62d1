import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareCiao } from './ciao.ts';
import { prepareFoodKitchen } from './food_kitchen.ts';
import { datasetPath, DATASETS_DIR } from './paths.ts';
import { ingest } from '../ingest.ts';
import { splitWorkspace, loadSplit } from '../split_workspace.ts';

const ciaoDir = datasetPath('ciao');
const fkDir = datasetPath('amazon-food-kitchen');
const skipCiao = existsSync(ciaoDir) ? false : `real data set not found at ${ciaoDir}`;
const skipFk = existsSync(fkDir) ? false : `real data set not found at ${fkDir}`;
function dir(): string { return mkdtempSync(join(tmpdir(), 'hgrec-adapt-')); }

test('adapters: a missing data set folder is a clear error', async () => {
  await assert.rejects(prepareCiao({ path: '/nonexistent/ciao', outDir: dir() }),
    /prepareCiao: data set folder \/nonexistent\/ciao does not exist \(expected the real data sets in \.\.\/shared\/datasets/);
  await assert.rejects(prepareFoodKitchen({ path: '/nonexistent/fk', outDir: dir() }), /prepareFoodKitchen: data set folder \/nonexistent\/fk does not exist/);
  assert.ok(DATASETS_DIR.endsWith(join('shared', 'datasets')));
});

test('ciao: Books/DVDs/Music roles, duplicates counted, temporal split on the last fraction', { skip: skipCiao }, async () => {
  const d = dir();
  const p = await prepareCiao({ outDir: join(d, 'raw') });
  assert.equal(p.stats.ratings, 284_086);
  assert.equal(p.stats.duplicateRowsDropped, 1_436);
  assert.equal(p.stats.multiCategoryItems, 101);
  // README: Books 21,968 ratings / 3,298 users / 12,605 items before dedup and category resolution
  const ab = p.stats.perType.audiobook;
  assert.ok(Math.abs(ab.ratings - 21_968) < 100 && Math.abs(ab.users - 3_298) < 5 && Math.abs(ab.items - 12_605) < 10, JSON.stringify(ab));
  assert.ok(Math.abs(p.stats.perType.podcast.ratings - 39_887) < 300);
  assert.ok(Math.abs(p.stats.perType.music.ratings - 19_237) < 150);
  assert.deepEqual(p.roles, { target: 'audiobook', graph: ['podcast', 'audiobook'], taste: ['music'] });
  const ws = join(d, 'ws');
  const r = await ingest({ workspace: ws, ...p.files, roles: p.roles, source: p.source });
  assert.equal(r.rejected, 0);
  assert.equal(r.manifest.rows.interactions, p.stats.kept);
  assert.equal(r.manifest.source?.adapter, 'ciao');
  const info = await splitWorkspace(ws);
  assert.equal(info.method, 'temporal');
  assert.ok(info.fraction !== null && info.counts.testTarget > 1000);
  // a further category kept as its own type
  const p2 = await prepareCiao({ outDir: join(d, 'raw2'), categoryTypes: { 1: 'podcast', 2: 'audiobook', 4: 'music', 24: 'games' } });
  assert.ok(p2.stats.perType.games.ratings > 10_000);
  assert.ok(!('Games' in p2.stats.droppedByCategory));
});

test('food-kitchen: titles, position as time, leave-last-out on the target domain', { skip: skipFk }, async () => {
  const d = dir();
  const p = await prepareFoodKitchen({ outDir: join(d, 'raw') });
  assert.equal(p.stats.itemsA, 8_661);
  assert.equal(p.stats.itemsB, 27_637);
  assert.deepEqual(p.stats.users, { 'train_A.txt': 5_472, 'train_B.txt': 38_191, 'train_overlap.txt': 7_501, 'valid.txt': 960, 'test.txt': 937 });
  const ws = join(d, 'ws');
  const r = await ingest({ workspace: ws, ...p.files, roles: p.roles, source: p.source });
  assert.equal(r.rejected, 0);
  assert.deepEqual(r.manifest.itemsPerType, { audiobook: 27_637, podcast: 8_661 });
  const info = await splitWorkspace(ws);
  assert.equal(info.method, 'leave-last-out');
  const s = await loadSplit(ws);
  const titled = s.items.title.filter((t) => t.length > 0).length;
  assert.ok(titled / s.items.n > 0.95, `titled share ${titled / s.items.n}`);
  // every test row is the user's last audiobook, after all of that user's training rows
  const lastTrain = new Float64Array(s.users.n).fill(-Infinity);
  for (let i = 0; i < s.train.n; i++) lastTrain[s.train.user[i]] = Math.max(lastTrain[s.train.user[i]], s.train.ts[i]);
  const abCode = s.items.typeNames.indexOf('audiobook');
  for (let i = 0; i < s.test.n; i++) {
    assert.equal(s.items.type[s.test.item[i]], abCode);
    assert.ok(s.test.ts[i] > lastTrain[s.test.user[i]]);
  }
  assert.equal(s.test.n, info.counts.testUsers);
  // mostly-A (grocery) users with a kitchen target exist: the cross-domain case
  assert.ok(s.groups.cold.length > 1000, `cold users ${s.groups.cold.length}`);
});
