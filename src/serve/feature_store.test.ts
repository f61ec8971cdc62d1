import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, ingest, loadWorkspace, type Interactions } from '../data/index.ts';
import { InMemoryFeatureStore } from './feature_store.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 1);

/** Interactions from rows [user, item, kind, day offset]. */
function table(rows: [number, number, number, number][], userIds: string[], itemIds: string[]): Interactions {
  return {
    n: rows.length, userIds, itemIds, user: Int32Array.from(rows, (r) => r[0]), item: Int32Array.from(rows, (r) => r[1]),
    kind: Uint8Array.from(rows, (r) => r[2]), ts: Float64Array.from(rows, (r) => T0 + r[3] * DAY), weight: null,
  };
}

const users = { n: 3, ids: ['a', 'b', 'c'], age: Int16Array.from([30, -1, 50]), country: ['SE', null, 'US'] };
const items = ['i0', 'i1', 'i2', 'i3'];

test('fromTables keeps the last windowDays and at most maxEventsPerUser per user, sorted by ts', () => {
  // latest event at day 100; window 10 days -> events with day >= 90 (+1 ms) kept
  const x = table([[0, 0, 0, 100], [0, 1, 2, 95], [0, 2, 0, 50], [1, 3, 1, 99], [1, 0, 0, 98], [1, 1, 0, 97], [1, 2, 0, 96], [2, 0, 0, 10]], users.ids, items);
  const s = InMemoryFeatureStore.fromTables(users, x, { windowDays: 10, maxEventsPerUser: 3 });
  assert.equal(s.asOf(), T0 + 100 * DAY + 1, 'asOf = latest event + 1 ms without a clock');
  assert.deepEqual(s.getUser('a'), { age: 30, country: 'SE', history: { items: ['i1', 'i0'], kinds: ['follow', 'stream'], ts: [T0 + 95 * DAY, T0 + 100 * DAY] } });
  assert.deepEqual(s.getUser('b')!.history.items, ['i1', 'i0', 'i3'], 'the 3 most recent of 4');
  assert.deepEqual(s.getUser('c'), { age: 50, country: 'US', history: { items: [], kinds: [], ts: [] } }, 'old history dropped, user kept');
  assert.equal(s.getUser('zz'), null);
  assert.deepEqual(s.stats(), { users: 3, events: 5, items: 3, historyBytes: 5 * 13 });
});

test('append: new users, ts order, count bound, window moves with the data; clock option', () => {
  const x = table([[0, 0, 0, 100]], users.ids, items);
  const s = InMemoryFeatureStore.fromTables(users, x, { windowDays: 10, maxEventsPerUser: 3 });
  assert.deepEqual(s.append([{ user: 'new', item: 'i9', kind: 'stream', ts: T0 + 100 * DAY }]), { appended: 1, newUsers: 1 });
  assert.deepEqual(s.getUser('new'), { age: null, country: null, history: { items: ['i9'], kinds: ['stream'], ts: [T0 + 100 * DAY] } });
  // out-of-order append lands in ts order; the 4th event pushes the oldest out
  s.append([{ user: 'a', item: 'i1', kind: 'preview', ts: T0 + 99 * DAY }, { user: 'a', item: 'i2', kind: 'stream', ts: T0 + 101 * DAY }]);
  assert.deepEqual(s.getUser('a')!.history.items, ['i1', 'i0', 'i2']);
  s.append([{ user: 'a', item: 'i3', kind: 'stream', ts: T0 + 102 * DAY }]);
  assert.deepEqual(s.getUser('a')!.history.items, ['i0', 'i2', 'i3']);
  assert.equal(s.asOf(), T0 + 102 * DAY + 1);
  // 15 days later the old events leave the window
  s.append([{ user: 'b', item: 'i0', kind: 'stream', ts: T0 + 117 * DAY }]);
  assert.deepEqual(s.getUser('a')!.history.items, [], 'getUser filters by the window even before the next append of a');
  assert.deepEqual(s.getUser('b')!.history.items, ['i0']);
  assert.throws(() => s.append([{ user: 'a', item: 'i0', kind: 'stream', ts: 1 }, { user: 'a', item: 'i0', kind: 'like' as 'stream', ts: 1 }]), /events\[1\]\.kind must be one of/);
  assert.deepEqual(s.getUser('a')!.history.items, [], 'a rejected batch appends nothing');
  // a wall clock ahead of the data moves asOf and ages histories out
  const w = InMemoryFeatureStore.fromTables(users, x, { windowDays: 10, clock: () => T0 + 200 * DAY });
  assert.equal(w.asOf(), T0 + 200 * DAY);
  assert.deepEqual(w.getUser('a')!.history.items, []);
  assert.throws(() => new InMemoryFeatureStore({ maxEventsPerUser: 0 }), /maxEventsPerUser must be an integer >= 1, got 0/);
});

test('fromWorkspace loads a synthetic workspace with bounded histories', async () => {
  const d = mkdtempSync(join(tmpdir(), 'hgrec-fs-'));
  try {
    const syn = await generateSynthetic({ outDir: join(d, 'raw'), users: 300, podcasts: 100, audiobooks: 60, music: 80, days: 120, meanEvents: 40, seed: 2 });
    await ingest({ workspace: join(d, 'ws'), ...syn.files, roles: syn.roles });
    const s = await InMemoryFeatureStore.fromWorkspace(join(d, 'ws'), { maxEventsPerUser: 25 });
    const { users: U, interactions: X } = await loadWorkspace(join(d, 'ws'));
    assert.equal(s.stats().users, U.n);
    let latest = 0;
    for (let e = 0; e < X.n; e++) latest = Math.max(latest, X.ts[e]);
    assert.equal(s.asOf(), latest + 1);
    let kept = 0;
    for (let u = 0; u < U.n; u++) {
      const h = s.getUser(U.ids[u])!.history;
      kept += h.items.length;
      assert.ok(h.items.length <= 25);
      for (let j = 0; j < h.ts.length; j++) {
        assert.ok(h.ts[j] >= latest + 1 - 90 * DAY, 'inside the 90-day window');
        if (j) assert.ok(h.ts[j] >= h.ts[j - 1]);
      }
    }
    const inWindow = Array.from(X.ts).filter((t) => t >= latest + 1 - 90 * DAY).length;
    assert.ok(kept < inWindow && kept > 0, `bounded: kept ${kept} of ${inWindow} in-window events`);
    assert.equal(s.stats().events, kept);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
