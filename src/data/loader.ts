/**
 * Workspace Parquet -> in-memory columnar tables (typed arrays, dense ids).
 * Dense ids are row positions in `ORDER BY item_id` / `ORDER BY user_id` order, which is how
 * ingest writes items.parquet / users.parquet, so every interactions file loaded against the
 * same items/users tables (tables/interactions, split/train, split/test) shares ids.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { openDuck, lit, readColumns, type Duck } from './duck.ts';
import { KINDS, WS } from './schema.ts';
import type { Interactions, ItemTable, UserTable } from './types.ts';
import { DataError } from './errors.ts';

function need(path: string, fn: string): void {
  if (!existsSync(path)) throw new DataError(`${fn}: file ${path} does not exist (expected a Parquet table written by ingest)`);
}

async function withDuck<T>(duck: Duck | undefined, f: (d: Duck) => Promise<T>): Promise<T> {
  if (duck) return f(duck);
  const d = await openDuck();
  try { return await f(d); } finally { d.close(); }
}

/**
 * Loads items.parquet. `type[i]` indexes `typeNames` (sorted distinct types).
 * @example const items = await loadItems('ws/tables/items.parquet'); items.typeNames[items.type[0]]
 */
export async function loadItems(path: string, duck?: Duck): Promise<ItemTable> {
  need(path, 'loadItems');
  return withDuck(duck, async (d) => {
    const src = `read_parquet(${lit(path)})`;
    const typeRows = await d.rows(`SELECT DISTINCT type FROM ${src} ORDER BY type`);
    const typeNames = typeRows.map((r) => String(r.type));
    if (typeNames.length > 255) throw new DataError(`loadItems: at most 255 item types supported, ${path} has ${typeNames.length}`);
    const typeCase = typeNames.map((t, i) => `WHEN ${lit(t)} THEN ${i}`).join(' ');
    const { n, cols } = await readColumns(d.conn,
      `SELECT item_id, (CASE type ${typeCase} END)::UTINYINT, coalesce(title, ''), coalesce(description, ''), language, genre
       FROM ${src} ORDER BY item_id`,
      [{ kind: 'str' }, { kind: 'u8' }, { kind: 'str' }, { kind: 'str' }, { kind: 'strOrNull' }, { kind: 'strOrNull' }]);
    const ids = cols[0] as string[];
    return {
      n, ids, index: indexOf(ids), typeNames, type: cols[1] as Uint8Array,
      title: cols[2] as string[], description: cols[3] as string[],
      language: cols[4] as (string | null)[], genre: cols[5] as (string | null)[],
    };
  });
}

/** Loads users.parquet (age -1 when unknown). */
export async function loadUsers(path: string, duck?: Duck): Promise<UserTable> {
  need(path, 'loadUsers');
  return withDuck(duck, async (d) => {
    const { n, cols } = await readColumns(d.conn,
      `SELECT user_id, CASE WHEN age BETWEEN 0 AND 32767 THEN age::SMALLINT END, country FROM read_parquet(${lit(path)}) ORDER BY user_id`,
      [{ kind: 'str' }, { kind: 'i16', nullValue: -1 }, { kind: 'strOrNull' }]);
    const ids = cols[0] as string[];
    return { n, ids, index: indexOf(ids), age: cols[1] as Int16Array, country: cols[2] as (string | null)[] };
  });
}

export interface LoadInteractionsOptions {
  /** path of the items.parquet whose order defines dense item ids */
  itemsPath: string;
  /** path of the users.parquet whose order defines dense user ids */
  usersPath: string;
  /** already-loaded tables (their ids arrays are shared with the result) */
  items?: ItemTable;
  users?: UserTable;
  duck?: Duck;
}

/**
 * Loads an interactions Parquet file as typed arrays, dense ids joined in SQL against the
 * items/users tables (rows referencing unknown ids are an error). Row order: ts, user_id, item_id.
 */
export async function loadInteractions(path: string, opts: LoadInteractionsOptions): Promise<Interactions> {
  need(path, 'loadInteractions');
  need(opts.itemsPath, 'loadInteractions');
  need(opts.usersPath, 'loadInteractions');
  return withDuck(opts.duck, async (d) => {
    const items = opts.items ?? await loadItems(opts.itemsPath, d);
    const users = opts.users ?? await loadUsers(opts.usersPath, d);
    const kindCase = KINDS.map((k, i) => `WHEN ${lit(k)} THEN ${i}`).join(' ');
    const cnt = await d.rows(`SELECT count(*)::BIGINT AS n, count(weight)::BIGINT AS w FROM read_parquet(${lit(path)})`);
    const expected = Number(cnt[0].n);
    const { n, cols } = await readColumns(d.conn, `
      WITH it AS (SELECT item_id, (row_number() OVER (ORDER BY item_id) - 1)::INTEGER AS ix FROM read_parquet(${lit(opts.itemsPath)})),
           us AS (SELECT user_id, (row_number() OVER (ORDER BY user_id) - 1)::INTEGER AS ux FROM read_parquet(${lit(opts.usersPath)}))
      SELECT us.ux, it.ix, (CASE x.kind ${kindCase} END)::UTINYINT, epoch_ms(x.ts)::DOUBLE, x.weight::FLOAT
      FROM read_parquet(${lit(path)}) x JOIN it USING (item_id) JOIN us USING (user_id)
      ORDER BY x.ts, us.ux, it.ix`, // dense ids follow string order: same as ORDER BY ts, user_id, item_id, but an integer sort
    [{ kind: 'i32' }, { kind: 'i32' }, { kind: 'u8' }, { kind: 'f64' }, { kind: 'f32' }], expected);
    if (n !== expected) {
      throw new DataError(`loadInteractions: ${path} has ${expected} rows but only ${n} reference items/users in ${opts.itemsPath} / ${opts.usersPath}`);
    }
    return {
      n, userIds: users.ids, itemIds: items.ids,
      user: cols[0] as Int32Array, item: cols[1] as Int32Array, kind: cols[2] as Uint8Array,
      ts: cols[3] as Float64Array, weight: Number(cnt[0].w) > 0 ? (cols[4] as Float32Array) : null,
    };
  });
}

export interface Workspace {
  items: ItemTable;
  users: UserTable;
  interactions: Interactions;
}

/** Loads `<ws>/tables/{items,users,interactions}.parquet` with consistent dense ids. */
export async function loadWorkspace(ws: string): Promise<Workspace> {
  const d = await openDuck();
  try {
    const itemsPath = join(ws, WS.items);
    const usersPath = join(ws, WS.users);
    const items = await loadItems(itemsPath, d);
    const users = await loadUsers(usersPath, d);
    const interactions = await loadInteractions(join(ws, WS.interactions), { itemsPath, usersPath, items, users, duck: d });
    return { items, users, interactions };
  } finally { d.close(); }
}

function indexOf(ids: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) m.set(ids[i], i);
  return m;
}
