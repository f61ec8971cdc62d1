import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeText, terms, tokenizerConfig, words } from './tokenize.ts';

test('Latin with accents: NFKC + case folding, composed and decomposed forms agree', () => {
  assert.deepEqual(words('Café CAFÉ cafe\u0301 Ｃａｆé'), ['café', 'café', 'café', 'café']);
  assert.equal(normalizeText('ﬁnal'), 'final'); // ligature folded by NFKC
  assert.deepEqual(words("Élan-vital, l'été über Straße"), ['élan', 'vital', 'l', 'été', 'über', 'straße']);
});

test('emoji and punctuation separate words and produce no terms', () => {
  assert.deepEqual(words('rock🎸roll!!! ... 🎉🎉 (live) #1'), ['rock', 'roll', 'live', '1']);
  assert.deepEqual(terms('🎉 !!! ...'), []);
  assert.deepEqual(terms(''), []);
  // astral-plane letters are kept whole (no broken surrogate pairs)
  const t = terms('𐌰𐌱𐌲', tokenizerConfig({ wordBigrams: false, charMin: 2, charMax: 2 }));
  assert.ok(t.every((x) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(x)));
  assert.ok(t.includes('c:𐌰𐌱') && t.includes('w:𐌰𐌱𐌲'));
});

test('CJK and Thai fall back to per-character words and character n-grams', () => {
  assert.deepEqual(words('東京タワー'), ['東', '京', 'タ', 'ワ', 'ー']);
  const t = terms('東京タワー', tokenizerConfig({ wordBigrams: true, charMin: 3, charMax: 3 }));
  assert.ok(t.includes('w:東') && t.includes('b:東 京') && t.includes('b:ワ ー'));
  assert.ok(t.includes('c:東京タ') && t.includes('c: 東京') && t.includes('c:ワー '));
  assert.deepEqual(words('ภาษาไทย'), ['ภ', 'า', 'ษ', 'า', 'ไ', 'ท', 'ย']);
  // Korean uses spaces: Hangul words stay whole
  assert.deepEqual(words('한국어 책'), ['한국어', '책']);
});

test('word bigrams and char n-grams within word boundaries', () => {
  const t = terms('Big cat', tokenizerConfig({ wordBigrams: true, charMin: 3, charMax: 4 }));
  assert.deepEqual(t, ['w:big', 'c: bi', 'c:big', 'c:ig ', 'c: big', 'c:big ', 'w:cat', 'c: ca', 'c:cat', 'c:at ',
    'c: cat', 'c:cat ', 'b:big cat']);
  // a word shorter than charMin (padded) is one n-gram
  assert.deepEqual(terms('a', tokenizerConfig({ wordBigrams: false, charMin: 4, charMax: 5 })), ['w:a', 'c: a ']);
  assert.throws(() => tokenizerConfig({ charMin: 5, charMax: 3 }), /charMin <= charMax/);
});
