import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdMap } from './ids.ts';
import { RetrievalIndex } from './retrieval_index.ts';

test('IdMap maps string ids to rows and back, skipping unknown ids', () => {
  const m = new IdMap(['a', 'b', 'c']);
  assert.equal(m.size, 3);
  assert.equal(m.rowOf('b'), 1);
  assert.equal(m.rowOf('zzz'), undefined);
  assert.deepEqual(Array.from(m.rowsOf(['c', 'zzz', 'a'])), [2, 0]);
  assert.deepEqual(m.idsOf(Int32Array.of(2, 0)), ['c', 'a']);
  assert.throws(() => m.idOf(3), /IdMap.idOf: row must be an integer in \[0, 3\), got 3/);
  assert.throws(() => new IdMap(['x', 'y', 'x']), /IdMap: duplicate id "x" at rows 0 and 2/);
  assert.throws(() => new IdMap(['x', 5 as unknown as string]), /IdMap: ids\[1\] must be a string, got number/);
});

test('RetrievalIndex.recommend answers with string ids, best first, without excluded items', () => {
  // 4 items in 8 dims; item i points along axis i with length i+1.
  const D = 8, ids = ['p', 'q', 'r', 's'];
  const X = new Float32Array(4 * D);
  for (let i = 0; i < 4; i++) X[i * D + i] = i + 1;
  const idx = RetrievalIndex.build(ids, X, D);
  const q = new Float32Array(D).fill(1);
  assert.deepEqual(idx.recommend(q, 2).itemIds, ['s', 'r']);
  const r = idx.recommend(q, 10, { exclude: ['s', 'unknown'] });
  assert.deepEqual(r.itemIds, ['r', 'q', 'p']);
  assert.deepEqual(Array.from(r.scores), [3, 2, 1]);
  assert.throws(() => idx.recommend(q, 2, { mode: 'ann' }), /mode 'ann' but this index has no ANN graph/);
  assert.throws(() => RetrievalIndex.build(['a'], X, D), /RetrievalIndex.build: 1 ids but 4 vectors of dim 8/);
});
