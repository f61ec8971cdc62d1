import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { buildWorld, generateEvents, generateSynthetic, type SyntheticOptions } from './synthetic.ts';
import { ingest } from './ingest.ts';
import { loadWorkspace } from './loader.ts';

const T_POD = 0, T_AB = 1;
const SMALL: SyntheticOptions = { users: 4000, podcasts: 1000, audiobooks: 300, music: 600, seed: 3 };

interface Ev { u: number; ty: number; item: number; kind: number; ts: number }
function run(opts: SyntheticOptions) {
  const world = buildWorld(opts);
  const ev: Ev[] = [];
  const users: { age: number; country: string | null; topic: number }[] = [];
  generateEvents(world, {
    user(u, age, country, topic) { users[u] = { age, country, topic }; },
    event(u, ty, item, kind, ts) { ev.push({ u, ty, item, kind, ts }); },
  });
  return { world, ev, users };
}
const topShare = (counts: number[], frac: number) => {
  const s = [...counts].sort((a, b) => b - a);
  const total = s.reduce((a, b) => a + b, 0);
  return s.slice(0, Math.ceil(s.length * frac)).reduce((a, b) => a + b, 0) / total;
};

const { world, ev, users } = run(SMALL);

test('synthetic: listening skew (top 25% users ≈ 75%; top 20% audiobooks > 80% of audiobook streams)', () => {
  const perUser = new Array(SMALL.users!).fill(0);
  for (const e of ev) perUser[e.u]++;
  const s = topShare(perUser, 0.25);
  assert.ok(s > 0.65 && s < 0.85, `top-25% user share ${s}`);
  const perAb = new Array(SMALL.audiobooks!).fill(0);
  for (const e of ev) if (e.ty === T_AB && e.kind === 0) perAb[e.item]++;
  const a = topShare(perAb, 0.2);
  assert.ok(a > 0.8, `top-20% audiobook share ${a}`);
});

test('synthetic: most users never touch an audiobook; > 70% of audiobook users also play podcasts', () => {
  const ab = new Set<number>(), pod = new Set<number>();
  for (const e of ev) { if (e.ty === T_AB) ab.add(e.u); if (e.ty === T_POD) pod.add(e.u); }
  const frac = ab.size / SMALL.users!;
  assert.ok(frac > 0.05 && frac < 0.3, `audiobook user fraction ${frac}`);
  const both = [...ab].filter((u) => pod.has(u)).length / ab.size;
  assert.ok(both > 0.7, `audiobook users with podcasts ${both}`);
});

test('synthetic: weak signals precede and predict streams of the same audiobook', () => {
  const firstStream = new Map<string, number>();
  for (const e of ev) if (e.kind === 0) { const k = `${e.u}:${e.ty}:${e.item}`; firstStream.set(k, Math.min(firstStream.get(k) ?? Infinity, e.ts)); }
  let weak = 0, followed = 0;
  const kinds = new Set<number>();
  for (const e of ev) {
    if (e.ty !== T_AB || e.kind === 0) continue;
    weak++; kinds.add(e.kind);
    const s = firstStream.get(`${e.u}:${T_AB}:${e.item}`);
    if (s !== undefined && s >= e.ts) followed++;
  }
  assert.deepEqual([...kinds].sort(), [1, 2, 3]);
  assert.ok(weak > 100, `weak signals ${weak}`);
  assert.ok(followed / weak > 0.6 && followed / weak < 0.9, `weak -> later stream ${followed / weak}`);
  // weak-only contacts exist (warm users without streams)
  assert.ok(followed < weak);
});

test('synthetic: podcast taste predicts audiobook topics far above chance', () => {
  const T = world.opts.topics;
  const podTopics = new Map<number, number[]>();
  for (const e of ev) if (e.ty === T_POD) {
    const a = podTopics.get(e.u) ?? new Array(T).fill(0);
    a[world.items[T_POD][e.item].topic]++;
    podTopics.set(e.u, a);
  }
  let hit = 0, n = 0;
  const abTopicFreq = new Array(T).fill(0);
  for (const e of ev) if (e.ty === T_AB && e.kind === 0) abTopicFreq[world.items[T_AB][e.item].topic]++;
  const tot = abTopicFreq.reduce((a, b) => a + b, 0);
  let chance = 0;
  for (const e of ev) if (e.ty === T_AB && e.kind === 0 && podTopics.has(e.u)) {
    const a = podTopics.get(e.u)!;
    const m = a.indexOf(Math.max(...a));
    n++; if (world.items[T_AB][e.item].topic === m) hit++;
    chance += abTopicFreq[m] / tot;
  }
  assert.ok(hit / n > 0.35, `topic agreement ${hit / n}`);
  assert.ok(hit / n > 2.5 * (chance / n), `agreement ${hit / n} vs chance ${chance / n}`);
  assert.ok(hit / n < 0.9, 'enough noise that taste is not a perfect predictor');
});

test('synthetic: demographics correlate with taste; text, language, genre follow topics', () => {
  // mean age differs between the users of the youngest and the oldest topic
  const byTopic = new Map<number, number[]>();
  for (const u of users) if (u.age >= 0) { const a = byTopic.get(u.topic) ?? []; a.push(u.age); byTopic.set(u.topic, a); }
  const means = [...byTopic.values()].filter((a) => a.length > 30).map((a) => a.reduce((x, y) => x + y, 0) / a.length);
  assert.ok(Math.max(...means) - Math.min(...means) > 10, `age spread across topics ${means}`);
  assert.ok(users.some((u) => u.age < 0) && users.some((u) => u.country === null), 'some unknown demographics');
});

test('synthetic: 90-day timeline, late audiobooks have no history before release', () => {
  const start = world.startMs, end = start + 90 * 86_400_000;
  assert.ok(ev.every((e) => e.ts >= start && e.ts < end));
  const late = world.items[T_AB].filter((it) => it.releaseDay > 76);
  assert.ok(late.length > 5, `late audiobooks ${late.length}`);
  for (const e of ev) if (e.ty === T_AB) {
    const rel = world.items[T_AB][e.item].releaseDay;
    assert.ok(e.ts >= start + Math.max(0, rel) * 86_400_000 - 1, 'no interaction before release');
  }
  // audiobook adopters: users whose first audiobook contact falls in the last 14 days after other
  // activity (the cold users of the test window)
  const firstAb = new Map<number, number>(), firstAny = new Map<number, number>();
  for (const e of ev) {
    firstAny.set(e.u, Math.min(firstAny.get(e.u) ?? Infinity, e.ts));
    if (e.ty === T_AB) firstAb.set(e.u, Math.min(firstAb.get(e.u) ?? Infinity, e.ts));
  }
  const cut = start + 76 * 86_400_000;
  const adopters = [...firstAb].filter(([u, t]) => t >= cut && firstAny.get(u)! < cut).length;
  assert.ok(adopters / firstAb.size > 0.05, `late adopters ${adopters} of ${firstAb.size}`);
  // podcasts are established (all released before the window)
  assert.ok(world.items[T_POD].every((it) => it.releaseDay < 0));
});

test('synthetic: reproducible in the seed, different across seeds', () => {
  const h = (o: SyntheticOptions) => {
    const hash = createHash('sha256');
    generateEvents(buildWorld(o), { user() {}, event(u, ty, item, kind, ts) { hash.update(`${u},${ty},${item},${kind},${ts};`); } });
    return hash.digest('hex');
  };
  const o = { users: 300, podcasts: 100, audiobooks: 30, music: 50 };
  assert.equal(h({ ...o, seed: 5 }), h({ ...o, seed: 5 }));
  assert.notEqual(h({ ...o, seed: 5 }), h({ ...o, seed: 6 }));
  assert.throws(() => buildWorld({ users: 0 }), /generateSynthetic: option users must be a positive number, got 0/);
});

test('synthetic: generateSynthetic writes canonical Parquet that ingests cleanly', async () => {
  const d = mkdtempSync(join(tmpdir(), 'hgrec-syn-'));
  const r = await generateSynthetic({ outDir: join(d, 'raw'), users: 300, podcasts: 100, audiobooks: 40, music: 60, seed: 2 });
  const res = await ingest({ workspace: join(d, 'ws'), ...r.files, roles: r.roles });
  assert.equal(res.rejected, 0);
  assert.equal(res.manifest.rows.interactions, r.counts.interactions);
  assert.deepEqual(res.manifest.itemsPerType, { audiobook: 40, music: 60, podcast: 100 });
  const w = await loadWorkspace(join(d, 'ws'));
  const a = w.items.index.get('a0')!;
  assert.ok(w.items.title[a].length > 0 && w.items.description[a].split(' ').length >= 15);
  assert.ok(w.items.language[a] !== null && w.items.genre[a] !== null);
  assert.ok(w.interactions.weight !== null);
});
