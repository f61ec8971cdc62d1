/**
 * Spotify-like synthetic data (the embedded default of the demo, the tests and the scale runs).
 *
 * Generative model (all draws from one seeded Rng, users generated one at a time so memory is
 * bounded by the catalogue, not by the number of users or interactions):
 *
 * Topics t = 1..T (default 24): a pseudo-word vocabulary, a primary language (≈ half English),
 *   a typical listener age and two BISAC-like genre codes (synthetic_text.ts). Topic prior
 *   g_t ∝ (t+1)^-0.8 (some topics are mainstream, others niche).
 * Items, three types:
 *   podcast (many, established: all released before the window), audiobook (fewer; 60% back
 *   catalogue, 40% released uniformly during the 90 days, so late ones have no history at the
 *   split), music (user taste only). Each item has a main topic (drawn from ½g + ½uniform) and
 *   a secondary topic; title from the main topic's words, description 55% main / 15% secondary
 *   / 30% filler words; language = topic language (85%) else English; genre = one of the
 *   topic's codes (music: the topic's music genre). Popularity p_i ~ LogNormal(0, σ_type),
 *   σ = 1.3 podcast, 2.0 audiobook, 1.2 music (lognormal top-20% share ≈ 1-Φ(0.84-σ): ≈ 0.88
 *   for audiobooks before sampling noise).
 * Users:
 *   taste θ_u: 1–3 topics drawn from g with Gamma(1) weights; 40% drift: a new topic whose
 *   weight grows linearly to ½ over the window. Age = mean ageMean of the user's topics +
 *   N(0, 7) (3% unknown); country = a country of the main topic's language (75%) else any
 *   (3% unknown), so demographics correlate with taste. Activity a_u ~ LogNormal(0, 1.4)
 *   normalised to mean 1 (top 25% of users ≈ 75% of listening); events N_u ~ 1 + Poisson(m·a_u).
 *   Type use: music 85% of users, podcasts 60%; audiobooks 28% of podcast listeners and 5%
 *   of the others (so ≈ 19% of users can touch audiobooks and ≈ 89% of those play podcasts).
 *   Per-event type weights music 0.5, podcast 0.35, audiobook 0.2·Gamma(0.7)/0.7. Half of the
 *   audiobook users listen from day 0, the others adopt audiobooks on a uniform day of the window
 *   (the type is new), so the test window has cold users who start streaming audiobooks.
 * Events (time-ordered per user; day ~ U[0, 90)):
 *   type by the user's weights; with prob. repeat_type (podcast 0.5, audiobook 0.3, music 0.4)
 *   replay an item already in the user's history; else the item comes from
 *   – global popularity of the type (prob. popularityNoise = 0.1: a real but beatable signal),
 *   – a uniformly random topic (0.05), or
 *   – a topic from the drifted taste θ_u(day),
 *   then ∝ popularity among the items of that topic already released on that day. Same θ_u
 *   for all types, so podcast and music taste predict audiobook streams (what 2T-HGNN uses),
 *   and co-consumption inside a topic forms the co-listening graph.
 * Weak signals: a first contact with an audiobook is preceded, with prob. 0.45, by a weak
 *   signal on the same item (preview 0.5 / follow 0.2 / intent_to_pay 0.3) Exp(4 days) earlier
 *   (not before release); 70% of those lead to the stream, 30% stay weak-only. New podcasts
 *   get a follow with prob. 0.08. Streams carry weight = ms played; weak signals NULL.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from './rng.ts';
import { ALL_COUNTRIES, LANG_COUNTRIES, makeDescription, makeTitle, makeTopics, type Topic } from './synthetic_text.ts';
import { KINDS, TYPE_AUDIOBOOK, TYPE_MUSIC, TYPE_PODCAST, DEFAULT_ROLES, type Roles } from './schema.ts';
import { openDuck, lit } from './duck.ts';
import { DataError } from './errors.ts';
import { ByteCsvWriter } from './csv_writer.ts';

/** Size and shape knobs; every field optional. */
export interface SyntheticOptions {
  seed?: number;
  users?: number;
  podcasts?: number;
  audiobooks?: number;
  music?: number;
  topics?: number;
  /** length of the timeline in days (default 90) */
  days?: number;
  /** ISO start of the timeline (default 2024-01-01T00:00:00Z) */
  start?: string;
  /** mean events per user before activity skew (default 30) */
  meanEvents?: number;
  /** share of item picks that ignore taste and follow global popularity (default 0.1) */
  popularityNoise?: number;
}

/**
 * Defaults: 20k users, 5k podcasts, 1.5k audiobooks, 3k music, ≈ 0.6M interactions. Chosen so
 * the demo pipeline (graph of 6.5k nodes, HGNN, two-tower on ≈ 20k audiobook positives,
 * evaluation of ≈ 20k users × 1.5k audiobooks) runs in well under 5 minutes on 2 cores while
 * each topic still has ≈ 60 audiobooks and ≈ 200 podcasts.
 */
export const SYNTHETIC_DEFAULTS: Required<SyntheticOptions> = {
  seed: 1, users: 20_000, podcasts: 5_000, audiobooks: 1_500, music: 3_000, topics: 24, days: 90,
  start: '2024-01-01T00:00:00Z', meanEvents: 30, popularityNoise: 0.1,
};

const TYPES = [TYPE_PODCAST, TYPE_AUDIOBOOK, TYPE_MUSIC] as const;
const PREFIX = ['p', 'a', 'm'];
const POP_SIGMA = [1.3, 2.0, 1.2];
const REPEAT = [0.5, 0.3, 0.4];
const PLAY_MS = [25 * 60e3, 40 * 60e3, 3.5 * 60e3];
const T_POD = 0, T_AB = 1, T_MUS = 2;
const DAY_MS = 86_400_000;

/** One catalogue item (kept in memory: the catalogue is small next to the interactions). */
export interface SynItem { id: string; type: number; topic: number; second: number; pop: number; releaseDay: number }

interface Pool { items: Int32Array; release: Float64Array; cum: Float64Array }

/** The catalogue and topic model, shared by every user. */
export interface SyntheticWorld {
  opts: Required<SyntheticOptions>;
  topics: Topic[];
  topicPrior: Float64Array;
  /** items per type: index within the type = dense index in `items[type]` */
  items: SynItem[][];
  startMs: number;
}

/** Callbacks receiving the generated rows (type index 0 podcast, 1 audiobook, 2 music). */
export interface SyntheticSink {
  user(u: number, age: number, country: string | null, mainTopic: number): void;
  event(u: number, type: number, item: number, kind: number, tsMs: number, weightMs: number): void;
}

function resolve(opts: SyntheticOptions): Required<SyntheticOptions> {
  const o = { ...SYNTHETIC_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  for (const k of ['users', 'podcasts', 'audiobooks', 'music', 'topics', 'days', 'meanEvents'] as const) {
    if (!Number.isFinite(o[k]) || o[k] <= 0) throw new DataError(`generateSynthetic: option ${k} must be a positive number, got ${o[k]}`);
  }
  if (!(o.popularityNoise >= 0 && o.popularityNoise <= 1)) throw new DataError(`generateSynthetic: popularityNoise must be in [0, 1], got ${o.popularityNoise}`);
  if (Number.isNaN(Date.parse(o.start))) throw new DataError(`generateSynthetic: start must be an ISO date, got '${o.start}'`);
  return o;
}

/** Builds topics and the item catalogue (deterministic in the seed). */
export function buildWorld(opts: SyntheticOptions = {}): SyntheticWorld {
  const o = resolve(opts);
  const rng = new Rng(o.seed * 7919 + 17);
  const topics = makeTopics(rng, o.topics);
  const topicPrior = new Float64Array(o.topics);
  for (let t = 0; t < o.topics; t++) topicPrior[t] = Math.pow(t + 1, -0.8);
  const itemTopicW = Array.from(topicPrior, (g) => g / topicPrior.reduce((a, b) => a + b, 0) / 2 + 0.5 / o.topics);
  const counts = [o.podcasts, o.audiobooks, o.music];
  const items: SynItem[][] = counts.map((n, ty) => {
    const arr: SynItem[] = [];
    for (let i = 0; i < n; i++) {
      const topic = rng.pick(itemTopicW);
      const second = rng.int(o.topics);
      const pop = Math.exp(POP_SIGMA[ty] * rng.normal());
      const releaseDay = ty === T_AB && rng.next() < 0.4 ? rng.next() * o.days : -1;
      arr.push({ id: `${PREFIX[ty]}${i}`, type: ty, topic, second, pop, releaseDay });
    }
    return arr;
  });
  return { opts: o, topics, topicPrior, items, startMs: Date.parse(o.start) };
}

function makePool(rows: SynItem[], idx: number[]): Pool {
  idx.sort((a, b) => rows[a].releaseDay - rows[b].releaseDay || a - b);
  const items = Int32Array.from(idx);
  const release = Float64Array.from(idx, (i) => rows[i].releaseDay);
  const cum = new Float64Array(idx.length);
  let s = 0;
  for (let k = 0; k < idx.length; k++) { s += rows[idx[k]].pop; cum[k] = s; }
  return { items, release, cum };
}

/** number of pool items released at or before `day` */
function released(p: Pool, day: number): number {
  let lo = 0, hi = p.release.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (p.release[mid] <= day) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * Generates all users and their events into `sink`, user by user (bounded memory).
 * @returns number of events emitted
 */
export function generateEvents(world: SyntheticWorld, sink: SyntheticSink): number {
  const o = world.opts;
  const T = o.topics;
  const rng = new Rng(o.seed * 104729 + 3);
  const pools = world.items.map((rows) => {
    const byTopic: number[][] = Array.from({ length: T }, () => []);
    rows.forEach((it, i) => byTopic[it.topic].push(i));
    return { global: makePool(rows, rows.map((_, i) => i)), topic: byTopic.map((ix) => makePool(rows, ix)) };
  });
  const sample = (ty: number, topic: number, day: number): number => {
    let p = topic < 0 ? pools[ty].global : pools[ty].topic[topic];
    let k = released(p, day);
    if (k === 0) { p = pools[ty].global; k = released(p, day); }
    if (k === 0) return -1;
    return p.items[rng.pickCum(p.cum, k)];
  };
  const sigmaA = 1.4;
  const actNorm = Math.exp((sigmaA * sigmaA) / 2);
  const topicW = new Float64Array(T);
  const typeW = new Float64Array(3);
  const typeWBefore = new Float64Array(3); // before the user adopts audiobooks
  const hist: number[][] = [[], [], []];
  const seen: Set<number>[] = [new Set(), new Set(), new Set()];
  let total = 0;
  for (let u = 0; u < o.users; u++) {
    // taste
    const k = 1 + rng.pick([0.4, 0.4, 0.2]);
    topicW.fill(0);
    let mainTopic = -1, mainW = -1;
    for (let j = 0; j < k; j++) {
      const t = rng.pick(world.topicPrior);
      const w = rng.gamma(1);
      topicW[t] += w;
      if (topicW[t] > mainW) { mainW = topicW[t]; mainTopic = t; }
    }
    let wsum = 0;
    for (let t = 0; t < T; t++) wsum += topicW[t];
    for (let t = 0; t < T; t++) topicW[t] /= wsum;
    const drift = rng.next() < 0.4 ? rng.pick(world.topicPrior) : -1;
    // demographics
    let ageAcc = 0;
    for (let t = 0; t < T; t++) ageAcc += topicW[t] * world.topics[t].ageMean;
    const age = rng.next() < 0.03 ? -1 : Math.min(80, Math.max(16, Math.round(ageAcc + 7 * rng.normal())));
    let country: string | null;
    if (rng.next() < 0.03) country = null;
    else if (rng.next() < 0.75) {
      const cs = LANG_COUNTRIES[world.topics[mainTopic].language];
      country = cs[rng.next() < 0.6 ? 0 : rng.int(cs.length)];
    } else country = ALL_COUNTRIES[rng.int(ALL_COUNTRIES.length)];
    sink.user(u, age, country, mainTopic);
    // type use
    const music = rng.next() < 0.85, podcast = rng.next() < 0.6;
    const audiobook = rng.next() < (podcast ? 0.28 : 0.05);
    typeW[T_POD] = podcast ? 0.35 : 0;
    typeW[T_AB] = audiobook ? (0.2 * rng.gamma(0.7)) / 0.7 : 0;
    typeW[T_MUS] = music || (!podcast && !audiobook) ? 0.5 : 0;
    typeWBefore.set(typeW);
    typeWBefore[T_AB] = 0;
    if (typeWBefore[T_POD] + typeWBefore[T_MUS] === 0) typeWBefore[T_POD] = 0.35;
    // half of the audiobook users listened from the start, the others adopt during the window
    const adoptDay = audiobook && rng.next() < 0.5 ? rng.next() * o.days : 0;
    // events, in time order
    const n = 1 + rng.poisson((o.meanEvents * Math.exp(sigmaA * rng.normal())) / actNorm);
    const days = new Float64Array(n);
    for (let e = 0; e < n; e++) days[e] = rng.next() * o.days;
    days.sort();
    for (let ty = 0; ty < 3; ty++) { hist[ty].length = 0; seen[ty].clear(); }
    for (let e = 0; e < n; e++) {
      const day = days[e];
      const ty = rng.pick(day < adoptDay ? typeWBefore : typeW);
      const h = hist[ty];
      let item: number;
      let fresh = false;
      if (h.length > 0 && rng.next() < REPEAT[ty]) item = h[rng.int(h.length)];
      else {
        const r = rng.next();
        let topic: number;
        if (r < o.popularityNoise) topic = -1;
        else if (r < o.popularityNoise + 0.05) topic = rng.int(T);
        else if (drift >= 0 && rng.next() < 0.5 * (day / o.days)) topic = drift;
        else topic = rng.pick(topicW);
        item = sample(ty, topic, day);
        if (item < 0) continue;
        fresh = !seen[ty].has(item);
        if (fresh) { h.push(item); seen[ty].add(item); }
      }
      const ts = world.startMs + day * DAY_MS;
      const playMs = Math.round(PLAY_MS[ty] * Math.exp(0.8 * rng.normal() - 0.32));
      if (ty === T_AB && fresh && rng.next() < 0.45) {
        const kind = 1 + rng.pick([0.5, 0.2, 0.3]); // preview | follow | intent_to_pay
        const rel = Math.max(0, world.items[ty][item].releaseDay);
        const wday = Math.max(rel, day - rng.exp(4));
        sink.event(u, ty, item, kind, world.startMs + wday * DAY_MS, NaN);
        total++;
        if (rng.next() < 0.3) continue; // weak-only contact
      } else if (ty === T_POD && fresh && rng.next() < 0.08) {
        sink.event(u, ty, item, 2, ts, NaN);
        total++;
      }
      sink.event(u, ty, item, 0, ts, playMs);
      total++;
    }
  }
  return total;
}

/** Item row values for the items table. */
export function itemRows(world: SyntheticWorld, visit: (id: string, type: string, title: string, description: string, language: string, genre: string) => void): void {
  const rng = new Rng(world.opts.seed * 31337 + 5);
  for (const rows of world.items) {
    for (const it of rows) {
      const main = world.topics[it.topic];
      const title = makeTitle(rng, TYPES[it.type], main);
      const desc = makeDescription(rng, main, world.topics[it.second], 15 + rng.int(16));
      const language = rng.next() < 0.85 ? main.language : 'en';
      const genre = it.type === T_MUS ? main.musicGenre : main.genres[rng.next() < 0.8 ? 0 : 1];
      visit(it.id, TYPES[it.type], title, desc, language, genre);
    }
  }
}

export type SyntheticFormat = 'parquet' | 'csv';

export interface GenerateSyntheticOptions extends SyntheticOptions {
  /** output folder (created); files items/users/interactions.{parquet|csv} */
  outDir: string;
  /** default 'parquet' (canonical types); 'csv' keeps the raw text files (ingest benchmark) */
  format?: SyntheticFormat;
}

export interface SyntheticResult {
  files: { items: string; users: string; interactions: string };
  format: SyntheticFormat;
  counts: { users: number; items: Record<string, number>; interactions: number };
  roles: Roles;
  startMs: number;
  days: number;
  seed: number;
}


/**
 * Generates the synthetic data set and writes the canonical tables into `outDir` (streamed:
 * memory bounded by the catalogue). Feed the files to `ingest` afterwards.
 * @example const r = await generateSynthetic({ outDir: '/tmp/syn', users: 500 }); await ingest({ ...r.files, workspace: 'ws' })
 */
export async function generateSynthetic(opts: GenerateSyntheticOptions): Promise<SyntheticResult> {
  const world = buildWorld(opts);
  const o = world.opts;
  const format = opts.format ?? 'parquet';
  mkdirSync(opts.outDir, { recursive: true });
  const csv = (name: string) => join(opts.outDir, format === 'csv' ? `${name}.csv` : `.${name}.tmp-${process.pid}.csv`);
  const itemsW = new ByteCsvWriter(csv('items'), 'item_id,type,title,description,language,genre');
  itemRows(world, (id, type, title, desc, lang, genre) => { itemsW.text(`${id},${type},${title},${desc},${lang},${genre}`).nl(); });
  itemsW.close();
  const usersW = new ByteCsvWriter(csv('users'), 'user_id,age,country');
  const interW = new ByteCsvWriter(csv('interactions'), 'user_id,item_id,kind,ts,weight');
  const U = Buffer.from('u'), P = PREFIX.map((x) => Buffer.from(x));
  const kindB = KINDS.map((k) => Buffer.from(k));
  const countryB = new Map<string, Buffer>();
  const n = generateEvents(world, {
    user(u, age, country) {
      usersW.bytes(U).uint(u).comma();
      if (age >= 0) usersW.uint(age);
      usersW.comma();
      if (country !== null) {
        let b = countryB.get(country);
        if (!b) { b = Buffer.from(country); countryB.set(country, b); }
        usersW.bytes(b);
      }
      usersW.nl();
    },
    event(u, ty, item, kind, ts, w) {
      interW.bytes(U).uint(u).comma().bytes(P[ty]).uint(item).comma().bytes(kindB[kind]).comma().ts(ts).comma();
      if (!Number.isNaN(w)) interW.uint(w);
      interW.nl();
    },
  });
  usersW.close();
  interW.close();
  const files = { items: csv('items'), users: csv('users'), interactions: csv('interactions') };
  if (format === 'parquet') {
    const out = { items: join(opts.outDir, 'items.parquet'), users: join(opts.outDir, 'users.parquet'), interactions: join(opts.outDir, 'interactions.parquet') };
    const d = await openDuck();
    try {
      const rd = (p: string, cols: string) => `read_csv(${lit(p)}, auto_detect=false, header=true, delim=',', quote='', columns={${cols}})`;
      const copy = async (sql: string, to: string) => {
        const tmp = `${to}.tmp-${process.pid}`;
        await d.run(`COPY (${sql}) TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
        renameSync(tmp, to);
      };
      await copy(`SELECT * FROM ${rd(files.items, `'item_id':'VARCHAR','type':'VARCHAR','title':'VARCHAR','description':'VARCHAR','language':'VARCHAR','genre':'VARCHAR'`)}`, out.items);
      await copy(`SELECT * FROM ${rd(files.users, `'user_id':'VARCHAR','age':'INTEGER','country':'VARCHAR'`)}`, out.users);
      await copy(`SELECT * FROM ${rd(files.interactions, `'user_id':'VARCHAR','item_id':'VARCHAR','kind':'VARCHAR','ts':'TIMESTAMP','weight':'DOUBLE'`)}`, out.interactions);
    } finally { d.close(); }
    for (const f of Object.values(files)) rmSync(f, { force: true });
    Object.assign(files, out);
  }
  return {
    files, format,
    counts: { users: o.users, items: { podcast: o.podcasts, audiobook: o.audiobooks, music: o.music }, interactions: n },
    roles: DEFAULT_ROLES, startMs: world.startMs, days: o.days, seed: o.seed,
  };
}
