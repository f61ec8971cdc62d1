import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newVersionDir, publishVersion, writeFileAtomic } from './atomic.ts';

test('atomic: a version becomes visible only when published; old versions are collected', () => {
  const ws = mkdtempSync(join(tmpdir(), 'hgrec-atomic-'));
  const v1 = newVersionDir(ws, 'tables');
  writeFileSync(join(v1, 'x.txt'), 'one');
  publishVersion(ws, 'tables', v1);
  assert.equal(readFileSync(join(ws, 'tables', 'x.txt'), 'utf8'), 'one');
  // a "crash" while building v2: never published, readers still see v1
  const v2 = newVersionDir(ws, 'tables');
  writeFileSync(join(v2, 'x.txt'), 'two (half written)');
  assert.equal(readFileSync(join(ws, 'tables', 'x.txt'), 'utf8'), 'one');
  const v3 = newVersionDir(ws, 'tables');
  writeFileSync(join(v3, 'x.txt'), 'three');
  publishVersion(ws, 'tables', v3);
  assert.equal(readFileSync(join(ws, 'tables', 'x.txt'), 'utf8'), 'three');
  assert.deepEqual(readdirSync(join(ws, '.versions')).filter((e) => e.startsWith('tables-')).length, 1);
  // a real folder at the link path is refused, never deleted
  mkdirSync(join(ws, 'split'));
  assert.throws(() => publishVersion(ws, 'split', newVersionDir(ws, 'split')), /publishVersion: .*split exists and is not a symlink made by hgrec/);
  writeFileAtomic(join(ws, 'a', 'b.json'), '{}');
  assert.equal(readFileSync(join(ws, 'a', 'b.json'), 'utf8'), '{}');
  assert.deepEqual(readdirSync(join(ws, 'a')), ['b.json']);
});
