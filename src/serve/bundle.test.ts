import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServingBundle, ServingBundleError, writeServingBundle } from './bundle.ts';
import { recommendUser } from './recommender.ts';
import { tiny, tinyBundle, tinyBundleDir, tinyStore } from './test_fixtures.ts';

test('writeServingBundle -> loadServingBundle round trip answers exactly like the in-memory bundle', async () => {
  const t = await tiny(3);
  const root = mkdtempSync(join(tmpdir(), 'hgrec-bundle-'));
  try {
    const dir = tinyBundleDir(t, 'run-1', root);
    assert.deepEqual(readdirSync(root), ['bundle-run-1'], 'no temporary folder left behind');
    const m = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8'));
    assert.equal(m.format, 'hgrec-serving');
    assert.equal(m.version, 1);
    assert.equal(m.modelVersion, 'run-1');
    assert.equal(m.targetType, 'audiobook');
    assert.equal(m.dim, t.model.dim);
    assert.equal(m.indexSize, t.p.audiobooks.length);
    const b = loadServingBundle(dir);
    const mem = tinyBundle(t, 'run-1');
    assert.equal(b.modelVersion, 'run-1');
    assert.equal(b.meta!.title[5], t.meta.title[5]);
    const store = tinyStore(t);
    for (const u of ['u0', 'u7', 'u42']) {
      const o = { k: 6, asOf: store.asOf() };
      assert.deepEqual(recommendUser(b, store.getUser(u)!, o), recommendUser(mem, store.getUser(u)!, o));
    }
    b.dispose(); mem.dispose();
    // rewriting replaces the folder atomically
    writeServingBundle(dir, { model: t.model, modelVersion: 'run-2' });
    assert.equal(loadServingBundle(dir).modelVersion, 'run-2');
    assert.ok(!existsSync(join(dir, 'items.json')), 'items meta is optional');
    assert.deepEqual(readdirSync(root), ['bundle-run-1']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('loadServingBundle refuses broken folders with ServingBundleError naming the file', async () => {
  const t = await tiny(3);
  const root = mkdtempSync(join(tmpdir(), 'hgrec-bundle-'));
  try {
    const expectErr = (dir: string, file: RegExp, msg: RegExp): void => {
      assert.throws(() => loadServingBundle(dir), (e: unknown) => {
        assert.ok(e instanceof ServingBundleError, String(e));
        assert.match(e.file, file);
        assert.match(e.message, msg);
        return true;
      });
    };
    expectErr(join(root, 'none'), /none\/bundle\.json$/, /bundle\.json not found/);
    const dir = tinyBundleDir(t, 'ok', root);
    const jp = join(dir, 'bundle.json');
    const good = readFileSync(jp, 'utf8');
    writeFileSync(jp, '{"format":');
    expectErr(dir, /bundle\.json$/, /not valid JSON/);
    writeFileSync(jp, JSON.stringify({ ...JSON.parse(good), format: 'other' }));
    expectErr(dir, /bundle\.json$/, /expected format hgrec-serving v1, got other v1/);
    writeFileSync(jp, JSON.stringify({ ...JSON.parse(good), dim: 7 }));
    expectErr(dir, /bundle\.json$/, /dim 7/);
    writeFileSync(jp, good);
    const vec = join(dir, 'index', 'vectors.safetensors');
    const buf = readFileSync(vec);
    buf[buf.length - 3] ^= 0xff;
    writeFileSync(vec, buf);
    expectErr(dir, /index$/, /index unreadable/);
    const dir2 = tinyBundleDir(t, 'ok2', root);
    writeFileSync(join(dir2, 'items.json'), JSON.stringify({ typeNames: ['a'], type: [0], title: ['x'] }));
    expectErr(dir2, /items\.json$/, /one entry per model item/);
    const dir3 = tinyBundleDir(t, 'ok3', root);
    rmSync(join(dir3, 'twotower', 'twotower.json'));
    expectErr(dir3, /twotower$/, /model unreadable/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('writeServingBundle checks its arguments', async () => {
  const t = await tiny(3);
  assert.throws(() => writeServingBundle(join(tmpdir(), 'x'), { model: t.model, modelVersion: '' }), /modelVersion must be a non-empty string/);
  assert.throws(() => writeServingBundle(join(tmpdir(), 'x'), { model: t.model, modelVersion: 'v', items: { typeNames: ['a'], type: [0], title: ['t'] } }), /opts\.items\.type must have one entry per model item/);
});
