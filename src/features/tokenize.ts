// Multilingual-safe tokenisation for the built-in text encoder.
//
// normalise: NFKC + lower-casing (JS has no full Unicode case folding; toLowerCase covers
// every script with case, and NFKC first folds compatibility forms: full-width Latin,
// ligatures, composed vs decomposed accents).
// words: maximal runs of letters, marks and numbers (\p{L}\p{M}\p{N}); everything else
// (spaces, punctuation, emoji, symbols) separates words and is dropped.
// Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) are
// split into one "word" per character (by Script_Extensions, so ー and 々 count), so word unigrams/bigrams over them are character
// unigrams/bigrams, and their character n-grams run over the whole spaceless run.

/** Settings of the term extractor. Immutable once made with {@link tokenizerConfig}. */
export interface TokenizerConfig {
  /** word unigrams (always on) plus word bigrams when true */
  readonly wordBigrams: boolean;
  /** smallest character n-gram (code points, within word boundaries); 0 disables */
  readonly charMin: number;
  /** largest character n-gram */
  readonly charMax: number;
}

export const DEFAULT_TOKENIZER: TokenizerConfig = Object.freeze({ wordBigrams: true, charMin: 3, charMax: 5 });

/** Validated, frozen tokenizer settings. Throws on bad n-gram ranges. */
export function tokenizerConfig(c: Partial<TokenizerConfig> = {}): TokenizerConfig {
  const out = { ...DEFAULT_TOKENIZER, ...c };
  if (!Number.isInteger(out.charMin) || !Number.isInteger(out.charMax) || out.charMin < 0 ||
    (out.charMin > 0 && (out.charMin < 1 || out.charMax < out.charMin || out.charMax > 10))) {
    throw new Error(`tokenizerConfig: expected 0 (off) or 1 <= charMin <= charMax <= 10, got charMin=${out.charMin} ` +
      `charMax=${out.charMax}`);
  }
  return Object.freeze(out);
}

const WORD_RE = /[\p{L}\p{M}\p{N}]+/gu;
const SPACELESS_RE =
  /[\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script_Extensions=Thai}\p{Script_Extensions=Lao}\p{Script_Extensions=Khmer}\p{Script_Extensions=Myanmar}]/u;
/** Splits a word into runs of spaceless-script characters and the rest. */
const SPLIT_RE =
  /([\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script_Extensions=Thai}\p{Script_Extensions=Lao}\p{Script_Extensions=Khmer}\p{Script_Extensions=Myanmar}\p{M}]+)/u;

/** NFKC + lower case. Example: normalizeText('Ｃａｆé') === 'café'. */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** Marks a segment key as a spaceless run (never occurs in normalised words). */
const RUN_MARK = '\u0000';

/**
 * A text split into segments and pieces. A segment is a word, or a whole spaceless run
 * (key prefixed with U+0000); a piece is a word or one character of a run. Word unigrams and
 * character n-grams depend on the segment only (so they can be cached per segment); bigrams
 * join consecutive pieces.
 */
export interface Segmented {
  readonly segments: string[];
  readonly pieces: string[];
}

/** Splits a text (normalised inside) into segments and pieces. */
export function segmentText(text: string): Segmented {
  const segments: string[] = [];
  const pieces: string[] = [];
  for (const m of normalizeText(text).matchAll(WORD_RE)) {
    const w = m[0];
    if (!SPACELESS_RE.test(w)) { segments.push(w); pieces.push(w); continue; }
    for (const part of w.split(SPLIT_RE)) {
      if (part === '') continue;
      if (SPACELESS_RE.test(part)) {
        segments.push(RUN_MARK + part);
        for (const ch of runChars(part)) pieces.push(ch);
      } else { segments.push(part); pieces.push(part); }
    }
  }
  return { segments, pieces };
}

/** Characters of a spaceless run, combining marks (Thai vowels/tones) kept with their base. */
function runChars(run: string): string[] {
  return run.match(/\P{M}\p{M}*/gu) ?? [];
}

/**
 * The words of a text (normalised). Spaceless scripts give one word per character.
 * Example: words('Hello, Wörld! 東京') -> ['hello', 'wörld', '東', '京']
 */
export function words(text: string): string[] {
  return segmentText(text).pieces;
}

/** Character n-grams (code points) of cps for n in [lo, hi]; if it is shorter than lo, the whole. */
function charNgrams(cps: string[], lo: number, hi: number, emit: (t: string) => void): void {
  if (cps.length < lo) { emit(cps.join('')); return; }
  for (let n = lo; n <= hi && n <= cps.length; n++) {
    for (let i = 0; i + n <= cps.length; i++) emit(cps.slice(i, i + n).join(''));
  }
}

const SURROGATE_RE = /[\uD800-\uDFFF]/;

/** Same as charNgrams over a string; substring fast path when every code point is one unit. */
function stringNgrams(s: string, lo: number, hi: number, emit: (t: string) => void): void {
  if (SURROGATE_RE.test(s)) { charNgrams(Array.from(s), lo, hi, emit); return; }
  if (s.length < lo) { emit(s); return; }
  for (let n = lo; n <= hi && n <= s.length; n++) {
    for (let i = 0; i + n <= s.length; i++) emit(s.substring(i, i + n));
  }
}

/**
 * Calls emit for the unigram and character n-gram terms of one segment (see segmentText):
 * `w:<word>` and `c:<n-gram>` over ` word ` (space-padded, like a word-boundary analyser);
 * a spaceless run gives `w:<char>` per character and n-grams over the whole padded run.
 */
export function forEachSegmentTerm(segment: string, cfg: TokenizerConfig, emit: (term: string) => void): void {
  const cEmit = (t: string): void => emit('c:' + t);
  if (segment.startsWith(RUN_MARK)) {
    const chars = runChars(segment.slice(1));
    for (const ch of chars) emit('w:' + ch);
    if (cfg.charMin > 0) charNgrams([' ', ...chars, ' '], cfg.charMin, cfg.charMax, cEmit);
    return;
  }
  emit('w:' + segment);
  if (cfg.charMin > 0) stringNgrams(' ' + segment + ' ', cfg.charMin, cfg.charMax, cEmit);
}

/** Calls emit for the bigram terms `b:<piece> <piece>` of consecutive pieces (if enabled). */
export function forEachBigram(pieces: readonly string[], cfg: TokenizerConfig, emit: (term: string) => void): void {
  if (!cfg.wordBigrams) return;
  for (let i = 0; i + 1 < pieces.length; i++) emit('b:' + pieces[i] + ' ' + pieces[i + 1]);
}

/**
 * Calls emit for every term occurrence of a text: per segment its unigrams and character
 * n-grams (in [charMin, charMax] code points; 0 = off), then the word bigrams. Terms are
 * namespaced (`w:`, `c:`, `b:`) so kinds never collide. Emoji and punctuation produce nothing.
 */
export function forEachTerm(text: string, cfg: TokenizerConfig, emit: (term: string) => void): void {
  const { segments, pieces } = segmentText(text);
  for (const seg of segments) forEachSegmentTerm(seg, cfg, emit);
  forEachBigram(pieces, cfg, emit);
}

/** All term occurrences of a text as an array (see {@link forEachTerm}). */
export function terms(text: string, cfg: TokenizerConfig = DEFAULT_TOKENIZER): string[] {
  const out: string[] = [];
  forEachTerm(text, cfg, (t) => out.push(t));
  return out;
}
