/**
 * Train/test splits over in-memory interactions (the SQL twin that writes <ws>/split lives in
 * split_workspace.ts; tests check they agree).
 *
 * - temporal (SPEC §6): every interaction at or after the cut goes to test, everything before
 *   to train — no test row can reach a training table. Cut: `cutMs` if given; else
 *   `testDays` before the end of the last day when given or when the timeline spans ≤ 100 days
 *   (default 14: the last 14 days of a 90-day window); else the last `fraction` (default 14/90)
 *   of the timeline.
 * - leave-last-out (data with order but no real time, e.g. Amazon): per user, the last
 *   target-type stream is the test row; rows of that user after it are dropped (they are the
 *   future), earlier rows are train. Users without a target-type stream keep all rows in train.
 */
import { DataError } from './errors.ts';
import { KIND_CODES } from './schema.ts';
import type { Interactions, ItemTable } from './types.ts';

export type SplitMethod = 'temporal' | 'leave-last-out';
export const DAY_MS = 86_400_000;
export const DEFAULT_TEST_DAYS = 14;
export const DEFAULT_TEST_FRACTION = 14 / 90;

export interface SplitOptions {
  method?: SplitMethod;
  /** target item type (needed by leave-last-out and for the groups) */
  targetType?: string;
  /** temporal: explicit cut (ms); overrides testDays / fraction */
  cutMs?: number;
  /** temporal: hold out the last N days */
  testDays?: number;
  /** temporal: hold out the last fraction of the timeline */
  fraction?: number;
}

/** Written as <ws>/split/split.json and named in every report. */
export interface SplitInfo {
  method: SplitMethod;
  targetType: string;
  /** temporal: cut time (test = ts ≥ cut); leave-last-out: null */
  cutMs: number | null;
  cutTs: string | null;
  testDays: number | null;
  fraction: number | null;
  counts: { train: number; test: number; dropped: number; testTarget: number; testUsers: number };
}

export interface Split {
  train: Interactions;
  test: Interactions;
  info: SplitInfo;
}

/** Rows of `x` where mask[i] = 1, same dictionaries. */
export function subset(x: Interactions, mask: Uint8Array): Interactions {
  let m = 0;
  for (let i = 0; i < x.n; i++) m += mask[i];
  const user = new Int32Array(m), item = new Int32Array(m), kind = new Uint8Array(m), ts = new Float64Array(m);
  const weight = x.weight ? new Float32Array(m) : null;
  for (let i = 0, j = 0; i < x.n; i++) {
    if (!mask[i]) continue;
    user[j] = x.user[i]; item[j] = x.item[i]; kind[j] = x.kind[i]; ts[j] = x.ts[i];
    if (weight) weight[j] = x.weight![i];
    j++;
  }
  return { n: m, userIds: x.userIds, itemIds: x.itemIds, user, item, kind, ts, weight };
}

/** Chooses the temporal cut (integer ms) for a timeline [tmin, tmax] (rules in the module doc). */
export function chooseCut(tmin: number, tmax: number, opts: SplitOptions = {}): { cutMs: number; testDays: number | null; fraction: number | null } {
  if (opts.cutMs !== undefined) return { cutMs: Math.round(opts.cutMs), testDays: null, fraction: null };
  if (opts.testDays !== undefined && opts.fraction !== undefined) throw new DataError('chooseCut: give testDays or fraction, not both');
  if (opts.testDays !== undefined && !(opts.testDays > 0)) throw new DataError(`chooseCut: testDays must be > 0, got ${opts.testDays}`);
  if (opts.fraction !== undefined && !(opts.fraction > 0 && opts.fraction < 1)) throw new DataError(`chooseCut: fraction must be in (0, 1), got ${opts.fraction}`);
  const span = tmax - tmin;
  if (opts.testDays !== undefined || (opts.fraction === undefined && span <= 100 * DAY_MS)) {
    const days = opts.testDays ?? DEFAULT_TEST_DAYS;
    const end = Math.floor(tmax / DAY_MS) * DAY_MS + DAY_MS;
    return { cutMs: end - days * DAY_MS, testDays: days, fraction: null };
  }
  const fraction = opts.fraction ?? DEFAULT_TEST_FRACTION;
  return { cutMs: Math.round(tmin + (1 - fraction) * span), testDays: null, fraction };
}

function typeCode(items: ItemTable, targetType: string, fn: string): number {
  const c = items.typeNames.indexOf(targetType);
  if (c < 0) throw new DataError(`${fn}: target type '${targetType}' is not an item type (types: ${items.typeNames.join(', ')})`);
  return c;
}

function countTarget(test: Interactions, items: ItemTable, tcode: number): { testTarget: number; testUsers: number } {
  let testTarget = 0;
  const users = new Set<number>();
  for (let i = 0; i < test.n; i++) {
    if (items.type[test.item[i]] === tcode && test.kind[i] === KIND_CODES.stream) { testTarget++; users.add(test.user[i]); }
  }
  return { testTarget, testUsers: users.size };
}

/** Global temporal split (no leakage: train = ts < cut, test = ts ≥ cut). */
export function temporalSplit(x: Interactions, items: ItemTable, opts: SplitOptions = {}): Split {
  const targetType = opts.targetType ?? 'audiobook';
  const tcode = typeCode(items, targetType, 'temporalSplit');
  if (x.n === 0) throw new DataError('temporalSplit: no interactions to split');
  let tmin = Infinity, tmax = -Infinity;
  for (let i = 0; i < x.n; i++) { if (x.ts[i] < tmin) tmin = x.ts[i]; if (x.ts[i] > tmax) tmax = x.ts[i]; }
  const cut = chooseCut(tmin, tmax, opts);
  const inTest = new Uint8Array(x.n), inTrain = new Uint8Array(x.n);
  for (let i = 0; i < x.n; i++) { if (x.ts[i] >= cut.cutMs) inTest[i] = 1; else inTrain[i] = 1; }
  const train = subset(x, inTrain), test = subset(x, inTest);
  return {
    train, test,
    info: {
      method: 'temporal', targetType, cutMs: cut.cutMs, cutTs: new Date(cut.cutMs).toISOString(), testDays: cut.testDays, fraction: cut.fraction,
      counts: { train: train.n, test: test.n, dropped: 0, ...countTarget(test, items, tcode) },
    },
  };
}

/**
 * Leave-last-out: per user the last target-type stream (latest ts; among equal ts the later
 * row) is the test row; that user's later rows are dropped.
 */
export function leaveLastOut(x: Interactions, items: ItemTable, opts: SplitOptions = {}): Split {
  const targetType = opts.targetType ?? 'audiobook';
  const tcode = typeCode(items, targetType, 'leaveLastOut');
  const nu = x.userIds.length;
  const last = new Int32Array(nu).fill(-1);
  for (let i = 0; i < x.n; i++) {
    if (items.type[x.item[i]] !== tcode || x.kind[i] !== KIND_CODES.stream) continue;
    const u = x.user[i], j = last[u];
    if (j < 0 || x.ts[i] >= x.ts[j]) last[u] = i;
  }
  const inTest = new Uint8Array(x.n), inTrain = new Uint8Array(x.n);
  let dropped = 0;
  for (let i = 0; i < x.n; i++) {
    const j = last[x.user[i]];
    if (j < 0 || x.ts[i] < x.ts[j]) inTrain[i] = 1;
    else if (i === j) inTest[i] = 1;
    else dropped++;
  }
  const train = subset(x, inTrain), test = subset(x, inTest);
  return {
    train, test,
    info: {
      method: 'leave-last-out', targetType, cutMs: null, cutTs: null, testDays: null, fraction: null,
      counts: { train: train.n, test: test.n, dropped, ...countTarget(test, items, tcode) },
    },
  };
}

/** Dispatches on `opts.method` (default temporal). */
export function splitInteractions(x: Interactions, items: ItemTable, opts: SplitOptions = {}): Split {
  return (opts.method ?? 'temporal') === 'temporal' ? temporalSplit(x, items, opts) : leaveLastOut(x, items, opts);
}
