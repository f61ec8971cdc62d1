// The request logic over one serving bundle (no HTTP): user features -> user tower -> top-K
// without the consumed items, with a "because" per item; cold-start users; similar items.
// Every function takes the bundle once, so an answer never mixes two models.
import type { SearchMode } from '../retrieval/index.ts';
import type { ServingBundle } from './bundle.ts';
import type { UserFeatures } from './feature_store.ts';
import { because } from './item_vectors.ts';

/** One recommended item. */
export interface RecommendedItem {
  id: string;
  score: number;
  title?: string;
  /** history items whose item vectors are closest to this one (see item_vectors.ts), best first */
  because: string[];
}

/** An answer: the model that produced it and the items, best first. */
export interface RecommendationAnswer {
  modelVersion: string;
  type: string;
  /** feature time (ISO) */
  asOf: string;
  items: RecommendedItem[];
  /** history entries the model does not know (item id or kind), ignored */
  ignoredHistory: number;
}

/** Request options. */
export interface RecommendOptions {
  k: number;
  /** feature time, ms */
  asOf: number;
  mode?: SearchMode;
  /** distinct most recent history items considered for "because" (default 50) */
  becauseHistory?: number;
  /** history items named per recommended item (default 2) */
  becauseTop?: number;
}

/**
 * Top-k of the bundle's target type for a user's features, leaving out every target item in
 * the user's history (any kind, as in evaluation).
 * @example recommendUser(bundle, store.getUser('u1')!, { k: 10, asOf: store.asOf() }).items[0].because
 */
export function recommendUser(b: ServingBundle, u: UserFeatures, o: RecommendOptions): RecommendationAnswer {
  const { model } = b;
  const h = u.history;
  const raw = model.rawUserFromStrings({ items: h.items, kinds: h.kinds, ts: h.ts, age: u.age, country: u.country, asOf: o.asOf });
  const q = model.userVector(raw); // [H]
  const exclude: number[] = [];
  for (let j = 0; j < raw.items.length; j++) {
    const r = b.indexRowOf[raw.items[j] as number];
    if (r >= 0) exclude.push(r);
  }
  const res = b.index.topk(o.mode ?? 'auto').query(q, o.k, { exclude: Int32Array.from(exclude) });
  // distinct history items, most recent first, before asOf
  const recent: number[] = [], seen = new Set<number>(), maxH = o.becauseHistory ?? 50;
  for (let j = raw.items.length - 1; j >= 0 && recent.length < maxH; j--) {
    const i = raw.items[j] as number;
    if ((raw.ts[j] as number) < o.asOf && !seen.has(i)) { seen.add(i); recent.push(i); }
  }
  const ids = b.index.ids;
  const recRows = Array.from(res.ids, (r) => b.itemRow.get(ids.idOf(r))!);
  const why = because(b.vectors, recRows, recent, o.becauseTop ?? 2);
  const items: RecommendedItem[] = [];
  for (let m = 0; m < res.ids.length; m++) {
    const i = recRows[m];
    const it: RecommendedItem = { id: model.itemIds![i], score: res.scores[m], because: why[m].map((x) => model.itemIds![x]) };
    const title = b.meta?.title[i];
    if (title) it.title = title;
    items.push(it);
  }
  return { modelVersion: b.modelVersion, type: b.targetType, asOf: new Date(o.asOf).toISOString(), items, ignoredHistory: h.items.length - raw.items.length };
}

/** Similar items of the target type: top-k by the item's vector, without the item itself. */
export function similarItems(b: ServingBundle, row: number, k: number, mode?: SearchMode): { modelVersion: string; type: string; items: { id: string; score: number; title?: string }[] } {
  const v = Float32Array.from(b.vectors.get([row])[0]);
  const self = b.indexRowOf[row];
  const res = b.index.topk(mode ?? 'auto').query(v, k, { exclude: self >= 0 ? Int32Array.of(self) : undefined });
  const items = Array.from(res.ids, (r, m) => {
    const id = b.index.ids.idOf(r), it: { id: string; score: number; title?: string } = { id, score: res.scores[m] };
    const title = b.meta?.title[b.itemRow.get(id)!];
    if (title) it.title = title;
    return it;
  });
  return { modelVersion: b.modelVersion, type: b.targetType, items };
}
