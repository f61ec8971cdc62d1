// The feature store: per-user attributes and recent history, read by every recommendation
// request and appended to by POST /v1/events. FeatureStore is the interface (a shared store such
// as Redis would implement it for several replicas); InMemoryFeatureStore is the embedded default.
//
// Bounded memory: a user keeps only events with ts >= asOf - windowDays (default 90, the
// model's history window) and at most maxEventsPerUser (default 500, the most recent). Histories
// are compact typed arrays (item Int32 into the store's item vocabulary, kind Uint8, ts Float64:
// 13 bytes per event), views of one flat buffer after loading, copied to an own growable buffer
// on a user's first append. Caveat: the model's music-taste mean may use a longer window
// (tasteWindowDays); events older than windowDays are not kept.
//
// Clock: asOf() = max(latest event ts in the store + 1 ms, clock()). The default clock is the
// data itself (no wall clock), so a store loaded from historic data (synthetic data lives in
// 2024) keeps serving the features the model was trained on; pass `clock: Date.now` in
// production so histories age out with real time.
import { KINDS, KIND_CODES, loadWorkspace, type Interactions, type Kind, type UserTable } from '../data/index.ts';

const DAY_MS = 86_400_000;

/** A user as the models read it. Histories are in ascending ts order. */
export interface UserFeatures {
  age: number | null;
  country: string | null;
  history: { items: string[]; kinds: Kind[]; ts: number[] };
}

/** One interaction appended at request time. */
export interface FeatureEvent {
  user: string;
  item: string;
  kind: Kind;
  /** ms since epoch */
  ts: number;
}

/** Size of the store. */
export interface FeatureStoreStats {
  users: number;
  events: number;
  items: number;
  /** bytes held by history arrays (capacity, incl. the shared load buffer) */
  historyBytes: number;
}

/** What the service needs from a feature store. */
export interface FeatureStore {
  /** The user's attributes and history, or null when the store has never seen the id. */
  getUser(id: string): UserFeatures | null;
  /** Appends events (unknown users are created with unknown age/country). */
  append(events: readonly FeatureEvent[]): { appended: number; newUsers: number };
  /** Feature time: see the file comment. */
  asOf(): number;
  stats(): FeatureStoreStats;
}

/** Bounds and clock of the in-memory store. */
export interface InMemoryFeatureStoreOptions {
  /** Days of history kept before asOf (default 90). */
  windowDays?: number;
  /** Most recent events kept per user (default 500). */
  maxEventsPerUser?: number;
  /** Wall clock (ms); default none: asOf follows the data. */
  clock?: () => number;
}

interface History {
  n: number;
  item: Int32Array;
  kind: Uint8Array;
  ts: Float64Array;
  /** true once the arrays are the user's own (not views of the load buffer) */
  own: boolean;
}

const EMPTY: History = { n: 0, item: new Int32Array(0), kind: new Uint8Array(0), ts: new Float64Array(0), own: false };

/**
 * The embedded feature store (see the file comment for bounds and clock).
 * @example const store = await InMemoryFeatureStore.fromWorkspace('ws'); store.getUser('u42')?.history.items
 */
export class InMemoryFeatureStore implements FeatureStore {
  readonly windowDays: number;
  readonly maxEventsPerUser: number;
  private readonly clock: (() => number) | null;
  private readonly userIndex = new Map<string, number>();
  private readonly age: number[] = [];
  private readonly country: (string | null)[] = [];
  private readonly hist: History[] = [];
  private readonly itemIds: string[] = [];
  private readonly itemIndex = new Map<string, number>();
  private latest = -Infinity;
  private loadBytes = 0;
  private ownBytes = 0;
  private events = 0;

  constructor(opts: InMemoryFeatureStoreOptions = {}) {
    const w = opts.windowDays ?? 90, m = opts.maxEventsPerUser ?? 500;
    if (!(w > 0)) throw new RangeError(`InMemoryFeatureStore: windowDays must be > 0, got ${w}`);
    if (!(Number.isInteger(m) && m >= 1)) throw new RangeError(`InMemoryFeatureStore: maxEventsPerUser must be an integer >= 1, got ${m}`);
    this.windowDays = w;
    this.maxEventsPerUser = m;
    this.clock = opts.clock ?? null;
  }

  /** Loads `<ws>/tables/{users,interactions,items}.parquet` (see fromTables). */
  static async fromWorkspace(ws: string, opts: InMemoryFeatureStoreOptions = {}): Promise<InMemoryFeatureStore> {
    const { users, interactions } = await loadWorkspace(ws);
    return InMemoryFeatureStore.fromTables(users, interactions, opts);
  }

  /**
   * A store over loaded tables: every user of `users`; of the interactions only those within
   * windowDays of the latest one, at most maxEventsPerUser per user (the most recent).
   * users: [U], interactions: [E] (dense ids w.r.t. users / interactions.itemIds)
   */
  static fromTables(users: Pick<UserTable, 'n' | 'ids' | 'age' | 'country'>, x: Interactions, opts: InMemoryFeatureStoreOptions = {}): InMemoryFeatureStore {
    const s = new InMemoryFeatureStore(opts);
    for (let u = 0; u < users.n; u++) s.addUser(users.ids[u], users.age[u] >= 0 ? users.age[u] : null, users.country[u]);
    const U = users.n, M = s.maxEventsPerUser;
    let latest = -Infinity;
    for (let e = 0; e < x.n; e++) if (x.ts[e] > latest) latest = x.ts[e];
    const cut = latest + 1 - s.windowDays * DAY_MS;
    // order events by (user, ts) so each user's kept events are the last ones of its run
    const order: number[] = [];
    for (let e = 0; e < x.n; e++) if (x.ts[e] >= cut) order.push(e);
    order.sort((a, b) => x.user[a] - x.user[b] || x.ts[a] - x.ts[b] || a - b);
    const count = new Int32Array(U + 1);
    for (const e of order) count[x.user[e] + 1]++;
    let total = 0;
    for (let u = 0; u < U; u++) total += Math.min(count[u + 1], M);
    const item = new Int32Array(total), kind = new Uint8Array(total), ts = new Float64Array(total);
    const itemMap = new Int32Array(x.itemIds.length).fill(-1);
    let w = 0, p = 0;
    for (let u = 0; u < U; u++) {
      const c = count[u + 1], keep = Math.min(c, M), start = w;
      for (let j = 0; j < c; j++, p++) {
        if (j < c - keep) continue;
        const e = order[p], i = x.item[e];
        if (itemMap[i] < 0) itemMap[i] = s.itemCode(x.itemIds[i]);
        item[w] = itemMap[i]; kind[w] = x.kind[e]; ts[w] = x.ts[e]; w++;
      }
      if (keep > 0) s.hist[u] = { n: keep, item: item.subarray(start, w), kind: kind.subarray(start, w), ts: ts.subarray(start, w), own: false };
    }
    s.loadBytes = item.byteLength + kind.byteLength + ts.byteLength;
    s.events = total;
    s.latest = latest;
    return s;
  }

  private addUser(id: string, age: number | null, country: string | null): number {
    const u = this.hist.length;
    this.userIndex.set(id, u);
    this.age.push(age ?? -1);
    this.country.push(country);
    this.hist.push(EMPTY);
    return u;
  }

  private itemCode(id: string): number {
    let i = this.itemIndex.get(id);
    if (i === undefined) {
      i = this.itemIds.length;
      this.itemIds.push(id);
      this.itemIndex.set(id, i);
    }
    return i;
  }

  asOf(): number {
    const data = Number.isFinite(this.latest) ? this.latest + 1 : -Infinity;
    const wall = this.clock ? this.clock() : Number.isFinite(data) ? -Infinity : Date.now();
    return Math.max(data, wall);
  }

  getUser(id: string): UserFeatures | null {
    const u = this.userIndex.get(id);
    if (u === undefined) return null;
    const h = this.hist[u], cut = this.asOf() - this.windowDays * DAY_MS;
    let s = 0;
    while (s < h.n && h.ts[s] < cut) s++;
    const n = h.n - s, items = new Array<string>(n), kinds = new Array<Kind>(n), ts = new Array<number>(n);
    for (let j = 0; j < n; j++) {
      items[j] = this.itemIds[h.item[s + j]];
      kinds[j] = KINDS[h.kind[s + j]];
      ts[j] = h.ts[s + j];
    }
    const a = this.age[u];
    return { age: a >= 0 ? a : null, country: this.country[u], history: { items, kinds, ts } };
  }

  /** Throws naming the event index and field on a bad event; appends nothing then. */
  append(events: readonly FeatureEvent[]): { appended: number; newUsers: number } {
    events.forEach((ev, e) => {
      if (typeof ev.user !== 'string' || !ev.user) throw new TypeError(`InMemoryFeatureStore.append: events[${e}].user must be a non-empty string, got ${JSON.stringify(ev.user)}`);
      if (typeof ev.item !== 'string' || !ev.item) throw new TypeError(`InMemoryFeatureStore.append: events[${e}].item must be a non-empty string, got ${JSON.stringify(ev.item)}`);
      if (!(ev.kind in KIND_CODES)) throw new RangeError(`InMemoryFeatureStore.append: events[${e}].kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(ev.kind)}`);
      if (!Number.isFinite(ev.ts)) throw new RangeError(`InMemoryFeatureStore.append: events[${e}].ts must be a finite time in ms, got ${ev.ts}`);
    });
    let newUsers = 0;
    for (const ev of events) {
      let u = this.userIndex.get(ev.user);
      if (u === undefined) { u = this.addUser(ev.user, null, null); newUsers++; }
      this.push(u, this.itemCode(ev.item), KIND_CODES[ev.kind], ev.ts);
      if (ev.ts > this.latest) this.latest = ev.ts;
    }
    return { appended: events.length, newUsers };
  }

  /** Inserts one event in ts order, then enforces the per-user bounds. */
  private push(u: number, item: number, kind: number, ts: number): void {
    let h = this.hist[u];
    if (!h.own || h.n === h.item.length) h = this.grow(u, h);
    let j = h.n;
    while (j > 0 && h.ts[j - 1] > ts) { h.item[j] = h.item[j - 1]; h.kind[j] = h.kind[j - 1]; h.ts[j] = h.ts[j - 1]; j--; }
    h.item[j] = item; h.kind[j] = kind; h.ts[j] = ts;
    h.n++; this.events++;
    // drop events past the count bound or out of the window (they are the oldest: arrays are sorted)
    const cut = Math.max(this.latest, ts) + 1 - this.windowDays * DAY_MS;
    let drop = Math.max(0, h.n - this.maxEventsPerUser);
    while (drop < h.n && h.ts[drop] < cut) drop++;
    if (drop > 0) {
      h.item.copyWithin(0, drop, h.n); h.kind.copyWithin(0, drop, h.n); h.ts.copyWithin(0, drop, h.n);
      h.n -= drop; this.events -= drop;
    }
  }

  private grow(u: number, h: History): History {
    const cap = Math.min(Math.max(8, h.n * 2), this.maxEventsPerUser + 1);
    const g: History = { n: h.n, item: new Int32Array(cap), kind: new Uint8Array(cap), ts: new Float64Array(cap), own: true };
    g.item.set(h.item.subarray(0, h.n)); g.kind.set(h.kind.subarray(0, h.n)); g.ts.set(h.ts.subarray(0, h.n));
    if (h.own) this.ownBytes -= 13 * h.item.length;
    this.ownBytes += 13 * cap;
    this.hist[u] = g;
    return g;
  }

  stats(): FeatureStoreStats {
    return { users: this.hist.length, events: this.events, items: this.itemIds.length, historyBytes: this.loadBytes + this.ownBytes };
  }
}
