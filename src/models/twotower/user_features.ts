// User tower input (SPEC §4), computed by ONE function for training and for requests:
//   dense row [Du] = [ hgnnTarget [H] | hgnnOther [H] | textTarget [X] | textOther [X] | taste [T] |
//                      ageNorm, ageMissing, hasTarget, hasOther, hasTaste ]
//   (the HGNN slots only with useHgnn; the text slots only with historyText)
//   country id      = row of the learned country table (0 = unknown / missing)
// hgnnTarget: mean HGNN embedding of the distinct target-type items (audiobooks) the user
// interacted with in [asOf - windowDays, asOf); hgnnOther: same for the other graph types
// (podcasts); taste: mean feature vector of the distinct taste-type items (music) in
// [asOf - tasteWindowDays, asOf). Streams always count; follow / preview / intent_to_pay only
// with weakSignals. Means run over distinct item ids in ascending order in float64, so the
// result does not depend on the order of the history (train/serve equality is exact).
// A user with no history gets zeros and 0 flags: the vector is always complete.
import { KIND_CODES } from '../../data/index.ts';
import { Vocabulary } from '../../features/index.ts';
import type { TwoTowerConfig } from './config.ts';

/** Role of an item in the user features. */
export const ROLE_NONE = 0, ROLE_TARGET = 1, ROLE_OTHER = 2, ROLE_TASTE = 3;
const DAY_MS = 86_400_000;
const N_SCALARS = 5;

/** Everything (besides item tables) needed to rebuild a user row; stored in the model JSON. */
export interface UserFeatureSpec {
  useHgnn: boolean;
  weakSignals: boolean;
  windowDays: number;
  /** null = Infinity (JSON) */
  tasteWindowDays: number | null;
  hgnnDim: number;
  tasteDim: number;
  /** X: text slots (0 = off; absent in older files = 0) */
  historyTextDim?: number;
  ageMean: number;
  ageStd: number;
  /** country vocabulary tokens, [0] = '<unk>' */
  countries: string[];
  /** Du */
  dim: number;
}

/** Per-item lookup tables for user features (aligned with dense item ids). */
export interface UserFeatureContext {
  /** [N] ROLE_* of each item */
  role: Int32Array;
  /** [N, hgnnDim] HGNN embeddings, null without HGNN */
  hgnn: Float32Array | null;
  /** [N] 1 = the item has an HGNN embedding */
  hgnnMask: Uint8Array | null;
  /** [N, tasteDim] feature vector used for the taste mean */
  taste: Float32Array;
  /** [N, historyTextDim] text vectors for the history text slots (only with historyText) */
  text?: Float32Array | null;
}

/** A user's raw data at request time (dense item ids; unknown ids (< 0 or >= N) are ignored). */
export interface RawUser {
  items: ArrayLike<number>;
  /** kind code per entry (KIND_CODES: stream 0, preview 1, follow 2, intent_to_pay 3, other 4) */
  kinds: ArrayLike<number>;
  /** ms since epoch per entry */
  ts: ArrayLike<number>;
  /** years; null / undefined / negative = unknown */
  age?: number | null;
  country?: string | null;
  /** features use history strictly before this time (ms) */
  asOf: number;
}

/** Dense layout offsets of a spec. */
export function userLayout(spec: UserFeatureSpec): { target: number; other: number; textTarget: number; textOther: number; taste: number; scalars: number } {
  const h = spec.useHgnn ? spec.hgnnDim : 0, x = spec.historyTextDim ?? 0;
  return { target: 0, other: h, textTarget: 2 * h, textOther: 2 * h + x, taste: 2 * h + 2 * x, scalars: 2 * h + 2 * x + spec.tasteDim };
}

/** Dense user input size: 2H (with HGNN) + 2X (with historyText) + T + 5. */
export function userDenseDim(useHgnn: boolean, hgnnDim: number, tasteDim: number, historyTextDim = 0): number {
  return (useHgnn ? 2 * hgnnDim : 0) + 2 * historyTextDim + tasteDim + N_SCALARS;
}

/**
 * Role per item from its type name: target type, other graph types, taste types.
 * typeNames[code] names the type of code; itemType: [N] codes -> [N] ROLE_*.
 */
export function itemRoles(typeNames: readonly string[], itemType: ArrayLike<number>, cfg: Pick<TwoTowerConfig, 'targetType' | 'otherTypes' | 'tasteTypes'>): Int32Array {
  if (!typeNames.includes(cfg.targetType)) throw new RangeError(`itemRoles: targetType '${cfg.targetType}' is not an item type (types: ${typeNames.join(', ')})`);
  const other = cfg.otherTypes ?? typeNames.filter((t) => t !== cfg.targetType && !cfg.tasteTypes.includes(t));
  const byCode = typeNames.map((t) => t === cfg.targetType ? ROLE_TARGET : other.includes(t) ? ROLE_OTHER : cfg.tasteTypes.includes(t) ? ROLE_TASTE : ROLE_NONE);
  const role = new Int32Array(itemType.length);
  for (let i = 0; i < role.length; i++) role[i] = byCode[itemType[i]] ?? ROLE_NONE;
  return role;
}

/** Fits age normalisation and the country vocabulary on the users table; returns the spec. */
export function fitUserFeatureSpec(cfg: Pick<TwoTowerConfig, 'useHgnn' | 'weakSignals' | 'windowDays' | 'tasteWindowDays'>,
  users: { age: ArrayLike<number>; country: readonly (string | null)[] }, hgnnDim: number, tasteDim: number, historyTextDim = 0): UserFeatureSpec {
  let s = 0, s2 = 0, n = 0;
  for (let i = 0; i < users.age.length; i++) {
    const a = users.age[i];
    if (a >= 0) { s += a; s2 += a * a; n++; }
  }
  const ageMean = n ? s / n : 0;
  const ageStd = n > 1 ? Math.sqrt(Math.max(s2 / n - ageMean * ageMean, 0)) || 1 : 1;
  const countries = Vocabulary.fit(users.country).tokens as string[];
  return {
    useHgnn: cfg.useHgnn, weakSignals: cfg.weakSignals, windowDays: cfg.windowDays,
    tasteWindowDays: Number.isFinite(cfg.tasteWindowDays) ? cfg.tasteWindowDays : null,
    hgnnDim, tasteDim, historyTextDim, ageMean, ageStd, countries: [...countries], dim: userDenseDim(cfg.useHgnn, hgnnDim, tasteDim, historyTextDim),
  };
}

function kindOk(spec: UserFeatureSpec, k: number): boolean {
  return k === KIND_CODES.stream || (spec.weakSignals && (k === KIND_CODES.preview || k === KIND_CODES.follow || k === KIND_CODES.intent_to_pay));
}

function meanInto(ids: number[], table: Float32Array, D: number, mask: Uint8Array | null, out: Float32Array, off: number, acc: Float64Array): number {
  ids.sort((a, b) => a - b);
  acc.fill(0, 0, D);
  let n = 0, prev = -1;
  for (const id of ids) {
    if (id === prev) continue;
    prev = id;
    if (mask && !mask[id]) continue;
    const r = id * D;
    for (let j = 0; j < D; j++) acc[j] += table[r + j];
    n++;
  }
  for (let j = 0; j < D; j++) out[off + j] = n ? acc[j] / n : 0;
  return n;
}

/**
 * Writes one user's dense row. Entries are (item, kind, ts) triples selected by `idx` (all when
 * null). out[off .. off + spec.dim) is overwritten. Shared by training and requests.
 * items/kinds/ts: [E]; ctx tables: [N, *] -> out: [Du]
 */
export function writeUserRow(spec: UserFeatureSpec, ctx: UserFeatureContext, items: ArrayLike<number>, kinds: ArrayLike<number>,
  ts: ArrayLike<number>, idx: ArrayLike<number> | null, age: number | null | undefined, asOf: number, out: Float32Array, off = 0): void {
  const N = ctx.role.length;
  const lay = userLayout(spec);
  const from = asOf - spec.windowDays * DAY_MS;
  const tasteFrom = spec.tasteWindowDays === null ? -Infinity : asOf - spec.tasteWindowDays * DAY_MS;
  const tgt: number[] = [], oth: number[] = [], tas: number[] = [];
  const E = idx ? idx.length : items.length;
  for (let e = 0; e < E; e++) {
    const i = idx ? idx[e] : e;
    const it = items[i], t = ts[i];
    if (!(it >= 0 && it < N) || !(t < asOf) || !kindOk(spec, kinds[i])) continue;
    const r = ctx.role[it];
    if (r === ROLE_TARGET) { if (t >= from) tgt.push(it); }
    else if (r === ROLE_OTHER) { if (t >= from) oth.push(it); }
    else if (r === ROLE_TASTE && t >= tasteFrom) tas.push(it);
  }
  const X = spec.historyTextDim ?? 0;
  const acc = new Float64Array(Math.max(spec.hgnnDim, spec.tasteDim, X, 1));
  if (X > 0) {
    if (!ctx.text) throw new Error('writeUserRow: spec.historyTextDim > 0 but the context has no text table');
    meanInto(tgt, ctx.text, X, null, out, off + lay.textTarget, acc);
    meanInto(oth, ctx.text, X, null, out, off + lay.textOther, acc);
  }
  let nT = 0, nO = 0;
  if (spec.useHgnn) {
    if (!ctx.hgnn) throw new Error('writeUserRow: spec.useHgnn but the context has no HGNN table');
    nT = meanInto(tgt, ctx.hgnn, spec.hgnnDim, ctx.hgnnMask, out, off + lay.target, acc);
    nO = meanInto(oth, ctx.hgnn, spec.hgnnDim, ctx.hgnnMask, out, off + lay.other, acc);
  } else {
    nT = new Set(tgt).size;
    nO = new Set(oth).size;
  }
  const nS = meanInto(tas, ctx.taste, spec.tasteDim, null, out, off + lay.taste, acc);
  const s = off + lay.scalars;
  const known = typeof age === 'number' && Number.isFinite(age) && age >= 0;
  out[s] = known ? Math.max(-5, Math.min(5, (age - spec.ageMean) / spec.ageStd)) : 0;
  out[s + 1] = known ? 0 : 1;
  out[s + 2] = nT > 0 ? 1 : 0;
  out[s + 3] = nO > 0 ? 1 : 0;
  out[s + 4] = nS > 0 ? 1 : 0;
}

/**
 * Request-time features: the exact training-time row for raw user data.
 * -> { dense: [Du], country: row id }
 * @example const { dense, country } = userFeaturesFromRaw(spec, ctx, vocab, { items: [3, 9], kinds: [0, 2], ts: [t1, t2], age: 31, country: 'SE', asOf: Date.now() });
 */
export function userFeaturesFromRaw(spec: UserFeatureSpec, ctx: UserFeatureContext, vocab: Vocabulary, raw: RawUser,
  out: Float32Array = new Float32Array(spec.dim)): { dense: Float32Array; country: number } {
  const n = raw.items.length;
  if (raw.kinds.length !== n || raw.ts.length !== n) {
    throw new RangeError(`userFeaturesFromRaw: items, kinds and ts must have the same length, got ${n}, ${raw.kinds.length}, ${raw.ts.length}`);
  }
  if (!Number.isFinite(raw.asOf)) throw new RangeError(`userFeaturesFromRaw: asOf must be a finite time in ms, got ${raw.asOf}`);
  if (out.length < spec.dim) throw new RangeError(`userFeaturesFromRaw: out must hold ${spec.dim} floats, got ${out.length}`);
  writeUserRow(spec, ctx, raw.items, raw.kinds, raw.ts, null, raw.age, raw.asOf, out, 0);
  return { dense: out, country: vocab.id(raw.country) };
}

/**
 * Training-time features for every user from the training interactions (rows with ts < asOf).
 * interactions: [E] dense ids; users: [U] -> dense: [U, Du], country: [U]
 */
export function buildUserFeatures(spec: UserFeatureSpec, ctx: UserFeatureContext, vocab: Vocabulary,
  users: { n: number; age: ArrayLike<number>; country: readonly (string | null)[] },
  train: { n: number; user: Int32Array; item: Int32Array; kind: Uint8Array; ts: Float64Array }, asOf: number): { dense: Float32Array; country: Int32Array } {
  const U = users.n, D = spec.dim;
  const start = new Int32Array(U + 1);
  for (let e = 0; e < train.n; e++) {
    const u = train.user[e];
    if (!(u >= 0 && u < U)) throw new RangeError(`buildUserFeatures: train.user[${e}] = ${u} out of range [0, ${U})`);
    start[u + 1]++;
  }
  for (let u = 0; u < U; u++) start[u + 1] += start[u];
  const rows = new Int32Array(train.n), fill = start.slice(0, U);
  for (let e = 0; e < train.n; e++) rows[fill[train.user[e]]++] = e;
  const dense = new Float32Array(U * D), country = new Int32Array(U);
  for (let u = 0; u < U; u++) {
    const a = users.age[u];
    writeUserRow(spec, ctx, train.item, train.kind, train.ts, rows.subarray(start[u], start[u + 1]), a >= 0 ? a : null, asOf, dense, u * D);
    country[u] = vocab.id(users.country[u]);
  }
  return { dense, country };
}

/**
 * Training rows "as of each positive" (point in time): row k is user[k]'s features from the
 * history strictly before at[k] (the window is [at[k] - windowDays, at[k])), so the positive
 * being predicted is never part of its own input. Same writeUserRow as requests.
 * user, at: [P] -> dense: [P, Du], country: [P]
 */
export function buildPairUserFeatures(spec: UserFeatureSpec, ctx: UserFeatureContext, vocab: Vocabulary,
  users: { n: number; age: ArrayLike<number>; country: readonly (string | null)[] },
  train: { n: number; user: Int32Array; item: Int32Array; kind: Uint8Array; ts: Float64Array }, user: Int32Array, at: Float64Array): { dense: Float32Array; country: Int32Array } {
  const U = users.n, D = spec.dim, P = user.length;
  if (at.length !== P) throw new RangeError(`buildPairUserFeatures: user and at must have the same length, got ${P} and ${at.length}`);
  const start = new Int32Array(U + 1);
  for (let e = 0; e < train.n; e++) {
    const u = train.user[e];
    if (!(u >= 0 && u < U)) throw new RangeError(`buildPairUserFeatures: train.user[${e}] = ${u} out of range [0, ${U})`);
    start[u + 1]++;
  }
  for (let u = 0; u < U; u++) start[u + 1] += start[u];
  const rows = new Int32Array(train.n), fill = start.slice(0, U);
  for (let e = 0; e < train.n; e++) rows[fill[train.user[e]]++] = e;
  const dense = new Float32Array(P * D), country = new Int32Array(P);
  for (let k = 0; k < P; k++) {
    const u = user[k];
    if (!(u >= 0 && u < U)) throw new RangeError(`buildPairUserFeatures: user[${k}] = ${u} out of range [0, ${U})`);
    const a = users.age[u];
    writeUserRow(spec, ctx, train.item, train.kind, train.ts, rows.subarray(start[u], start[u + 1]), a >= 0 ? a : null, at[k], dense, k * D);
    country[k] = vocab.id(users.country[u]);
  }
  return { dense, country };
}
