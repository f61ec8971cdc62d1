// The item feature builder: one feature matrix for the whole catalogue, plus a report of
// what each item type got, plus the categorical vocabularies the two-tower embeds.
//
// Layout returned (consistent D across types): x: [N, D] = concatenated blocks
//   text     [dimText]   items of the text types (zero rows for other types / empty text)
//   type     [#types+1]  one-hot of the item type, every item
//   genre    [|genre|]   multi-hot genre/category (column 0 = unknown/missing), categorical types
//   language [|lang|]    one-hot language (column 0 = unknown/missing), categorical types
//   stats    [S]         standardised popularity statistics, stats types (needs interactions)
// A block is present only when some type uses it (genre/language only when some item has a
// value). Rows of a type are zero in the blocks that type does not use, so the HGNN may use x
// as is, or take per-type compact matrices with typeFeatureMatrix() (per-type input
// projections then see only the columns that type really has).

import type { ItemTextEncoder } from './encoder.ts';
import { itemText } from './encoder.ts';
import { fitStandardizer, itemStatistics, standardize, type RawStats, type StatsOptions, type Standardizer,
  type TrainingInteractions } from './stats.ts';
import { TfidfSvdEncoder, type TfidfSvdOptions } from './text_encoder.ts';
import { Vocabulary, type CategoryValue, type VocabularyOptions } from './vocabulary.ts';

/** The canonical items table, column-wise ([N] each; all but ids and type optional). */
export interface ItemTable {
  readonly ids: readonly string[];
  readonly type: readonly string[];
  readonly title?: readonly (string | null | undefined)[];
  readonly description?: readonly (string | null | undefined)[];
  readonly language?: readonly (string | null | undefined)[];
  readonly genre?: readonly CategoryValue[];
}

/**
 * The builder's table from a type-coded one (type codes into typeNames, as the data layer
 * loads items): `type[i]` becomes `typeNames[type[i]]`, the other columns pass through.
 */
export function itemTableFromCoded(t: {
  ids: readonly string[]; typeNames: readonly string[]; type: ArrayLike<number>;
  title?: ItemTable['title']; description?: ItemTable['description']; language?: ItemTable['language']; genre?: ItemTable['genre'];
}): ItemTable {
  return {
    ids: t.ids, type: Array.from(t.type, (c) => t.typeNames[c]!), title: t.title, description: t.description,
    language: t.language, genre: t.genre,
  };
}

export type BlockName = 'text' | 'type' | 'genre' | 'language' | 'stats';

export interface FeatureBlock {
  readonly name: BlockName;
  readonly offset: number;
  readonly dim: number;
  /** item types whose rows fill this block */
  readonly types: readonly string[];
  /** column names (categorical tokens, stat names); text columns are unnamed */
  readonly columns?: readonly string[];
}

/** What one item type got. */
export interface TypeReport {
  readonly type: string;
  readonly count: number;
  readonly text: boolean;
  readonly textEncoder: string | null;
  /** items of this type whose text row is zero (no text or no known term) */
  readonly emptyText: number;
  /** categorical blocks: subset of ['type', 'genre', 'language'] */
  readonly categorical: readonly string[];
  /** statistic columns ([] when none) */
  readonly stats: readonly string[];
  /** columns this type really uses (sum of its blocks' dims) */
  readonly dim: number;
}

export interface ItemFeatures {
  /** [N, dim] */
  readonly x: Float32Array;
  readonly numItems: number;
  readonly dim: number;
  readonly blocks: readonly FeatureBlock[];
  readonly report: readonly TypeReport[];
  /** [N] dense ids into vocabularies.type / .language / .genre (0 = unknown); genre = first value */
  readonly typeId: Int32Array;
  readonly languageId: Int32Array;
  readonly genreId: Int32Array;
  /** [N] 1 where the item's text block is zero although its type uses text */
  readonly textEmpty: Uint8Array;
}

export interface FeatureBuilderOptions {
  /** types encoded from text: 'auto' (default) = types where >= minTextShare of items have text */
  textTypes?: 'auto' | readonly string[];
  /** share of items with non-empty title/description for 'auto' (default 0.5) */
  minTextShare?: number;
  /** a ready encoder (e.g. SBERT); default: fit the built-in TfidfSvdEncoder on the catalogue */
  textEncoder?: ItemTextEncoder;
  /** options of the built-in encoder (dim default 256) */
  tfidfSvd?: TfidfSvdOptions;
  /** types that get genre/language one-hots (default: all) */
  categoricalTypes?: 'all' | readonly string[];
  /** types that get popularity statistics when interactions are given (default: all) */
  statsTypes?: 'all' | readonly string[];
  genreVocab?: VocabularyOptions;
  languageVocab?: VocabularyOptions;
  stats?: StatsOptions;
}

/** Everything needed to featurise new items the same way (see feature_state.ts for I/O). */
export interface FeatureState {
  readonly textTypes: readonly string[];
  readonly categoricalTypes: readonly string[];
  readonly statsTypes: readonly string[];
  readonly textEncoder: ItemTextEncoder | null;
  readonly vocabularies: { readonly type: Vocabulary; readonly language: Vocabulary; readonly genre: Vocabulary };
  readonly useGenre: boolean;
  readonly useLanguage: boolean;
  /** null when fitted without interactions */
  readonly standardizer: Standardizer | null;
  /** raw statistics row of an item with no interactions: [S] */
  readonly coldStatsRow: readonly number[] | null;
  readonly statsOptions: StatsOptions;
}

/** Below this many texts the builder's default minDf is 1 instead of 2. */
export const SMALL_CORPUS = 100;

function checkTable(items: ItemTable, who: string): number {
  const N = items.ids.length;
  const cols: [string, { length: number } | undefined][] = [['type', items.type], ['title', items.title],
    ['description', items.description], ['language', items.language], ['genre', items.genre]];
  for (const [name, c] of cols) {
    if (c && c.length !== N) throw new Error(`${who}: items.${name} length expected ${N} (ids), got ${c.length}`);
  }
  return N;
}

function textsOf(items: ItemTable): string[] {
  return items.ids.map((_, i) => itemText(items.title?.[i], items.description?.[i]));
}

function typeSet(sel: 'all' | readonly string[] | undefined, all: readonly string[]): string[] {
  return sel === undefined || sel === 'all' ? [...all] : [...sel];
}

/**
 * Fits the feature state on the catalogue (text encoder, vocabularies, statistics
 * standardisation) and returns it with the catalogue's features.
 * items: N rows; interactions: training interactions whose item ids are rows of items.
 * Example: const { features, state } = await fitItemFeatures(items, { item, ts });
 */
export async function fitItemFeatures(items: ItemTable, interactions?: TrainingInteractions,
  opts: FeatureBuilderOptions = {}): Promise<{ features: ItemFeatures; state: FeatureState }> {
  const who = 'fitItemFeatures';
  const N = checkTable(items, who);
  const types = [...new Set(items.type)].sort();
  const texts = textsOf(items);
  let textTypes: string[];
  if (opts.textTypes === undefined || opts.textTypes === 'auto') {
    const share = opts.minTextShare ?? 0.5;
    textTypes = types.filter((t) => {
      let n = 0; let withText = 0;
      for (let i = 0; i < N; i++) if (items.type[i] === t) { n++; if (texts[i] !== '') withText++; }
      return withText > 0 && withText >= share * n;
    });
  } else textTypes = [...opts.textTypes];
  let textEncoder: ItemTextEncoder | null = null;
  if (textTypes.length) {
    if (opts.textEncoder) textEncoder = opts.textEncoder;
    else {
      const tset = new Set(textTypes);
      const corpus = texts.filter((t, i) => tset.has(items.type[i]) && t !== '');
      if (corpus.length === 0) throw new Error(`${who}: textTypes [${textTypes}] have no item with a title or description`);
      // Tiny catalogues (demos, tests): minDf 2 would drop nearly everything, so default to 1.
      const tfidfSvd = { ...opts.tfidfSvd, tfidf: { minDf: corpus.length < SMALL_CORPUS ? 1 : 2, ...opts.tfidfSvd?.tfidf } };
      textEncoder = TfidfSvdEncoder.fit(corpus, tfidfSvd);
    }
  }
  const categoricalTypes = typeSet(opts.categoricalTypes, types);
  const statsTypes = interactions ? typeSet(opts.statsTypes, types) : [];
  const genreVocab = Vocabulary.fit(items.genre ?? [], opts.genreVocab);
  const languageVocab = Vocabulary.fit(items.language ?? [], { lowercase: true, ...opts.languageVocab });
  let standardizer: Standardizer | null = null;
  let coldStatsRow: number[] | null = null;
  if (interactions && statsTypes.length) {
    // One extra phantom row (never interacted) gives the cold-item raw values.
    const raw = itemStatistics(interactions, N + 1, opts.stats);
    const S = raw.names.length;
    const sset = new Set(statsTypes);
    const rows = [...Array(N).keys()].filter((i) => sset.has(items.type[i]));
    const fitRows = new Float64Array(rows.length * S);
    rows.forEach((i, r) => fitRows.set(raw.x.subarray(i * S, (i + 1) * S), r * S));
    standardizer = fitStandardizer({ names: raw.names, x: fitRows });
    coldStatsRow = Array.from(raw.x.subarray(N * S, (N + 1) * S));
  }
  const state: FeatureState = {
    textTypes, categoricalTypes, statsTypes, textEncoder,
    vocabularies: { type: Vocabulary.fit(items.type), language: languageVocab, genre: genreVocab },
    useGenre: genreVocab.size > 1, useLanguage: languageVocab.size > 1,
    standardizer, coldStatsRow, statsOptions: opts.stats ?? {},
  };
  return { features: await applyItemFeatures(state, items, interactions), state };
}

/**
 * Featurises items with a fitted state (same layout and dims as at fit time). New items at
 * serving time: pass no interactions and they get the cold (never interacted) statistics.
 * Unknown types get only the type block's unknown column.
 */
export async function applyItemFeatures(state: FeatureState, items: ItemTable,
  interactions?: TrainingInteractions): Promise<ItemFeatures> {
  const who = 'applyItemFeatures';
  const N = checkTable(items, who);
  const { vocabularies: voc } = state;
  const blocks: FeatureBlock[] = [];
  let D = 0;
  const add = (name: BlockName, dim: number, types: readonly string[], columns?: readonly string[]): FeatureBlock => {
    const b: FeatureBlock = { name, offset: D, dim, types, columns };
    blocks.push(b);
    D += dim;
    return b;
  };
  const allTypes = voc.type.tokens.slice(1);
  const textB = state.textEncoder && state.textTypes.length ? add('text', state.textEncoder.dim, state.textTypes) : null;
  const typeB = add('type', voc.type.size, allTypes, voc.type.tokens);
  const genreB = state.useGenre && state.categoricalTypes.length ? add('genre', voc.genre.size, state.categoricalTypes, voc.genre.tokens) : null;
  const langB = state.useLanguage && state.categoricalTypes.length ? add('language', voc.language.size, state.categoricalTypes, voc.language.tokens) : null;
  const statsB = state.standardizer ? add('stats', state.standardizer.names.length, state.statsTypes, state.standardizer.names) : null;

  const x = new Float32Array(N * D);
  const textEmpty = new Uint8Array(N);
  const textSet = new Set(state.textTypes);
  const catSet = new Set(state.categoricalTypes);
  const statSet = new Set(state.statsTypes);
  if (textB && state.textEncoder) {
    const rows = [...Array(N).keys()].filter((i) => textSet.has(items.type[i]));
    const texts = rows.map((i) => itemText(items.title?.[i], items.description?.[i]));
    const dt = textB.dim;
    const tx = await state.textEncoder.encode(texts);
    if (tx.length !== rows.length * dt) {
      throw new Error(`${who}: text encoder ${state.textEncoder.name} returned ${tx.length} values, expected ${rows.length}x${dt}`);
    }
    rows.forEach((i, r) => {
      let nz = false;
      for (let j = 0; j < dt; j++) { const v = tx[r * dt + j]; x[i * D + textB.offset + j] = v; if (v !== 0) nz = true; }
      if (!nz) textEmpty[i] = 1;
    });
  }
  const typeId = voc.type.ids(items.type);
  const languageId = voc.language.ids(items.language ?? new Array(N).fill(null));
  const genreId = voc.genre.ids(items.genre ?? new Array(N).fill(null));
  for (let i = 0; i < N; i++) {
    x[i * D + typeB.offset + typeId[i]] = 1;
    if (!catSet.has(items.type[i])) continue;
    if (genreB) for (const g of voc.genre.idsOf(items.genre?.[i])) x[i * D + genreB.offset + g] = 1;
    if (langB) x[i * D + langB.offset + languageId[i]] = 1;
  }
  if (statsB && state.standardizer && state.coldStatsRow) {
    const S = statsB.dim;
    let raw: RawStats;
    if (interactions) {
      raw = itemStatistics(interactions, N, state.statsOptions);
      if (raw.names.join(',') !== state.standardizer.names.join(',')) {
        throw new Error(`${who}: interactions give statistics [${raw.names}], the fitted state expects ` +
          `[${state.standardizer.names}] (pass the same optional user/weight arrays as at fit time)`);
      }
    } else {
      const rx = new Float64Array(N * S);
      for (let i = 0; i < N; i++) rx.set(state.coldStatsRow, i * S);
      raw = { names: state.standardizer.names, x: rx };
    }
    const z = standardize(raw, state.standardizer);
    for (let i = 0; i < N; i++) {
      if (statSet.has(items.type[i])) x.set(z.subarray(i * S, (i + 1) * S), i * D + statsB.offset);
    }
  }
  const report: TypeReport[] = [...new Set(items.type)].sort().map((t) => {
    const idx = [...Array(N).keys()].filter((i) => items.type[i] === t);
    const text = !!textB && textSet.has(t);
    const categorical = ['type'];
    if (catSet.has(t) && genreB) categorical.push('genre');
    if (catSet.has(t) && langB) categorical.push('language');
    const stats = statsB && statSet.has(t) ? statsB.columns ?? [] : [];
    const dim = typeB.dim + (text ? textB!.dim : 0) + (categorical.includes('genre') ? genreB!.dim : 0) +
      (categorical.includes('language') ? langB!.dim : 0) + stats.length;
    return {
      type: t, count: idx.length, text, textEncoder: text ? state.textEncoder!.name : null,
      emptyText: text ? idx.reduce((s, i) => s + textEmpty[i], 0) : 0, categorical, stats, dim,
    };
  });
  return { x, numItems: N, dim: D, blocks, report, typeId, languageId, genreId, textEmpty };
}

/**
 * The compact matrix of one type: only its rows and only the blocks it uses.
 * f.x: [N, D] -> x: [N_t, D_t]; rows: [N_t] row ids into the item table.
 */
export function typeFeatureMatrix(f: ItemFeatures, type: string):
  { rows: Int32Array; x: Float32Array; dim: number; blocks: FeatureBlock[] } {
  const rep = f.report.find((r) => r.type === type);
  if (!rep) throw new Error(`typeFeatureMatrix: type expected one of [${f.report.map((r) => r.type)}], got ${JSON.stringify(type)}`);
  const used = f.blocks.filter((b) => b.name === 'type' || b.types.includes(type));
  const rowsArr: number[] = [];
  const tb = f.blocks.find((b) => b.name === 'type')!;
  const tid = (tb.columns ?? []).indexOf(type);
  for (let i = 0; i < f.numItems; i++) if (f.typeId[i] === tid) rowsArr.push(i);
  const rows = Int32Array.from(rowsArr);
  const dim = used.reduce((s, b) => s + b.dim, 0);
  const x = new Float32Array(rows.length * dim);
  const out: FeatureBlock[] = [];
  let off = 0;
  for (const b of used) {
    rows.forEach((i, r) => x.set(f.x.subarray(i * f.dim + b.offset, i * f.dim + b.offset + b.dim), r * dim + off));
    out.push({ ...b, offset: off });
    off += b.dim;
  }
  return { rows, x, dim, blocks: out };
}

