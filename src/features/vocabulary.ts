// String -> dense id vocabularies for categorical columns (type, language, genre), with id 0
// reserved for unknown / missing values. Used for one-hot item features and for the
// two-tower's learned embedding tables (row 0 = the unknown row).

export const UNKNOWN_TOKEN = '<unk>';
export const VOCAB_FORMAT = 'hgrec.vocabulary';

/** A categorical value: one string, several (multi-valued, e.g. two categories), or missing. */
export type CategoryValue = string | readonly string[] | null | undefined;

export interface VocabularyOptions {
  /** values seen fewer times map to unknown (default 1) */
  minCount?: number;
  /** keep at most this many known values, most frequent first (default unlimited) */
  maxSize?: number;
  /** value normalisation before lookup (default: trim); e.g. lower-case for languages */
  lowercase?: boolean;
}

/** Values of one cell, normalised, empty strings dropped. */
export function cellValues(v: CategoryValue, lowercase = false): string[] {
  if (v === null || v === undefined) return [];
  const arr = typeof v === 'string' ? [v] : v;
  const out: string[] = [];
  for (const s of arr) {
    const t = lowercase ? s.trim().toLowerCase() : s.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/** A frozen vocabulary: tokens[0] is '<unk>', tokens[i] has id i. */
export class Vocabulary {
  private readonly index: Map<string, number>;

  constructor(readonly tokens: readonly string[], readonly lowercase = false) {
    if (tokens[0] !== UNKNOWN_TOKEN) throw new Error(`Vocabulary: tokens[0] expected ${UNKNOWN_TOKEN}, got ${JSON.stringify(tokens[0])}`);
    this.index = new Map();
    tokens.forEach((t, i) => {
      if (this.index.has(t)) throw new Error(`Vocabulary: duplicate token ${JSON.stringify(t)} at ${i}`);
      this.index.set(t, i);
    });
  }

  /**
   * Fits on a column: known values by count (descending, then code-unit order).
   * Example: Vocabulary.fit(['en', 'fr', 'en']).id('en') === 1
   */
  static fit(values: readonly CategoryValue[], opts: VocabularyOptions = {}): Vocabulary {
    const minCount = opts.minCount ?? 1;
    const maxSize = opts.maxSize ?? Infinity;
    if (!Number.isInteger(minCount) || minCount < 1) throw new Error(`Vocabulary.fit: minCount expected integer >= 1, got ${minCount}`);
    if (!(maxSize >= 0)) throw new Error(`Vocabulary.fit: maxSize expected >= 0, got ${maxSize}`);
    const counts = new Map<string, number>();
    for (const v of values) for (const s of cellValues(v, opts.lowercase)) counts.set(s, (counts.get(s) ?? 0) + 1);
    counts.delete(UNKNOWN_TOKEN);
    const kept = [...counts].filter(([, c]) => c >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (kept.length > maxSize) kept.length = maxSize;
    return new Vocabulary([UNKNOWN_TOKEN, ...kept.map((k) => k[0])], opts.lowercase ?? false);
  }

  /** Number of rows including the unknown row. */
  get size(): number {
    return this.tokens.length;
  }

  /** Dense id of a value (0 when missing or unknown; the first value of a multi-valued cell). */
  id(v: CategoryValue): number {
    const vals = cellValues(v, this.lowercase);
    return vals.length ? this.index.get(vals[0]) ?? 0 : 0;
  }

  /** All ids of a cell (empty -> [0]). */
  idsOf(v: CategoryValue): number[] {
    const vals = cellValues(v, this.lowercase);
    return vals.length ? vals.map((s) => this.index.get(s) ?? 0) : [0];
  }

  /** ids of a column: [N] */
  ids(values: readonly CategoryValue[]): Int32Array {
    return Int32Array.from(values, (v) => this.id(v));
  }

  /** Multi-hot rows: [N, size], 1 at every id of the cell (unknown/missing -> column 0). */
  oneHot(values: readonly CategoryValue[]): Float32Array {
    const S = this.size;
    const out = new Float32Array(values.length * S);
    values.forEach((v, i) => { for (const id of this.idsOf(v)) out[i * S + id] = 1; });
    return out;
  }

  toJSON(): { format: string; version: number; lowercase: boolean; tokens: readonly string[] } {
    return { format: VOCAB_FORMAT, version: 1, lowercase: this.lowercase, tokens: this.tokens };
  }

  static fromJSON(o: unknown): Vocabulary {
    const v = o as { format?: unknown; version?: unknown; lowercase?: unknown; tokens?: unknown };
    if (!v || v.format !== VOCAB_FORMAT || v.version !== 1 || !Array.isArray(v.tokens)) {
      throw new Error(`Vocabulary.fromJSON: expected {format: "${VOCAB_FORMAT}", version: 1, tokens: [...]}, got ` +
        JSON.stringify(o).slice(0, 120));
    }
    return new Vocabulary(v.tokens as string[], v.lowercase === true);
  }
}
