import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, type ServeApp } from './app.ts';
import { recommendUser } from './recommender.ts';
import { tiny, tinyBundle, tinyStore, type Tiny } from './test_fixtures.ts';
import type { InMemoryFeatureStore } from './feature_store.ts';

async function setup(opts: { bodyLimit?: number; adminToken?: string } = {}): Promise<{ t: Tiny; app: ServeApp; store: InMemoryFeatureStore }> {
  const t = await tiny(3);
  const store = tinyStore(t);
  const app = buildApp({ store, bundle: tinyBundle(t, 'v1'), quiet: true, ...opts });
  return { t, app, store };
}

type Rec = { id: string; score: number; because: string[]; title?: string };

test('GET /v1/users/:id/recommendations: top-k without consumed items, scores descending, because from history', async () => {
  const { t, app, store } = await setup();
  const r = await app.inject({ url: '/v1/users/u1/recommendations?type=audiobook&k=5' });
  assert.equal(r.statusCode, 200);
  const body = r.json() as { user: string; modelVersion: string; type: string; items: Rec[]; asOf: string };
  assert.equal(body.user, 'u1');
  assert.equal(body.modelVersion, 'v1');
  assert.equal(body.type, 'audiobook');
  assert.equal(body.asOf, new Date(store.asOf()).toISOString());
  assert.equal(body.items.length, 5);
  const hist = store.getUser('u1')!.history.items;
  for (let m = 0; m < body.items.length; m++) {
    const it = body.items[m];
    assert.ok(it.id.startsWith('ab'), `${it.id} is an audiobook`);
    assert.ok(!hist.includes(it.id), `${it.id} was consumed and must be excluded`);
    assert.equal(it.title, `Title of ${it.id}`);
    assert.ok(it.because.length >= 1 && it.because.every((h) => hist.includes(h)), `because ${it.because} names history items`);
    if (m > 0) assert.ok(body.items[m - 1].score >= it.score);
  }
  // the answer is the recommender's (same features, same model)
  const direct = recommendUser(tinyBundle(t, 'v1'), store.getUser('u1')!, { k: 5, asOf: store.asOf() });
  assert.deepEqual(body.items.map((i) => i.id), direct.items.map((i) => i.id));
  // default k = 10
  const d = await app.inject({ url: '/v1/users/u1/recommendations' });
  assert.equal((d.json() as { items: Rec[] }).items.length, 10);
  // warm users with audiobooks in history: planted cluster recovered (most top-5 items in the user's cluster)
  let inCluster = 0, total = 0;
  for (let u = 0; u < 30; u++) {
    const a = (await app.inject({ url: `/v1/users/u${u}/recommendations?k=5` })).json() as { items: Rec[] };
    for (const it of a.items) { total++; if (Math.floor(Number(it.id.slice(2)) / 8) === t.p.cluster[u]) inCluster++; }
  }
  assert.ok(inCluster / total > 0.5, `share of recommendations in the user's planted cluster ${inCluster / total} should be far above 1/5`);
  await app.close();
});

test('bad input on the user route: 400 naming k / type, 404 naming the user, no stack traces', async () => {
  const { app } = await setup();
  const cases: [string, number, string, string][] = [
    ['/v1/users/u1/recommendations?k=0', 400, 'k', '0'],
    ['/v1/users/u1/recommendations?k=abc', 400, 'k', 'abc'],
    ['/v1/users/u1/recommendations?k=1.5', 400, 'k', '1.5'],
    ['/v1/users/u1/recommendations?k=100000', 400, 'k', '100000'],
    ['/v1/users/u1/recommendations?type=podcast', 400, 'type', 'podcast'],
    ['/v1/users/nobody/recommendations', 404, 'id', 'nobody'],
    ['/v1/no/such/route', 404, '', '/v1/no/such/route'],
  ];
  for (const [url, status, field, value] of cases) {
    const r = await app.inject({ url });
    assert.equal(r.statusCode, status, url);
    const e = (r.json() as { error: { code: string; message: string; field?: string } }).error;
    if (field) assert.equal(e.field, field, url);
    assert.ok(e.message.includes(value), `${url}: message ${e.message} names ${value}`);
    assert.ok(!/\bat .*\.ts:\d+/.test(r.body) && !r.body.includes('stack'), `${url}: no stack trace in ${r.body}`);
  }
  await app.close();
});

test('POST /v1/recommendations: cold start from raw data; unknown ids ignored and counted; bad bodies 400 / 413 / 415', async () => {
  const { t, app } = await setup({ bodyLimit: 4096 });
  // a user who streamed podcasts of cluster 2 gets mostly cluster-2 audiobooks
  const pods = [0, 1, 2].map((j) => t.ids[t.p.audiobooks.length + 2 * 8 + j]);
  const r = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: { k: 4, age: 30, country: 'SE', history: pods.map((item) => ({ item, kind: 'stream', ts: t.p.asOf - 86_400_000 })).concat([{ item: 'nope', kind: 'stream', ts: t.p.asOf - 1 }]) } });
  assert.equal(r.statusCode, 200, r.body);
  const a = r.json() as { items: Rec[]; ignoredHistory: number };
  assert.equal(a.items.length, 4);
  assert.equal(a.ignoredHistory, 1);
  const c2 = a.items.filter((i) => Math.floor(Number(i.id.slice(2)) / 8) === 2).length;
  assert.ok(c2 >= 3, `cold user from cluster-2 podcasts: ${c2}/4 cluster-2 audiobooks (${a.items.map((i) => i.id)})`);
  assert.ok(a.items.every((i) => i.because.every((h) => pods.includes(h))));
  // ISO ts and defaults (kind stream, ts before asOf)
  const iso = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: { history: [{ item: pods[0], ts: '2024-05-20T00:00:00Z' }, { item: pods[1] }] } });
  assert.equal(iso.statusCode, 200, iso.body);
  // empty body object: a user with nothing known still gets an answer
  const empty = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: {} });
  assert.equal(empty.statusCode, 200);
  assert.equal((empty.json() as { items: Rec[] }).items.length, 10);
  const bad: [unknown, string][] = [
    [{ k: 0 }, 'k'],
    [{ type: 'music' }, 'type'],
    [{ age: -3 }, 'age'],
    [{ history: [{ kind: 'stream' }] }, 'history[0].item'],
    [{ history: [{ item: 'ab1', kind: 'listen' }] }, 'history[0].kind'],
    [{ history: [{ item: 'ab1', ts: 'yesterday' }] }, 'history[0].ts'],
    [{ asOf: 'soon' }, 'asOf'],
  ];
  for (const [payload, field] of bad) {
    const b = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: payload as object });
    assert.equal(b.statusCode, 400, `${JSON.stringify(payload)}: ${b.body}`);
    assert.equal((b.json() as { error: { field: string } }).error.field, field, b.body);
  }
  const notJson = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: '{"k":', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.statusCode, 400);
  assert.equal((notJson.json() as { error: { field: string } }).error.field, 'body');
  const big = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: { history: Array.from({ length: 400 }, () => ({ item: 'ab1' })) } });
  assert.equal(big.statusCode, 413);
  assert.equal((big.json() as { error: { code: string } }).error.code, 'body_too_large');
  const text = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: 'k=3', headers: { 'content-type': 'text/plain' } });
  assert.equal(text.statusCode, 400);
  assert.equal((text.json() as { error: { field: string } }).error.field, 'body');
  const xml = await app.inject({ method: 'POST', url: '/v1/recommendations', payload: '<k>3</k>', headers: { 'content-type': 'application/xml' } });
  assert.equal(xml.statusCode, 415);
  await app.close();
});

test('GET /v1/items/:id/similar: nearest audiobooks without the item itself; 404 naming the item; 400 on k', async () => {
  const { t, app } = await setup();
  const r = await app.inject({ url: '/v1/items/ab9/similar?k=3' });
  assert.equal(r.statusCode, 200);
  const body = r.json() as { item: string; items: { id: string; score: number }[] };
  assert.equal(body.item, 'ab9');
  assert.equal(body.items.length, 3);
  assert.ok(body.items.every((i) => i.id !== 'ab9' && i.id.startsWith('ab')));
  // a podcast works too (its item-tower vector queries the audiobook index)
  const pod = t.ids[t.p.audiobooks.length];
  assert.equal((await app.inject({ url: `/v1/items/${pod}/similar` })).statusCode, 200);
  const nf = await app.inject({ url: '/v1/items/zzz/similar' });
  assert.equal(nf.statusCode, 404);
  assert.match((nf.json() as { error: { message: string } }).error.message, /"zzz"/);
  const bk = await app.inject({ url: '/v1/items/ab9/similar?k=-1' });
  assert.equal(bk.statusCode, 400);
  assert.equal((bk.json() as { error: { field: string } }).error.field, 'k');
  await app.close();
});

test('POST /v1/events: a cold user appears and its recommendations follow the streams posted', async () => {
  const { t, app, store } = await setup();
  const NA = t.p.audiobooks.length;
  const podOf = (c: number, j: number): string => t.ids[NA + c * 8 + j];
  const clusterShare = (items: Rec[], c: number): number => items.filter((i) => Math.floor(Number(i.id.slice(2)) / 8) === c).length / items.length;
  assert.equal((await app.inject({ url: '/v1/users/newbie/recommendations' })).statusCode, 404);
  const post = async (events: object[]): Promise<void> => {
    const r = await app.inject({ method: 'POST', url: '/v1/events', payload: { events } });
    assert.equal(r.statusCode, 200, r.body);
  };
  await post([0, 1, 2].map((j) => ({ user: 'newbie', item: podOf(1, j), kind: 'stream' })));
  const a = (await app.inject({ url: '/v1/users/newbie/recommendations?k=5' })).json() as { items: Rec[] };
  assert.ok(clusterShare(a.items, 1) >= 0.6, `after cluster-1 streams: ${a.items.map((i) => i.id)}`);
  // later, many streams of cluster-4 podcasts move the recommendations
  const later = store.asOf() + 1000;
  await post([0, 1, 2, 3, 4, 5, 6, 7].map((j) => ({ user: 'newbie', item: podOf(4, j), kind: 'stream', ts: later + j })));
  const b = (await app.inject({ url: '/v1/users/newbie/recommendations?k=5' })).json() as { items: Rec[] };
  assert.notDeepEqual(b.items.map((i) => i.id), a.items.map((i) => i.id));
  assert.ok(clusterShare(b.items, 4) > clusterShare(a.items, 4), `cluster-4 share should rise: ${a.items.map((i) => i.id)} -> ${b.items.map((i) => i.id)}`);
  // streaming an audiobook excludes it from then on
  const top = b.items[0].id;
  await post([{ user: 'newbie', item: top, kind: 'stream' }]);
  const c = (await app.inject({ url: '/v1/users/newbie/recommendations?k=5' })).json() as { items: Rec[] };
  assert.ok(!c.items.some((i) => i.id === top), `${top} was just streamed and must be excluded`);
  // bad events
  const bad: [object, number, string][] = [
    [{ events: [] }, 400, 'events'],
    [{}, 400, 'events'],
    [{ events: [{ user: 'x', item: 'nope' }] }, 400, 'events[0].item'],
    [{ events: [{ user: 'x', item: 'ab1', kind: 'like' }] }, 400, 'events[0].kind'],
    [{ events: [{ item: 'ab1' }] }, 400, 'events[0].user'],
    [{ events: [{ user: 'x', item: 'ab1', ts: 'then' }] }, 400, 'events[0].ts'],
    [{ events: [{ user: 'x', item: 'ab1' }, { user: 'x', item: 'ab1', ts: '2030-01-01T00:00:00Z' }] }, 400, 'events[1].ts'],
  ];
  const before = store.stats().events;
  for (const [payload, status, field] of bad) {
    const r = await app.inject({ method: 'POST', url: '/v1/events', payload });
    assert.equal(r.statusCode, status, r.body);
    assert.equal((r.json() as { error: { field: string } }).error.field, field, r.body);
  }
  assert.equal(store.stats().events, before, 'rejected batches append nothing');
  await app.close();
});

test('healthz, readyz (503 without a bundle), metrics, openapi', async () => {
  const { app } = await setup();
  assert.deepEqual((await app.inject({ url: '/healthz' })).json(), { ok: true });
  assert.deepEqual((await app.inject({ url: '/readyz' })).json(), { ready: true, modelVersion: 'v1' });
  await app.inject({ url: '/v1/users/u1/recommendations' });
  await app.inject({ url: '/v1/users/u1/recommendations?k=0' });
  const m = await app.inject({ url: '/metrics' });
  assert.equal(m.statusCode, 200);
  assert.match(m.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
  assert.match(m.body, /hgrec_http_requests_total\{route="\/v1\/users\/:id\/recommendations",method="GET",status="200"\} 1/);
  assert.match(m.body, /hgrec_http_requests_total\{route="\/v1\/users\/:id\/recommendations",method="GET",status="400"\} 1/);
  assert.match(m.body, /hgrec_http_request_duration_seconds_bucket\{route="\/v1\/users\/:id\/recommendations",le="\+Inf"\} 2/);
  assert.match(m.body, /hgrec_http_request_duration_seconds_count\{route="\/v1\/users\/:id\/recommendations"\} 2/);
  assert.match(m.body, /hgrec_model_info\{model_version="v1"\} 1/);
  assert.match(m.body, /hgrec_feature_store_users 300/);
  const doc = (await app.inject({ url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; requestBody?: unknown }>> };
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/v1/users/{id}/recommendations', '/v1/recommendations', '/v1/items/{id}/similar', '/v1/events', '/healthz', '/readyz', '/metrics', '/admin/reload']) assert.ok(doc.paths[p], p);
  assert.deepEqual(doc.paths['/v1/users/{id}/recommendations'].get.parameters.map((x) => `${x.in}:${x.name}`), ['path:id', 'query:k', 'query:type']);
  assert.ok(doc.paths['/v1/events'].post.requestBody);
  await app.close();
  const t = await tiny(3);
  const cold = buildApp({ store: tinyStore(t), quiet: true });
  const r = await cold.inject({ url: '/readyz' });
  assert.equal(r.statusCode, 503);
  assert.equal((r.json() as { error: { code: string } }).error.code, 'not_ready');
  assert.equal((await cold.inject({ url: '/v1/users/u1/recommendations' })).statusCode, 503);
  assert.equal((await cold.inject({ url: '/healthz' })).statusCode, 200);
  await cold.close();
});

test('admin reload: 400 without a path, 422 on a broken folder, 401 without the admin token', async () => {
  const { app } = await setup({ adminToken: 's3cret' });
  const auth = { authorization: 'Bearer s3cret' };
  const none = await app.inject({ method: 'POST', url: '/admin/reload', headers: auth });
  assert.equal(none.statusCode, 400);
  assert.equal((none.json() as { error: { field: string } }).error.field, 'path');
  const broken = await app.inject({ method: 'POST', url: '/admin/reload', headers: auth, payload: { path: '/nonexistent/bundle' } });
  assert.equal(broken.statusCode, 422);
  assert.match(broken.body, /nonexistent\/bundle.*still serving \\"v1\\"/);
  const noAuth = await app.inject({ method: 'POST', url: '/admin/reload', payload: { path: '/x' } });
  assert.equal(noAuth.statusCode, 401);
  assert.equal((await app.inject({ url: '/readyz' })).json().modelVersion, 'v1');
  await app.close();
});
