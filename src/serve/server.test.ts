import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServingBundle, writeServingBundle } from './bundle.ts';
import { startServer } from './server.ts';
import { tiny, tinyBundleDir, tinyStore } from './test_fixtures.ts';

test('startServer listens on loopback, SIGHUP reloads the configured folder, close() stops it', async () => {
  const [ta, tb] = await Promise.all([tiny(3), tiny(4)]);
  const root = mkdtempSync(join(tmpdir(), 'hgrec-server-'));
  try {
    const dir = tinyBundleDir(ta, 'A', root);
    const hupBefore = process.listenerCount('SIGHUP');
    const s = await startServer({ store: tinyStore(ta), bundle: loadServingBundle(dir), bundlePath: dir, port: 0, quiet: true });
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(process.listenerCount('SIGHUP'), hupBefore + 1);
    const get = async (path: string): Promise<{ status: number; body: { modelVersion?: string; items?: unknown[] } }> => {
      const r = await fetch(s.url + path);
      return { status: r.status, body: await r.json() as { modelVersion?: string } };
    };
    assert.equal((await get('/healthz')).status, 200);
    const r = await get('/v1/users/u3/recommendations?k=4');
    assert.equal(r.status, 200);
    assert.equal(r.body.modelVersion, 'A');
    assert.equal(r.body.items!.length, 4);
    // publish a new model into the same folder, then SIGHUP
    writeServingBundle(dir, { model: tb.model, modelVersion: 'B' });
    process.emit('SIGHUP');
    for (let i = 0; i < 50 && (await get('/readyz')).body.modelVersion !== 'B'; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal((await get('/readyz')).body.modelVersion, 'B');
    await s.close();
    assert.equal(process.listenerCount('SIGHUP'), hupBefore, 'signal handlers removed');
    await assert.rejects(fetch(s.url + '/healthz'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
