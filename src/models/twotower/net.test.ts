import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape } from '../../tensor/index.ts';
import { assertClose } from '../../testing/index.ts';
import { TwoTowerNet, type NetDims } from './net.ts';

const dims: NetDims = { userDense: 7, countryVocab: 4, countryDim: 3, itemDense: 9, languageVocab: 3, languageDim: 2, genreVocab: 5, genreDim: 2, hidden: [16, 8, 4] };

test('tapeless inference (batch 1 and batched) equals the tape forward of both towers', () => {
  const rng = new Rng(2);
  const net = new TwoTowerNet(dims, 5);
  const B = 5;
  const ud = Float32Array.from({ length: B * 7 }, () => rng.normal()), uc = Int32Array.from([0, 3, 1, 1, 2]);
  const id = Float32Array.from({ length: B * 9 }, () => rng.normal()), il = Int32Array.from([0, 2, 1, 1, 0]), ig = Int32Array.from([4, 0, 3, 1, 2]);
  const tp = new Tape(undefined, { grad: false });
  const uTape = net.userTape(tp, tp.input(ud, [B, 7]), uc).toArray();
  const iTape = net.itemTape(tp, tp.input(id, [B, 9]), il, ig).toArray();
  assertClose(net.userInferBatch(ud, uc, B), uTape, 1e-5, 'user batch');
  assertClose(net.itemInferBatch(id, il, ig, B), iTape, 1e-5, 'item batch');
  for (let r = 0; r < B; r++) assertClose(net.userInfer1(ud.subarray(r * 7, r * 7 + 7), uc[r]), uTape.slice(r * 4, r * 4 + 4), 1e-5, `user row ${r}`);
  assert.throws(() => net.userInfer1(ud, 9), /TwoTowerNet.userInfer1: countryId 9 out of range \[0, 4\)/);
});

test('the first layer is one parameter per tower (dense and embedding rows are views of it); names are stable', () => {
  const net = new TwoTowerNet(dims, 1);
  assert.deepEqual(net.params.names(), ['emb.country', 'emb.language', 'emb.genre', 'user.0.W', 'user.0.b', 'user.1.W', 'user.1.b',
    'user.2.W', 'user.2.b', 'item.0.W', 'item.0.b', 'item.1.W', 'item.1.b', 'item.2.W', 'item.2.b']);
  assert.deepEqual(net.params.get('user.0.W').shape, [10, 16]);
  assert.deepEqual(net.params.get('item.0.W').shape, [13, 16]);
  net.params.get('user.0.W').data[7 * 16] = 42; // first row of the embedding part
  assert.equal(net.user.We!.data[0], 42);
  const noEmb = new TwoTowerNet({ ...dims, countryDim: 0, languageDim: 0, genreDim: 0 }, 1);
  assert.equal(noEmb.country, null);
  assert.deepEqual(noEmb.params.get('item.0.W').shape, [9, 16]);
});
