// Item popularity statistics from TRAINING interactions (never pass held-out ones: these are
// model inputs), standardised with a mean/std fitted once and reused for new items.
//
// Columns (those whose inputs are absent are left out):
//   log_count            ln(1 + #interactions)
//   log_distinct_users   ln(1 + #distinct users)            (needs user)
//   mean_weight          mean weight / rating; items without interactions get the global mean (needs weight)
//   log_recency_days     ln(1 + days since the last interaction, at the reference time)
//   log_age_days         ln(1 + days since the first interaction)
//   has_interactions     1 / 0
// An item with no interactions counts as last/first seen at the window start (recency = age =
// the window length in days).

/** Training interactions as typed arrays; item holds dense row ids into the item table. */
export interface TrainingInteractions {
  /** [E] item row ids in [0, numItems) */
  readonly item: Int32Array;
  /** [E] timestamps in seconds (see tsUnitSeconds) */
  readonly ts: Float64Array;
  /** [E] dense user ids (optional) */
  readonly user?: Int32Array;
  /** [E] interaction weight or rating (optional) */
  readonly weight?: Float32Array;
}

export interface StatsOptions {
  /** seconds per ts unit (default 1: unix seconds; 0.001 for milliseconds) */
  tsUnitSeconds?: number;
  /** reference time for recency (default: the latest ts) */
  now?: number;
}

/** Raw (unstandardised) statistics: x: [N, S] float64 with column names. */
export interface RawStats {
  readonly names: readonly string[];
  readonly x: Float64Array;
}

/**
 * Raw popularity statistics per item. inter: E interactions -> [numItems, S].
 * Example: itemStatistics({ item, ts }, 1000).names // ['log_count', 'log_recency_days', ...]
 */
export function itemStatistics(inter: TrainingInteractions, numItems: number, opts: StatsOptions = {}): RawStats {
  const E = inter.item.length;
  const who = 'itemStatistics';
  if (inter.ts.length !== E) throw new Error(`${who}: ts length expected ${E} (item length), got ${inter.ts.length}`);
  if (inter.user && inter.user.length !== E) throw new Error(`${who}: user length expected ${E}, got ${inter.user.length}`);
  if (inter.weight && inter.weight.length !== E) throw new Error(`${who}: weight length expected ${E}, got ${inter.weight.length}`);
  const day = 86400 / (opts.tsUnitSeconds ?? 1);
  const count = new Float64Array(numItems);
  const first = new Float64Array(numItems).fill(Infinity);
  const last = new Float64Array(numItems).fill(-Infinity);
  const wsum = new Float64Array(numItems);
  let tmin = Infinity;
  let tmax = -Infinity;
  let wtot = 0;
  for (let e = 0; e < E; e++) {
    const i = inter.item[e];
    if (!(i >= 0 && i < numItems)) throw new Error(`${who}: item[${e}] = ${i} outside [0, ${numItems})`);
    const t = inter.ts[e];
    if (!Number.isFinite(t)) throw new Error(`${who}: ts[${e}] = ${t} is not finite`);
    count[i]++;
    if (t < first[i]) first[i] = t;
    if (t > last[i]) last[i] = t;
    if (t < tmin) tmin = t;
    if (t > tmax) tmax = t;
    if (inter.weight) { wsum[i] += inter.weight[e]; wtot += inter.weight[e]; }
  }
  const ref = opts.now ?? (E ? tmax : 0);
  const start = E ? tmin : ref;
  let distinct: Float64Array | null = null;
  if (inter.user) {
    // Distinct (item, user) pairs via sorting pair keys.
    const keys = new Float64Array(E);
    let maxUser = 0;
    for (let e = 0; e < E; e++) maxUser = Math.max(maxUser, inter.user[e]);
    for (let e = 0; e < E; e++) keys[e] = inter.item[e] * (maxUser + 1) + inter.user[e];
    keys.sort();
    distinct = new Float64Array(numItems);
    for (let e = 0; e < E; e++) if (e === 0 || keys[e] !== keys[e - 1]) distinct[Math.floor(keys[e] / (maxUser + 1))]++;
  }
  const names = ['log_count'];
  if (distinct) names.push('log_distinct_users');
  if (inter.weight) names.push('mean_weight');
  names.push('log_recency_days', 'log_age_days', 'has_interactions');
  const S = names.length;
  const x = new Float64Array(numItems * S);
  const gmean = E ? wtot / E : 0;
  const span = Math.max(0, (ref - start) / day);
  for (let i = 0; i < numItems; i++) {
    let c = 0;
    const o = i * S;
    const seen = count[i] > 0;
    x[o + c++] = Math.log1p(count[i]);
    if (distinct) x[o + c++] = Math.log1p(distinct[i]);
    if (inter.weight) x[o + c++] = seen ? wsum[i] / count[i] : gmean;
    x[o + c++] = Math.log1p(seen ? Math.max(0, (ref - last[i]) / day) : span);
    x[o + c++] = Math.log1p(seen ? Math.max(0, (ref - first[i]) / day) : span);
    x[o + c++] = seen ? 1 : 0;
  }
  return { names, x };
}

/** Per-column mean and standard deviation (population). */
export interface Standardizer {
  readonly names: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Fits column means/stds on raw statistics [N, S]. */
export function fitStandardizer(raw: RawStats): Standardizer {
  const S = raw.names.length;
  const N = S ? raw.x.length / S : 0;
  const mean = new Array<number>(S).fill(0);
  const std = new Array<number>(S).fill(0);
  for (let i = 0; i < N; i++) for (let c = 0; c < S; c++) mean[c] += raw.x[i * S + c];
  for (let c = 0; c < S; c++) mean[c] = N ? mean[c] / N : 0;
  for (let i = 0; i < N; i++) for (let c = 0; c < S; c++) std[c] += (raw.x[i * S + c] - mean[c]) ** 2;
  // A (numerically) constant column gets std 0, so standardize() maps it to 0.
  return {
    names: [...raw.names], mean,
    std: std.map((v, c) => { const sd = N ? Math.sqrt(v / N) : 0; return sd > 1e-9 * Math.max(1, Math.abs(mean[c])) ? sd : 0; }),
  };
}

/** (x - mean) / std per column -> Float32Array [N, S]; a constant column (std 0) becomes 0. */
export function standardize(raw: RawStats, st: Standardizer): Float32Array {
  if (raw.names.join(',') !== st.names.join(',')) {
    throw new Error(`standardize: columns expected [${st.names}], got [${raw.names}]`);
  }
  const S = st.names.length;
  const out = new Float32Array(raw.x.length);
  for (let k = 0; k < raw.x.length; k++) {
    const c = k % S;
    out[k] = st.std[c] > 0 ? (raw.x[k] - st.mean[c]) / st.std[c] : 0;
  }
  return out;
}
