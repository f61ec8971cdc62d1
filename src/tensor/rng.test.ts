import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.ts';

test('Rng is deterministic per seed and differs across seeds', () => {
  const a = new Rng(123), b = new Rng(123), c = new Rng(124);
  const sa = Array.from({ length: 5 }, () => a.nextU32());
  assert.deepEqual(sa, Array.from({ length: 5 }, () => b.nextU32()));
  assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.nextU32()));
  assert.ok(sa.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32));
});

test('Rng float / int / normal have the right ranges and moments', () => {
  const r = new Rng(9);
  const n = 20000;
  let s = 0, s2 = 0;
  const counts = new Array(7).fill(0);
  for (let i = 0; i < n; i++) {
    const f = r.float();
    assert.ok(f >= 0 && f < 1);
    counts[r.int(7)]++;
    const z = r.normal();
    s += z; s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.03, `normal mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.05, `normal variance ${s2 / n}`);
  for (const c of counts) assert.ok(Math.abs(c - n / 7) < 0.1 * n / 7, `int(7) counts ${counts}`);
  assert.throws(() => r.int(0), /Rng.int: n must be an integer in \[1, 2\^32\], got 0/);
});

test('Rng.shuffle permutes in place; fork gives an independent deterministic stream', () => {
  const arr = Int32Array.from({ length: 50 }, (_, i) => i);
  new Rng(4).shuffle(arr);
  assert.deepEqual([...arr].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(Array.from(arr), Array.from({ length: 50 }, (_, i) => i));
  const f1 = new Rng(4).fork(), f2 = new Rng(4).fork();
  assert.equal(f1.nextU32(), f2.nextU32());
});
