import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../tensor/rng.ts';
import { TfidfSvdEncoder } from './text_encoder.ts';

const FANTASY = ['dragon', 'castle', 'knight', 'sword', 'magic', 'quest', 'kingdom', 'wizard', 'elf', 'prophecy'];
const FINANCE = ['startup', 'market', 'finance', 'profit', 'investor', 'growth', 'revenue', 'strategy', 'equity', 'stock'];

function corpus(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const doc = (v: string[]): string => Array.from({ length: 10 }, () => v[Math.floor(rng.float() * v.length)]).join(' ');
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(doc(i % 2 === 0 ? FANTASY : FINANCE));
  return out;
}

const cos = (x: Float32Array, D: number, i: number, j: number): number => {
  let s = 0;
  for (let c = 0; c < D; c++) s += x[i * D + c] * x[j * D + c];
  return s;
};

test('topic signal: two vocabularies separate by cosine after SVD; rows are unit length', () => {
  const texts = corpus(80, 1);
  const D = 8;
  const lines: string[] = [];
  const { encoder, x, info } = TfidfSvdEncoder.fitTransform(texts, { dim: D, seed: 2, log: (m) => lines.push(m) });
  assert.equal(encoder.dim, D);
  assert.equal(lines.filter((l) => l.includes('SVD pass')).length, 6); // 2 + 2 × powerIters
  assert.match(lines[lines.length - 1], /SVD pass 6\/6/);
  assert.equal(info.docs, 80);
  let within = 0, across = 0, nw = 0, na = 0;
  for (let i = 0; i < 80; i++) {
    let n = 0;
    for (let c = 0; c < D; c++) n += x[i * D + c] ** 2;
    assert.ok(Math.abs(n - 1) < 1e-5);
    for (let j = i + 1; j < 80; j++) {
      if (i % 2 === j % 2) { within += cos(x, D, i, j); nw++; } else { across += cos(x, D, i, j); na++; }
    }
  }
  within /= nw; across /= na;
  assert.ok(within > 0.5, `mean within-topic cosine ${within}`);
  assert.ok(across < 0.1, `mean across-topic cosine ${across}`);
  // an unseen document of one topic lands nearer to that topic's documents
  const y = encoder.transform(['a wizard and a knight on a quest for the sword', 'investor equity and stock market growth']);
  const all = new Float32Array([...x, ...y]);
  const meanCos = (row: number, parity: number): number => {
    let s = 0;
    for (let i = parity; i < 80; i += 2) s += cos(all, D, row, i);
    return s / 40;
  };
  assert.ok(meanCos(80, 0) > meanCos(80, 1) + 0.3);
  assert.ok(meanCos(81, 1) > meanCos(81, 0) + 0.3);
});

test('save -> load -> identical transform, including unseen text; bad files are refused', () => {
  const texts = corpus(60, 3);
  const { encoder, x } = TfidfSvdEncoder.fitTransform(texts, { dim: 6, seed: 4 });
  const dir = mkdtempSync(join(tmpdir(), 'hgrec-features-'));
  try {
    const path = join(dir, 'enc.safetensors');
    encoder.save(path);
    const loaded = TfidfSvdEncoder.load(path);
    assert.equal(loaded.dim, 6);
    assert.equal(loaded.rank, encoder.rank);
    assert.deepEqual(loaded.tfidf.vocab, encoder.tfidf.vocab);
    assert.deepEqual(loaded.transform(texts), x);
    const unseen = ['the dragon kingdom of café 東京', 'revenue growth strategy'];
    assert.deepEqual(loaded.transform(unseen), encoder.transform(unseen));
    // transform of a catalogue text at serving time == its fit-time vector
    assert.deepEqual(loaded.transform([texts[7]]), x.subarray(7 * 6, 8 * 6));
    writeFileSync(join(dir, 'bad.safetensors'), Buffer.from([1, 2, 3]));
    assert.throws(() => TfidfSvdEncoder.load(join(dir, 'bad.safetensors')), /too short/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('svdSampleDocs: SVD on a sample still separates the topics; vocabulary from all documents', () => {
  const texts = corpus(80, 9);
  const { encoder, x } = TfidfSvdEncoder.fitTransform(texts, { dim: 4, svdSampleDocs: 30, seed: 1 });
  assert.equal(encoder.tfidf.numDocs, 80);
  assert.ok(cos(x, 4, 0, 2) > cos(x, 4, 0, 1) + 0.3);
  assert.throws(() => TfidfSvdEncoder.fit(texts, { svdSampleDocs: 0 }), /svdSampleDocs expected integer >= 1, got 0/);
});

test('empty or all-unknown text gives a zero row flagged as empty', () => {
  const encoder = TfidfSvdEncoder.fit(corpus(40, 5), { dim: 4 });
  const { x, empty } = encoder.encodeWithMask(['', '🎉 !!!', 'zzzzqqqq xxxyyy', 'dragon castle']);
  assert.deepEqual(Array.from(empty), [1, 1, 1, 0]);
  for (let i = 0; i < 12; i++) assert.equal(x[i], 0);
  assert.ok(x.subarray(12).some((v) => v !== 0));
});

test('catalogue smaller than dim: rank = number of distinct documents, trailing columns zero', () => {
  const texts = ['red apple pie', 'green apple tart', 'red cherry pie'];
  const { encoder, x } = TfidfSvdEncoder.fitTransform(texts, { dim: 16, tfidf: { minDf: 1 } });
  assert.equal(encoder.dim, 16);
  assert.equal(x.length, 3 * 16);
  assert.ok(encoder.rank <= 3 && encoder.rank >= 2, `rank ${encoder.rank}`);
  for (let i = 0; i < 3; i++) for (let c = encoder.rank; c < 16; c++) assert.equal(x[i * 16 + c], 0);
  assert.throws(() => TfidfSvdEncoder.fit([], {}), /at least one document/);
  assert.throws(() => TfidfSvdEncoder.fit(['a b', 'c d']), /vocabulary is empty/);
});
