import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app.ts';
import { loadServingBundle } from './bundle.ts';
import { recommendUser, type RecommendedItem } from './recommender.ts';
import { tiny, tinyBundleDir, tinyStore } from './test_fixtures.ts';

test('hot reload under concurrent requests: no failures, every answer comes whole from one model', async () => {
  const [ta, tb] = await Promise.all([tiny(3), tiny(4)]);
  const root = mkdtempSync(join(tmpdir(), 'hgrec-reload-'));
  const lines: string[] = [];
  try {
    const dirA = tinyBundleDir(ta, 'A', root), dirB = tinyBundleDir(tb, 'B', root);
    const store = tinyStore(ta);
    const app = buildApp({ store, bundle: loadServingBundle(dirA), bundlePath: dirA, logStream: { write: (l: string) => { lines.push(l); } } });
    // expected answers of each model, computed apart from the app
    const ref = { A: loadServingBundle(dirA), B: loadServingBundle(dirB) };
    const users = Array.from({ length: 40 }, (_, u) => `u${u}`);
    const expect = (v: 'A' | 'B', u: string): RecommendedItem[] => recommendUser(ref[v], store.getUser(u)!, { k: 5, asOf: store.asOf() }).items;
    for (const u of users) assert.notDeepEqual(expect('A', u).map((i) => i.score), expect('B', u).map((i) => i.score), 'the two models answer recognisably differently');
    const seen = { A: 0, B: 0 };
    const requests: Promise<void>[] = [];
    const reloads: Promise<unknown>[] = [];
    for (let n = 0; n < 400; n++) {
      const u = users[n % users.length];
      requests.push(app.inject({ url: `/v1/users/${u}/recommendations?k=5` }).then((r) => {
        assert.equal(r.statusCode, 200, r.body);
        const body = r.json() as { modelVersion: 'A' | 'B'; items: RecommendedItem[] };
        assert.deepEqual(body.items, expect(body.modelVersion, u), `user ${u}: answer must match model ${body.modelVersion} exactly`);
        seen[body.modelVersion]++;
      }));
      if (n % 50 === 25) {
        // alternate B, A, ... via the admin route and the direct call; one broken path in between
        const path = (n / 50) % 2 < 1 ? dirB : dirA;
        reloads.push(n % 100 === 25 ? app.inject({ method: 'POST', url: '/admin/reload', payload: { path } }).then((r) => assert.equal(r.statusCode, 200, r.body)) : app.serving.reload(path));
        reloads.push(app.serving.reload(join(root, 'missing')).then(() => assert.fail('a missing bundle must be refused'), (e: Error) => assert.match(e.message, /refused/)));
      }
      if (n % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([...requests, ...reloads]);
    assert.ok(seen.A > 0 && seen.B > 0, `both models answered: ${JSON.stringify(seen)}`);
    const refused = lines.map((l) => JSON.parse(l)).filter((l) => /bundle reload refused/.test(l.msg));
    assert.ok(refused.length >= 8, 'each refused reload writes a log line');
    assert.match(refused[0].msg, /bundle\.json not found.*still serving/);
    assert.equal(refused[0].path, join(root, 'missing'));
    const m = (await app.inject({ url: '/metrics' })).body;
    assert.match(m, /hgrec_model_reloads_total\{result="failed"\} 8/);
    assert.match(m, /hgrec_model_reloads_total\{result="ok"\} 8/);
    // reload with no path goes back to the configured (last loaded) folder
    const r = await app.inject({ method: 'POST', url: '/admin/reload' });
    assert.equal(r.statusCode, 200, r.body);
    await app.close();
    ref.A.dispose(); ref.B.dispose();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
