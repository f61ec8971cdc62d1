import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCsr, csrToDense, denseToCsr, spmm, spmmT, transposeCsr } from './csr.ts';
import { fitTfidf, tfidfConfig, tfidfTransform } from './tfidf.ts';
import { terms } from './tokenize.ts';

const wordsOnly = { tokenizer: { wordBigrams: false, charMin: 0, charMax: 0 }, minDf: 1 };
const docs = ['apple banana banana', 'banana cherry', 'cherry cherry cherry'];

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `index ${i}: ${a[i]} vs ${b[i]}`);
}

test('TF-IDF matches a hand computation on 3 documents (sublinear tf, smoothed idf, l2 rows)', () => {
  const m = fitTfidf(docs, tfidfConfig(wordsOnly));
  // df: banana 2, cherry 2, apple 1 -> order by df desc, then term
  assert.deepEqual(m.vocab, ['w:banana', 'w:cherry', 'w:apple']);
  const idfShared = Math.log(4 / 3) + 1; // ln((1+3)/(1+2)) + 1 = 1.287682
  const idfApple = Math.log(4 / 2) + 1; // 1.693147
  close(m.idf, [1.287682, 1.287682, 1.693147], 1e-6);
  close(m.idf, [idfShared, idfShared, idfApple], 1e-6);
  const x = tfidfTransform(m, docs);
  checkCsr(x);
  // doc 0: banana tf 2 -> (1 + ln 2) * 1.287682 = 2.180235; apple tf 1 -> 1.693147; norm 2.760466
  // doc 1: banana, cherry tf 1 each -> equal weights -> 1/sqrt(2)
  // doc 2: cherry only -> 1
  const expected = [
    2.180235 / 2.760466, 0, 1.693147 / 2.760466,
    Math.SQRT1_2, Math.SQRT1_2, 0,
    0, 1, 0,
  ];
  close(csrToDense(x), expected, 1e-5);
  // raw tf: doc 0 banana 2 * 1.287682 = 2.575364, apple 1.693147
  const raw = tfidfTransform(fitTfidf(docs, tfidfConfig({ ...wordsOnly, sublinearTf: false })), docs);
  const n0 = Math.hypot(2.575364, 1.693147);
  close(csrToDense(raw).subarray(0, 3), [2.575364 / n0, 0, 1.693147 / n0], 1e-5);
});

test('vocabulary caps: minDf, maxDfRatio, maxFeatures; unknown terms ignored; empty docs are empty rows', () => {
  const m = fitTfidf(docs, tfidfConfig({ ...wordsOnly, minDf: 2 }));
  assert.deepEqual(m.vocab, ['w:banana', 'w:cherry']);
  assert.deepEqual(fitTfidf(docs, tfidfConfig({ ...wordsOnly, maxFeatures: 1 })).vocab, ['w:banana']);
  assert.deepEqual(fitTfidf(docs, tfidfConfig({ ...wordsOnly, maxDfRatio: 0.5 })).vocab, ['w:apple']);
  const x = tfidfTransform(m, ['durian', '', 'banana durian']);
  assert.deepEqual(Array.from(x.indptr), [0, 0, 0, 1]);
  assert.throws(() => fitTfidf(['a b', 'c d'], tfidfConfig({ ...wordsOnly, minDf: 2 })), /vocabulary is empty.*minDf=2/);
  assert.throws(() => tfidfConfig({ minDf: 0 }), /minDf expected integer >= 1, got 0/);
});

test('sparse products agree with dense ones', () => {
  const dense = [1, 0, 2, 0, 0, 3, -1, 0, 0, 0, 0, 0]; // [4, 3]
  const a = denseToCsr(dense, 4, 3);
  const b = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
  const out = spmm(a, b, 2, new Float32Array(8));
  assert.deepEqual(Array.from(out), [11, 14, 15, 18, -1, -2, 0, 0]);
  const y = Float32Array.from([1, 0, 0, 1, 1, 1, 2, 2]); // [4, 2]
  const outT = spmmT(a, y, 2, new Float32Array(6));
  // Aᵀ: [3, 4] = [[1,0,-1,0],[0,0,0,0],[2,3,0,0]]
  assert.deepEqual(Array.from(outT), [0, -1, 0, 0, 2, 3]);
  const at = transposeCsr(a);
  checkCsr(at);
  assert.deepEqual(Array.from(spmm(at, y, 2, new Float32Array(6))), [0, -1, 0, 0, 2, 3]);
  // more than four entries per row exercises the unrolled path
  const wide = denseToCsr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 2, 13);
  const bw = Float32Array.from({ length: 13 * 2 }, (_, i) => (i % 2 ? 1 : i / 2 + 1)); // row r = [r + 1, 1]
  // row 0: [Σ_{r<13} (r+1)², Σ_{r<13} (r+1)] = [819, 91] (8-, then 4-, then 1-wide paths); row 1: 1·B[12] = [13, 1]
  assert.deepEqual(Array.from(spmm(wide, bw, 2, new Float32Array(4))), [819, 91, 13, 1]);
});

test('fitted vocabulary (cached segments, bigram pre-count) equals a direct count over all terms', () => {
  const corpus = [
    'The quick brown fox', 'the quick red fox', 'a lazy brown dog', 'Quick brown dogs!', '東京タワー 東京駅',
    'naïve café', 'NAÏVE CAFÉ au lait', 'brown fox brown fox', '',
  ];
  for (const minDf of [1, 2, 3]) {
    const cfg = tfidfConfig({ minDf });
    const m = fitTfidf(corpus, cfg);
    const df = new Map<string, number>();
    for (const d of corpus) for (const t of new Set(terms(d, cfg.tokenizer))) df.set(t, (df.get(t) ?? 0) + 1);
    const ref = [...df].filter(([, c]) => c >= minDf).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(m.vocab, ref.map((r) => r[0]), `minDf=${minDf}`);
    close(m.idf, ref.map((r) => Math.log((1 + corpus.length) / (1 + r[1])) + 1), 1e-6);
    if (minDf === 2) assert.ok(m.vocab.includes('b:quick brown') && m.vocab.includes('b:brown fox') && !m.vocab.includes('b:東 京'));
  }
});

test('fitted vocabulary equals a direct count on a corpus with >80k distinct bigrams (pair map growth, caps, ties)', () => {
  // 4000 docs of 30 words from a 600-word lexicon: ~116k bigram occurrences, most pairs distinct
  let seed = 12345;
  const next = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
  const lex = Array.from({ length: 600 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`);
  const corpus = Array.from({ length: 4000 }, () => Array.from({ length: 30 }, () => lex[next(lex.length)]).join(' '));
  const tok = { wordBigrams: true, charMin: 0, charMax: 0 };
  const df = new Map<string, number>();
  for (const d of corpus) for (const t of new Set(terms(d, tfidfConfig({ tokenizer: tok }).tokenizer))) df.set(t, (df.get(t) ?? 0) + 1);
  for (const [minDf, maxFeatures] of [[1, 200_000], [2, 200_000], [2, 5000], [3, 777]]) {
    const m = fitTfidf(corpus, tfidfConfig({ tokenizer: tok, minDf, maxFeatures, maxDfRatio: 0.9 }));
    const ref = [...df].filter(([, c]) => c >= minDf && c <= 0.9 * corpus.length)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, maxFeatures);
    assert.equal(m.vocab.length, ref.length, `minDf=${minDf} maxFeatures=${maxFeatures}`);
    assert.deepEqual(m.vocab, ref.map((r) => r[0]), `minDf=${minDf} maxFeatures=${maxFeatures}`);
    close(m.idf, ref.map((r) => Math.log((1 + corpus.length) / (1 + r[1])) + 1), 1e-6);
  }
  const distinctBigrams = [...df.keys()].filter((t) => t.startsWith('b:')).length;
  assert.ok(distinctBigrams > 80_000, `expected > 80k distinct bigrams (so the pair map grows), got ${distinctBigrams}`);
});
