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

/** A word with a flag telling whether it is one character of a spaceless run. */
interface Piece { text: string; spaceless: boolean; run: number }

/** Words of a text after normalisation; spaceless scripts give one piece per character. */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let run = 0;
  for (const m of normalizeText(text).matchAll(WORD_RE)) {
    const w = m[0];
    if (!SPACELESS_RE.test(w)) { out.push({ text: w, spaceless: false, run: run++ }); continue; }
    for (const part of w.split(SPLIT_RE)) {
      if (part === '') continue;
      if (SPACELESS_RE.test(part)) {
        // Keep combining marks (Thai vowels/tones) attached to the preceding character.
        const chars = part.match(/\P{M}\p{M}*/gu) ?? [];
        const r = run++;
        for (const ch of chars) out.push({ text: ch, spaceless: true, run: r });
      } else out.push({ text: part, spaceless: false, run: run++ });
    }
  }
  return out;
}

/**
 * The words of a text (normalised). Spaceless scripts give one word per character.
 * Example: words('Hello, Wörld! 東京') -> ['hello', 'wörld', '東', '京']
 */
export function words(text: string): string[] {
  return pieces(text).map((p) => p.text);
}

/** Character n-grams (code points) of s for n in [lo, hi]; if s is shorter than lo, s itself. */
function charNgrams(cps: string[], lo: number, hi: number, emit: (t: string) => void): void {
  if (cps.length < lo) { emit(cps.join('')); return; }
  for (let n = lo; n <= hi && n <= cps.length; n++) {
    for (let i = 0; i + n <= cps.length; i++) emit(cps.slice(i, i + n).join(''));
  }
}

/**
 * Calls emit for every term occurrence of a text, in order. Terms are namespaced so the
 * kinds never collide: `w:<word>`, `b:<word> <word>` (adjacent words), `c:<n-gram>` where
 * word n-grams are taken over ` word ` (space-padded, like a word-boundary analyser) and
 * spaceless runs are n-grammed as a whole (padded too), with n in [charMin, charMax].
 * Emoji and punctuation produce nothing.
 */
export function forEachTerm(text: string, cfg: TokenizerConfig, emit: (term: string) => void): void {
  const ps = pieces(text);
  for (let i = 0; i < ps.length; i++) {
    emit('w:' + ps[i].text);
    if (cfg.wordBigrams && i + 1 < ps.length) emit('b:' + ps[i].text + ' ' + ps[i + 1].text);
  }
  if (cfg.charMin <= 0) return;
  const cEmit = (t: string): void => emit('c:' + t);
  for (let i = 0; i < ps.length;) {
    if (!ps[i].spaceless) {
      charNgrams([' ', ...Array.from(ps[i].text), ' '], cfg.charMin, cfg.charMax, cEmit);
      i++;
      continue;
    }
    // A spaceless run: n-grams over its characters (each character may be several code points).
    let j = i;
    const chars: string[] = [' '];
    while (j < ps.length && ps[j].spaceless && ps[j].run === ps[i].run) chars.push(ps[j++].text);
    chars.push(' ');
    charNgrams(chars, cfg.charMin, cfg.charMax, cEmit);
    i = j;
  }
}

/** All term occurrences of a text as an array (see {@link forEachTerm}). */
export function terms(text: string, cfg: TokenizerConfig = DEFAULT_TOKENIZER): string[] {
  const out: string[] = [];
  forEachTerm(text, cfg, (t) => out.push(t));
  return out;
}
