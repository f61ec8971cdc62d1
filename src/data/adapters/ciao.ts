/**
 * Ciao adapter (../shared/datasets/ciao, README there). Multi-type, timestamped ratings.
 *
 * Mapping (configurable with `categoryTypes`): Books (2) -> 'audiobook' (target), DVDs (1) ->
 * 'podcast' (graph type), Music (4) -> 'music' (user taste); every other category is dropped
 * by default (map it to a type name to keep it, e.g. { 24: 'games' } becomes a further type).
 * - Every rating becomes a `stream` at its timestamp (unix seconds, day granularity), weight = rating (1–5).
 * - Duplicate user–item pairs: the earliest rating is kept, the others are dropped and counted.
 * - Items listed under two categories: the category with most ratings wins (ties: lowest id); counted.
 * - No item text: title and description are '' (content features must come from category and
 *   rating statistics); genre = the category name; language NULL. No user demographics: users
 *   are implicit (NULL age/country). trust.tsv.gz is not used.
 */
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { openDuck, lit } from '../duck.ts';
import { verifyGzip, firstErrorLine } from '../source.ts';
import { DataError } from '../errors.ts';
import { datasetPath, requireFiles, type PreparedDataset } from './paths.ts';

export interface CiaoOptions {
  /** data set folder (default ../shared/datasets/ciao) */
  path?: string;
  /** folder for the prepared canonical Parquet inputs (created) */
  outDir: string;
  /** category id -> item type; categories not listed are dropped */
  categoryTypes?: Record<number, string>;
}

export const CIAO_DEFAULT_TYPES: Readonly<Record<number, string>> = { 1: 'podcast', 2: 'audiobook', 4: 'music' };

export interface CiaoStats {
  ratings: number;
  duplicatePairs: number;
  duplicateRowsDropped: number;
  multiCategoryItems: number;
  droppedByCategory: Record<string, number>;
  kept: number;
  perType: Record<string, { ratings: number; users: number; items: number }>;
}

/**
 * Converts Ciao into canonical items/interactions Parquet files in `outDir`.
 * @example const p = await prepareCiao({ outDir: 'ws/.raw' }); await ingest({ workspace: 'ws', ...p.files, roles: p.roles, source: p.source })
 */
export async function prepareCiao(opts: CiaoOptions): Promise<PreparedDataset & { stats: CiaoStats }> {
  const fn = 'prepareCiao';
  const dir = opts.path ?? datasetPath('ciao');
  requireFiles(fn, dir, ['ratings.tsv.gz', 'catalog_ciao.txt']);
  const ratings = join(dir, 'ratings.tsv.gz');
  await verifyGzip(ratings, fn);
  const types = opts.categoryTypes ?? CIAO_DEFAULT_TYPES;
  const catNames = new Map<number, string>();
  for (const line of readFileSync(join(dir, 'catalog_ciao.txt'), 'latin1').split('\n')) {
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    if (m) catNames.set(Number(m[1]), m[2]);
  }
  for (const k of Object.keys(types)) {
    if (!catNames.has(Number(k))) throw new DataError(`${fn}: categoryTypes names category ${k}, which is not in catalog_ciao.txt (1..${catNames.size})`);
  }
  mkdirSync(opts.outDir, { recursive: true });
  const d = await openDuck();
  try {
    const mapSql = Object.entries(types).map(([c, t]) => `(${Number(c)}, ${lit(t)})`).join(', ');
    const namesSql = [...catNames].map(([c, n]) => `(${c}, ${lit(n)})`).join(', ');
    try {
      await d.run(`CREATE TEMP TABLE r AS SELECT * FROM read_csv(${lit(ratings)}, auto_detect=false, header=true, delim='\t', quote='', strict_mode=true,
        compression='gzip', columns={'user_id':'BIGINT','item_id':'BIGINT','category_id':'INTEGER','rating':'DOUBLE','helpfulness':'DOUBLE','timestamp':'BIGINT'})`);
    } catch (e) {
      throw new DataError(`${fn}: ${ratings} is unreadable: ${firstErrorLine(e)}`);
    }
    await d.run(`CREATE TEMP TABLE cmap (c INTEGER, type VARCHAR)`);
    if (mapSql) await d.run(`INSERT INTO cmap VALUES ${mapSql}`);
    await d.run(`CREATE TEMP TABLE cname (c INTEGER, name VARCHAR)`);
    await d.run(`INSERT INTO cname VALUES ${namesSql}`);
    // one category per item: most ratings, ties -> lowest id
    await d.run(`CREATE TEMP TABLE icat AS SELECT item_id, category_id, ncat FROM (
        SELECT item_id, category_id, count(*) OVER (PARTITION BY item_id) AS ncat,
               row_number() OVER (PARTITION BY item_id ORDER BY n DESC, category_id) AS k
        FROM (SELECT item_id, category_id, count(*) AS n FROM r GROUP BY ALL)) WHERE k = 1`);
    // duplicates: earliest rating per (user, item) kept
    await d.run(`CREATE TEMP TABLE dedup AS SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY user_id, item_id ORDER BY timestamp, category_id, rating) AS k FROM r) WHERE k = 1`);
    await d.run(`CREATE TEMP TABLE kept AS SELECT x.user_id, x.item_id, m.type, x.timestamp, x.rating
        FROM dedup x JOIN icat i USING (item_id) JOIN cmap m ON m.c = i.category_id`);
    const tmp = (n: string) => join(opts.outDir, `${n}.tmp-${process.pid}.parquet`);
    const files = { items: join(opts.outDir, 'items.parquet'), interactions: join(opts.outDir, 'interactions.parquet') };
    await d.run(`COPY (SELECT 'i' || i.item_id AS item_id, m.type, '' AS title, '' AS description, NULL::VARCHAR AS language, n.name AS genre
        FROM icat i JOIN cmap m ON m.c = i.category_id JOIN cname n ON n.c = i.category_id ORDER BY i.item_id) TO ${lit(tmp('items'))} (FORMAT parquet)`);
    await d.run(`COPY (SELECT 'u' || user_id AS user_id, 'i' || item_id AS item_id, 'stream' AS kind, make_timestamp(timestamp * 1000000) AS ts, rating AS weight
        FROM kept ORDER BY timestamp, user_id, item_id) TO ${lit(tmp('interactions'))} (FORMAT parquet)`);
    renameSync(tmp('items'), files.items);
    renameSync(tmp('interactions'), files.interactions);
    const one = async (sql: string) => (await d.rows(sql))[0];
    const s = await one(`SELECT (SELECT count(*) FROM r)::BIGINT AS ratings,
        (SELECT count(*) FROM (SELECT 1 FROM r GROUP BY user_id, item_id HAVING count(*) > 1))::BIGINT AS dpairs,
        (SELECT count(*) FROM r)::BIGINT - (SELECT count(*) FROM dedup)::BIGINT AS drows,
        (SELECT count(*) FROM icat WHERE ncat > 1)::BIGINT AS multi, (SELECT count(*) FROM kept)::BIGINT AS kept`);
    const dropped = await d.rows(`SELECT n.name AS k, count(*)::BIGINT AS v FROM dedup x JOIN icat i USING (item_id) JOIN cname n ON n.c = i.category_id
        WHERE i.category_id NOT IN (SELECT c FROM cmap) GROUP BY 1 ORDER BY 2 DESC`);
    const per = await d.rows(`SELECT type, count(*)::BIGINT AS ratings, count(DISTINCT user_id)::BIGINT AS users, count(DISTINCT item_id)::BIGINT AS items FROM kept GROUP BY 1 ORDER BY 1`);
    const stats: CiaoStats = {
      ratings: Number(s.ratings), duplicatePairs: Number(s.dpairs), duplicateRowsDropped: Number(s.drows),
      multiCategoryItems: Number(s.multi), kept: Number(s.kept),
      droppedByCategory: Object.fromEntries(dropped.map((r) => [String(r.k), Number(r.v)])),
      perType: Object.fromEntries(per.map((r) => [String(r.type), { ratings: Number(r.ratings), users: Number(r.users), items: Number(r.items) }])),
    };
    const typeList = [...new Set(Object.values(types))];
    const target = typeList.includes('audiobook') ? 'audiobook' : typeList[0];
    return {
      files,
      roles: { target, graph: typeList.filter((t) => t !== 'music'), taste: typeList.filter((t) => t === 'music') },
      source: { adapter: 'ciao', time: 'timestamp', path: dir, categoryTypes: types, stats },
      stats,
    };
  } finally { d.close(); }
}
