import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../tensor/rng.ts';
import { RetrievalIndexError } from './errors.ts';
import { RetrievalIndex } from './retrieval_index.ts';
import { loadRetrievalIndex, readRetrievalManifest, saveRetrievalIndex, RETRIEVAL_INDEX_FORMAT } from './store.ts';

const N = 1500, D = 16;
const rng = new Rng(33);
const X = new Float32Array(N * D).map(() => rng.normal());
const ids = Array.from({ length: N }, (_, i) => `book:${i * 7}`);
const Q = new Float32Array(20 * D).map(() => rng.normal());
const built = RetrievalIndex.build(ids, X, D, { ann: { expansionSearch: 48 }, annThreads: 1 });
const root = mkdtempSync(join(tmpdir(), 'hgrec-retrieval-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

function expectError(fn: () => unknown, code: string, file: RegExp, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RetrievalIndexError, `expected RetrievalIndexError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.file, file);
    assert.match(err.message, message);
    return true;
  });
}

/** A fresh copy of a saved index to damage. */
function copyOf(src: string, name: string): string {
  const dst = join(root, name);
  cpSync(src, dst, { recursive: true });
  return dst;
}

test('save -> load gives identical exact and ANN results and a self-describing manifest', () => {
  const dir = join(root, 'index');
  const m = saveRetrievalIndex(dir, built, { itemType: 'audiobook' });
  assert.equal(m.format, RETRIEVAL_INDEX_FORMAT);
  assert.deepEqual([m.version, m.dim, m.count, m.metric, m.dtype], [1, D, N, 'dot', 'float32']);
  assert.equal(m.ann?.backend, 'usearch');
  assert.equal(m.ann?.params.expansionSearch, 48);
  assert.deepEqual(readRetrievalManifest(dir), m);
  assert.deepEqual(readdirSync(dir).sort(), ['ann.usearch', 'ids.json', 'manifest.json', 'vectors.safetensors']);
  const loaded = loadRetrievalIndex(dir, { expectDim: D, expectCount: N });
  assert.ok(loaded.ann);
  assert.deepEqual(loaded.exact.vectors, built.exact.vectors);
  for (let b = 0; b < 20; b++) {
    const q = Q.subarray(b * D, (b + 1) * D);
    for (const mode of ['exact', 'ann'] as const) {
      const a = built.recommend(q, 10, { mode, exclude: ['book:0', 'book:7', 'not-in-catalogue'] });
      const c = loaded.recommend(q, 10, { mode, exclude: ['book:0', 'book:7', 'not-in-catalogue'] });
      assert.deepEqual(c, a, `query ${b} ${mode}`);
      assert.ok(!a.itemIds.includes('book:0') && !a.itemIds.includes('book:7'));
    }
  }
  // Saving again replaces the folder and leaves no temporary siblings behind.
  saveRetrievalIndex(dir, RetrievalIndex.build(ids.slice(0, 10), X.subarray(0, 10 * D), D));
  assert.equal(readRetrievalManifest(dir).count, 10);
  assert.equal(existsSync(join(dir, 'ann.usearch')), false);
  assert.deepEqual(readdirSync(root).filter((f) => f.startsWith('.')), []);
  saveRetrievalIndex(dir, built);
});

test('damaged or mismatched index folders fail with named errors', () => {
  const good = join(root, 'index');
  expectError(() => loadRetrievalIndex(join(root, 'nope')), 'missing', /nope$/, /index folder does not exist/);
  expectError(() => loadRetrievalIndex(good, { expectDim: 128 }), 'mismatch', /manifest\.json$/, /index dim is 16, expected 128/);
  expectError(() => loadRetrievalIndex(good, { expectCount: 5 }), 'mismatch', /manifest\.json$/, /holds 1500 items, expected 5/);

  let dir = copyOf(good, 'no-manifest');
  unlinkSync(join(dir, 'manifest.json'));
  expectError(() => loadRetrievalIndex(dir), 'missing', /manifest\.json$/, /no manifest\.json/);

  dir = copyOf(good, 'bad-json');
  writeFileSync(join(dir, 'manifest.json'), '{"format": ');
  expectError(() => loadRetrievalIndex(dir), 'corrupt', /manifest\.json$/, /not valid JSON/);

  const edit = (name: string, f: (m: Record<string, unknown>) => void): string => {
    const d = copyOf(good, name);
    const m = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    f(m);
    writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
    return d;
  };
  expectError(() => loadRetrievalIndex(edit('fmt', (m) => { m.format = 'something-else'; })), 'format', /manifest\.json$/, /format must be "hgrec\.retrieval-index", got "something-else"/);
  expectError(() => loadRetrievalIndex(edit('ver', (m) => { m.version = 2; })), 'version', /manifest\.json$/, /version 1 supported, got 2/);
  expectError(() => loadRetrievalIndex(edit('dim', (m) => { m.dim = 0; })), 'corrupt', /manifest\.json$/, /field dim must be an integer >= 1, got 0/);
  expectError(() => loadRetrievalIndex(edit('metric', (m) => { m.metric = 'l2'; })), 'corrupt', /manifest\.json$/, /field metric must be "dot"/);
  expectError(() => loadRetrievalIndex(edit('count', (m) => { m.count = N + 1; })), 'corrupt', /ids\.json$/, /ids must be an array of 1501 strings, got 1500 entries/);

  dir = copyOf(good, 'flipped');
  const vpath = join(dir, 'vectors.safetensors');
  const buf = readFileSync(vpath);
  buf[buf.length - 3] ^= 0x40;
  writeFileSync(vpath, buf);
  expectError(() => loadRetrievalIndex(dir), 'corrupt', /vectors\.safetensors$/, /fails its CRC32 check/);

  dir = copyOf(good, 'truncated');
  truncateSync(join(dir, 'vectors.safetensors'), 100);
  expectError(() => loadRetrievalIndex(dir), 'corrupt', /vectors\.safetensors$/, /has 100 bytes, manifest says \d+/);

  dir = copyOf(good, 'no-ann');
  unlinkSync(join(dir, 'ann.usearch'));
  expectError(() => loadRetrievalIndex(dir), 'missing', /ann\.usearch$/, /listed in the manifest is absent/);
  assert.equal(loadRetrievalIndex(dir, { ann: false }).ann, null, 'the graph can be skipped');

  dir = copyOf(good, 'dup-ids');
  const idsList = ids.slice();
  idsList[5] = idsList[4];
  writeFileSync(join(dir, 'ids.json'), JSON.stringify(idsList));
  expectError(() => loadRetrievalIndex(dir, { verify: false }), 'corrupt', /ids\.json$/, /duplicate id "book:28" at rows 4 and 5/);
});
