/**
 * Validated ingestion: CSV / TSV / JSONL / Parquet (optionally .gz) -> canonical Parquet tables
 * in a workspace (layout in README.md), with a manifest and a rejects file.
 *
 * Rules. Rows with an empty required field, an unknown kind, an unparsable time, a wrong type
 * (age not an integer in [0, 130], weight not a finite number), a duplicate item_id / user_id
 * (the first occurrence wins) or an item_id missing from items are rejected, counted and listed
 * in rejects.csv (file, line, column, reason, value). `strict: true` throws on the first bad row
 * with the same message. A file that cannot be parsed as a whole (wrong number of fields,
 * unterminated quote, truncated gzip, malformed JSON, unreadable Parquet) is an error in both
 * modes, never a shorter table. Users that appear only in interactions are added with NULL
 * age/country. Time: ISO-8601 strings (zone honoured, naive = UTC), or numbers = Unix epoch
 * seconds (ms when |x| ≥ 1e11); years outside 1900–2200 are rejected.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { openDuck, lit, ident, type Duck, type DuckOptions } from './duck.ts';
import { resolveSource, readerSql, firstErrorLine, recordLines, type ResolvedSource, type TableSource } from './source.ts';
import { DataError, formatReject } from './errors.ts';
import { KINDS, REQUIRED, DEFAULT_ROLES, type Kind, type Roles, type TableName } from './schema.ts';
import { newVersionDir, publishVersion, ensureSymlink } from './atomic.ts';

export interface IngestOptions {
  /** output workspace folder (created) */
  workspace: string;
  items: string | TableSource;
  interactions: string | TableSource;
  users?: string | TableSource;
  /** canonical column -> source column, per table (merged over TableSource.columns) */
  mapping?: Partial<Record<TableName, Record<string, string>>>;
  /** fail on the first bad row instead of rejecting it */
  strict?: boolean;
  /** source kind value -> canonical kind, e.g. { play: 'stream', save: 'follow' } (case-insensitive) */
  kindMap?: Record<string, Kind>;
  /** kind for every row when interactions have no kind column */
  defaultKind?: Kind;
  /** which item types are target / graph / taste (stored in the manifest) */
  roles?: Roles;
  /** provenance stored as manifest.source (adapter name, options…) */
  source?: Record<string, unknown>;
  duck?: DuckOptions;
  /** progress messages (stderr in the CLI) */
  onProgress?: (msg: string) => void;
}

export interface Manifest {
  format: 'hgrec-tables';
  version: 1;
  createdAt: string;
  rows: { items: number; users: number; interactions: number; implicitUsers: number };
  rejected: { total: number; items: number; users: number; interactions: number; byReason: Record<string, number> };
  timeRange: { min: string | null; max: string | null; minMs: number | null; maxMs: number | null };
  itemsPerType: Record<string, number>;
  interactionsPerType: Record<string, number>;
  interactionsPerKind: Record<string, number>;
  roles: Roles;
  inputs: Record<string, { path: string; format: string; gz: boolean; bytes: number; columns: Record<string, string> } | null>;
  contentHash: string;
  source?: Record<string, unknown>;
}

export interface IngestResult {
  manifest: Manifest;
  /** absolute-ish paths of the published tables */
  paths: { items: string; users: string; interactions: string; manifest: string; rejects: string };
  /** rows rejected (0 in strict mode, which throws instead) */
  rejected: number;
}

const TABLE_ORDER: TableName[] = ['items', 'users', 'interactions'];

function asSource(s: string | TableSource): TableSource { return typeof s === 'string' ? { path: s } : s; }

/** canonical -> file column (only those present in the file) */
function columnMap(table: TableName, src: ResolvedSource, mapping: Record<string, string> | undefined, label: string, canon: readonly string[]): Record<string, string> {
  const m = { ...(src.columns ?? {}), ...(mapping ?? {}) };
  for (const k of Object.keys(m)) {
    if (!canon.includes(k)) throw new DataError(`${label}: mapping names unknown canonical column '${k}' (expected one of ${canon.join(', ')})`);
  }
  const out: Record<string, string> = {};
  for (const c of canon) {
    const f = m[c] ?? c;
    if (src.fileColumns.includes(f)) out[c] = f;
    else if (m[c] !== undefined) throw new DataError(`${label}: ${src.path} has no column '${f}' (mapped to '${c}'); its columns are: ${src.fileColumns.join(', ')}`);
  }
  for (const r of REQUIRED[table]) {
    if (out[r] === undefined && !(table === 'interactions' && r === 'kind')) {
      throw new DataError(`${label}: ${src.path} has no column '${r}' (required; map it with mapping.${table}.${r}); its columns are: ${src.fileColumns.join(', ')}`);
    }
  }
  return out;
}

const isStrType = (t: string | undefined) => t === undefined || t === 'VARCHAR';
const isNumType = (t: string) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(t);

/** SQL expression: the column as VARCHAR, NULL when absent */
function strCol(cm: Record<string, string>, src: ResolvedSource, c: string): string {
  const f = cm[c];
  if (f === undefined) return 'NULL::VARCHAR';
  return isStrType(src.fileTypes[f]) ? ident(f) : `CAST(${ident(f)} AS VARCHAR)`;
}

/** SQL expression parsing the ts column to TIMESTAMP (NULL when unparsable) */
function tsExpr(cm: Record<string, string>, src: ResolvedSource): string {
  const f = ident(cm.ts);
  const t = src.fileTypes[cm.ts] ?? 'VARCHAR';
  const epoch = (x: string) => `CASE WHEN abs(${x}) >= 1e11 THEN make_timestamp(CAST(${x} * 1000 AS BIGINT)) ELSE make_timestamp(CAST(${x} * 1000000 AS BIGINT)) END`;
  if (/^TIMESTAMP|^DATE/.test(t)) return `CAST(${f} AS TIMESTAMP)`;
  if (isNumType(t)) return `CASE WHEN isfinite(${f}::DOUBLE) AND abs(${f}::DOUBLE) < 1e14 THEN ${epoch(`${f}::DOUBLE`)} END`;
  const s = f; // casts skip surrounding whitespace themselves
  // TIMESTAMP casts ignore a zone offset ('Z' = UTC is harmless), so strings with a +/- after the
  // date go through TIMESTAMPTZ (3x slower)
  const zoned = `(contains(substr(${s}, 11), '+') OR contains(substr(${s}, 11), '-'))`;
  return `coalesce(CASE WHEN ${zoned} THEN TRY_CAST(${s} AS TIMESTAMPTZ)::TIMESTAMP ELSE TRY_CAST(${s} AS TIMESTAMP) END, CASE WHEN abs(TRY_CAST(${s} AS DOUBLE)) < 1e14 THEN ${epoch(`TRY_CAST(${s} AS DOUBLE)`)} END)`;
}

/**
 * DuckDB threads for ingest: all cores, or 1 when other processes already keep the cores busy
 * (1-minute load average > cores + 1). Measured on the shared 2-core machine at load 6: 2M rows
 * took 5.7-6.2 s wall / 3.7-3.9 CPU-s with 2 threads vs 3.0-3.6 s / 3.0-3.1 CPU-s with 1 (each
 * pipeline waits for its slowest, descheduled worker). Results do not depend on the thread count.
 */
export function ingestThreads(): number {
  const cores = availableParallelism();
  return loadavg()[0] > cores + 1 ? 1 : cores;
}

interface Staged { src: ResolvedSource; cm: Record<string, string>; rows: number }

/**
 * Validates the inputs and publishes canonical tables into `opts.workspace` atomically.
 * @example await ingest({ workspace: 'ws', items: 'items.csv', interactions: { path: 'plays.tsv', columns: { ts: 'time' } } })
 */
export async function ingest(opts: IngestOptions): Promise<IngestResult> {
  const fn = 'ingest';
  const log = opts.onProgress ?? (() => {});
  const ws = opts.workspace;
  mkdirSync(ws, { recursive: true });
  const vdir = newVersionDir(ws, 'tables');
  const spill = join(ws, '.versions', `.duck-spill-${process.pid}`);
  const threads = opts.duck?.threads ?? ingestThreads();
  log(`DuckDB threads: ${threads} (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
  const duck = await openDuck({ memoryLimit: '3GB', tempDir: spill, ...opts.duck, threads });
  let published = false;
  try {
    const srcs: Partial<Record<TableName, TableSource>> = {
      items: asSource(opts.items), interactions: asSource(opts.interactions), users: opts.users ? asSource(opts.users) : undefined,
    };
    const canon: Record<TableName, readonly string[]> = {
      items: ['item_id', 'type', 'title', 'description', 'language', 'genre'],
      users: ['user_id', 'age', 'country'],
      interactions: ['user_id', 'item_id', 'kind', 'ts', 'weight'],
    };
    const staged: Partial<Record<TableName, Staged>> = {};
    for (const t of TABLE_ORDER) {
      const s = srcs[t];
      if (!s) continue;
      const label = `${fn}: ${t}`;
      const src = await resolveSource(s, duck, label);
      const cm = columnMap(t, src, opts.mapping?.[t], label, canon[t]);
      if (t === 'interactions' && cm.kind === undefined && !opts.defaultKind) {
        throw new DataError(`${label}: ${src.path} has no column 'kind' and no defaultKind was given; its columns are: ${src.fileColumns.join(', ')}`);
      }
      if (t === 'interactions') await idChecks(duck, !!staged.users);
      log(`reading ${t} from ${src.path}`);
      const sql = checkSql(t, src, cm, opts);
      try {
        await duck.run(`CREATE TEMP TABLE raw_${t} AS ${sql}`);
      } catch (e) {
        throw new DataError(`${label}: ${src.path} is unreadable or truncated: ${firstErrorLine(e)}`);
      }
      const n = Number((await duck.rows(`SELECT count(*)::BIGINT AS n FROM raw_${t}`))[0].n);
      staged[t] = { src, cm, rows: n };
    }
    log('validating');
    await finishChecks(duck);
    // rejects, in file order per table
    const rej = await duck.rows(`SELECT tbl, rn, col, reason, val FROM rejects ORDER BY CASE tbl WHEN 'items' THEN 0 WHEN 'users' THEN 1 ELSE 2 END, rn`);
    const lines: Partial<Record<TableName, Map<number, number>>> = {};
    for (const t of TABLE_ORDER) {
      const st = staged[t];
      if (!st) continue;
      const rns = rej.filter((r) => r.tbl === t).map((r) => Number(r.rn));
      if (opts.strict && rns.length) rns.length = 1;
      lines[t] = await recordLines(st.src, rns);
    }
    const fmtRow = (r: Record<string, unknown>) => {
      const t = r.tbl as TableName;
      const line = lines[t]?.get(Number(r.rn)) ?? Number(r.rn) + 2;
      return { file: staged[t]!.src.path, line, column: String(r.col), reason: String(r.reason), value: r.val === null ? '' : String(r.val) };
    };
    if (opts.strict && rej.length) {
      const f = fmtRow(rej[0]);
      throw new DataError(formatReject(f.file, f.line, f.column, f.reason), { file: f.file, line: f.line, column: f.column });
    }
    log('writing tables');
    const out = { items: join(vdir, 'items.parquet'), users: join(vdir, 'users.parquet'), interactions: join(vdir, 'interactions.parquet') };
    const copy = (sql: string, to: string) => duck.run(`COPY (${sql}) TO ${lit(to)} (FORMAT parquet)`);
    await copy(`SELECT item_id, type, title, description, language, genre FROM items_ok ORDER BY item_id`, out.items);
    await copy(`SELECT user_id, age, country FROM users_ok ORDER BY user_id`, out.users);
    // no ORDER BY: a sort cost as much as the rest of the write; loaders order rows themselves and the
    // content hash is order-independent
    await copy(`SELECT user_id, item_id, kind, ts, weight FROM inter_ok`, out.interactions);
    // rejects file
    const csvQ = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    const rejLines = ['file,line,column,reason,value', ...rej.map((r) => { const f = fmtRow(r); return [f.file, String(f.line), f.column, f.reason, f.value].map(csvQ).join(','); })];
    writeFileSync(join(vdir, 'rejects.csv'), rejLines.join('\n') + '\n');
    const manifest = await buildManifest(duck, opts, staged, rej, out);
    writeFileSync(join(vdir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    publishVersion(ws, 'tables', vdir);
    published = true;
    ensureSymlink(ws, 'manifest.json', 'tables/manifest.json');
    ensureSymlink(ws, 'rejects.csv', 'tables/rejects.csv');
    log(`ingested ${manifest.rows.interactions} interactions, ${manifest.rejected.total} rejected`);
    return {
      manifest, rejected: manifest.rejected.total,
      paths: {
        items: join(ws, 'tables', 'items.parquet'), users: join(ws, 'tables', 'users.parquet'),
        interactions: join(ws, 'tables', 'interactions.parquet'), manifest: join(ws, 'manifest.json'), rejects: join(ws, 'rejects.csv'),
      },
    };
  } finally {
    duck.close();
    rmSync(spill, { recursive: true, force: true });
    if (!published) rmSync(vdir, { recursive: true, force: true });
  }
}

/** Per-row checks of one table: typed canonical columns + (ecol, reason, val) for the first problem. */
function checkSql(t: TableName, src: ResolvedSource, cm: Record<string, string>, opts: IngestOptions): string {
  const from = readerSql(src, Object.values(cm));
  // trim only when the value starts or ends with a space (conjunctions evaluate lazily per vector)
  const empty = (x: string) => `(${x} IS NULL OR ${x} = '' OR ((prefix(${x}, ' ') OR suffix(${x}, ' ')) AND trim(${x}) = ''))`;
  const q = (x: string) => `'''' || ${x} || ''''`;
  if (t === 'items') {
    return `SELECT *, CASE ecol
        WHEN 'item_id' THEN 'empty required field item_id' WHEN 'type' THEN 'empty required field type' END AS reason,
        NULL::VARCHAR AS val
      FROM (SELECT item_id, trim(type) AS type, coalesce(title, '') AS title, coalesce(description, '') AS description,
              NULLIF(trim(language), '') AS language, NULLIF(trim(genre), '') AS genre,
              CASE WHEN ${empty('item_id')} THEN 'item_id' WHEN ${empty('type')} THEN 'type' END AS ecol
            FROM (SELECT ${['item_id', 'type', 'title', 'description', 'language', 'genre'].map((c) => `${strCol(cm, src, c)} AS ${c}`).join(', ')} FROM ${from}))`;
  }
  if (t === 'users') {
    const ageT = cm.age ? src.fileTypes[cm.age] : 'VARCHAR';
    const ageRaw = cm.age ? (isStrType(ageT) ? `NULLIF(trim(${ident(cm.age)}), '')` : ident(cm.age)) : 'NULL';
    const ageNum = cm.age ? (isStrType(ageT) ? `TRY_CAST(${ageRaw} AS DOUBLE)` : `CAST(${ageRaw} AS DOUBLE)`) : 'NULL::DOUBLE';
    return `SELECT user_id, CASE WHEN ecol IS NULL THEN CAST(age_num AS INTEGER) END AS age, country, ecol,
        CASE ecol WHEN 'user_id' THEN 'empty required field user_id'
          WHEN 'age' THEN CASE WHEN age_num IS NULL THEN 'age is not a number' WHEN age_num <> round(age_num) THEN 'age is not an integer' ELSE 'age out of range [0, 130]' END END AS reason,
        CASE ecol WHEN 'age' THEN age_raw END AS val
      FROM (SELECT *, CASE WHEN ${empty('user_id')} THEN 'user_id'
          WHEN age_raw IS NOT NULL AND (age_num IS NULL OR age_num <> round(age_num) OR age_num < 0 OR age_num > 130) THEN 'age' END AS ecol
        FROM (SELECT ${strCol(cm, src, 'user_id')} AS user_id, CAST(${ageRaw} AS VARCHAR) AS age_raw, ${ageNum} AS age_num,
              NULLIF(trim(${strCol(cm, src, 'country')}), '') AS country
            FROM ${from}))`;
  }
  // interactions
  const kindMap = Object.entries(opts.kindMap ?? {});
  for (const [, v] of kindMap) {
    if (!(KINDS as readonly string[]).includes(v)) throw new DataError(`ingest: kindMap maps to unknown kind '${v}' (expected one of ${KINDS.join(', ')})`);
  }
  if (opts.defaultKind && !(KINDS as readonly string[]).includes(opts.defaultKind)) {
    throw new DataError(`ingest: defaultKind must be one of ${KINDS.join(', ')}, got '${opts.defaultKind}'`);
  }
  // an OR chain, not IN (…): DuckDB plans an IN list as a mark join (slower, and joins may reorder rows)
  const isKind = (x: string) => `(${KINDS.map((k) => `${x} = ${lit(k)}`).join(' OR ')})`;
  const kindRaw = cm.kind ? strCol(cm, src, 'kind') : lit(opts.defaultKind!);
  const kindNorm = kindMap.length
    ? `CASE lower(trim(kind_raw)) ${kindMap.map(([k, v]) => `WHEN ${lit(k.toLowerCase())} THEN ${lit(v)}`).join(' ')} ELSE lower(trim(kind_raw)) END`
    : `CASE WHEN ${isKind('kind_raw')} THEN kind_raw ELSE lower(trim(kind_raw)) END`;
  // Hot path: casts on the untrimmed strings; trim() (a copy of every value) runs only for the
  // few rows that fail a check, to report the value, and for the rare padded weight.
  const wT = cm.weight ? src.fileTypes[cm.weight] : 'VARCHAR';
  const wStr = cm.weight !== undefined && isStrType(wT);
  const wIn = cm.weight ? (wStr ? ident(cm.weight) : `CAST(${ident(cm.weight)} AS VARCHAR)`) : 'NULL::VARCHAR';
  const wNum = !cm.weight ? 'NULL::DOUBLE'
    : wStr ? `coalesce(TRY_CAST(${ident(cm.weight)} AS DOUBLE), TRY_CAST(trim(${ident(cm.weight)}) AS DOUBLE))` : `CAST(${ident(cm.weight)} AS DOUBLE)`;
  // w_raw of the old query: the weight text, trimmed, NULL when empty
  const wRaw = wStr ? `NULLIF(trim(w_in), '')` : 'w_in';
  const wGiven = wStr ? `NOT ${empty('w_in')}` : 'w_in IS NOT NULL';
  const tsIsStr = isStrType(src.fileTypes[cm.ts]);
  const tsRaw = tsIsStr ? `NULLIF(trim(ts_in), '')` : `NULLIF(ts_in, '')`;
  return `SELECT user_id, item_id, kind, CASE WHEN ecol IS NULL THEN ts END AS ts, CASE WHEN ecol IS NULL THEN weight END AS weight, ecol,
      CASE ecol WHEN 'user_id' THEN 'empty required field user_id' WHEN 'item_id' THEN 'empty required field item_id'
        WHEN 'kind' THEN CASE WHEN ${empty('kind_raw')} THEN 'empty required field kind' ELSE 'unknown kind ' || ${q('kind_raw')} || ' (expected ${KINDS.join(' | ')})' END
        WHEN 'ts' THEN CASE WHEN ${tsRaw} IS NULL THEN 'empty required field ts' WHEN ts IS NULL THEN 'unparsable time ' || ${q(tsRaw)} ELSE 'time out of range (years 1900-2200) ' || ${q(tsRaw)} END
        WHEN 'weight' THEN 'weight is not a finite number' END AS reason,
      CASE ecol WHEN 'kind' THEN kind_raw WHEN 'ts' THEN ${tsRaw} WHEN 'weight' THEN ${wRaw} END AS val
    FROM (
      SELECT *, CASE WHEN ${empty('user_id')} THEN 'user_id' WHEN ${empty('item_id')} THEN 'item_id'
          WHEN kind IS NULL OR NOT ${isKind('kind')} THEN 'kind'
          WHEN ts IS NULL OR year(ts) < 1900 OR year(ts) > 2200 THEN 'ts'
          WHEN CASE WHEN weight IS NULL THEN ${wGiven} ELSE NOT isfinite(weight) END THEN 'weight' END AS ecol
      FROM (SELECT user_id, item_id, kind_raw, ${kindNorm} AS kind, ts_in, ts, w_in, weight
        FROM (SELECT ${strCol(cm, src, 'user_id')} AS user_id, ${strCol(cm, src, 'item_id')} AS item_id, ${kindRaw} AS kind_raw,
                ${tsIsStr ? ident(cm.ts) : `CAST(${ident(cm.ts)} AS VARCHAR)`} AS ts_in,
                ${tsExpr(cm, src)} AS ts, ${wIn} AS w_in, ${wNum} AS weight
              FROM ${from})))`;
}

/** Duplicate item/user ids; creates items_ok, users_given and `rejects` (items and users rows). */
async function idChecks(duck: Duck, hasUsers: boolean): Promise<void> {
  // first occurrence of each id wins; later duplicates are rejected
  await duck.run(`CREATE TEMP TABLE items_dup AS SELECT rn, item_id, first_rn FROM (
      SELECT rowid AS rn, item_id, min(rowid) OVER (PARTITION BY item_id) AS first_rn FROM raw_items WHERE ecol IS NULL) WHERE rn <> first_rn`);
  await duck.run(`CREATE TEMP TABLE items_ok AS SELECT item_id, type, title, description, language, genre FROM raw_items
      WHERE ecol IS NULL AND rowid NOT IN (SELECT rn FROM items_dup)`);
  await duck.run(`CREATE TEMP TABLE rejects (tbl VARCHAR, rn BIGINT, col VARCHAR, reason VARCHAR, val VARCHAR)`);
  await duck.run(`INSERT INTO rejects SELECT 'items', rowid, ecol, reason, val FROM raw_items WHERE ecol IS NOT NULL`);
  await duck.run(`INSERT INTO rejects SELECT 'items', rn, 'item_id', 'duplicate item_id (first at record ' || (first_rn + 1) || ')', item_id FROM items_dup`);
  if (hasUsers) {
    await duck.run(`CREATE TEMP TABLE users_dup AS SELECT rn, user_id, first_rn FROM (
        SELECT rowid AS rn, user_id, min(rowid) OVER (PARTITION BY user_id) AS first_rn FROM raw_users WHERE ecol IS NULL) WHERE rn <> first_rn`);
    await duck.run(`CREATE TEMP TABLE users_given AS SELECT user_id, age, country FROM raw_users WHERE ecol IS NULL AND rowid NOT IN (SELECT rn FROM users_dup)`);
    await duck.run(`INSERT INTO rejects SELECT 'users', rowid, ecol, reason, val FROM raw_users WHERE ecol IS NOT NULL`);
    await duck.run(`INSERT INTO rejects SELECT 'users', rn, 'user_id', 'duplicate user_id (first at record ' || (first_rn + 1) || ')', user_id FROM users_dup`);
  } else {
    await duck.run(`CREATE TEMP TABLE users_given (user_id VARCHAR, age INTEGER, country VARCHAR)`);
  }
}

/**
 * Reference checks on the staged interactions (rowid = record index, file order): an item_id
 * missing from items_ok becomes the row's problem (the last check, so only rows that passed the
 * row checks), marked in place, so the ok rows are a plain filter that keeps file order. Then the
 * interaction rejects, the ok view, and users_ok = given users + implicit users.
 */
async function finishChecks(duck: Duck): Promise<void> {
  // anti-join on the staged item_id column (items is the small build side); usually matches nothing
  await duck.run(`UPDATE raw_interactions SET ecol = 'item_id', reason = 'unknown item_id (not in items, or its items row was rejected)', val = item_id
    WHERE rowid IN (SELECT r.rowid FROM raw_interactions r WHERE r.ecol IS NULL AND NOT EXISTS (SELECT 1 FROM items_ok i WHERE i.item_id = r.item_id))`);
  await duck.run(`INSERT INTO rejects SELECT 'interactions', rowid, ecol, reason, val FROM raw_interactions WHERE ecol IS NOT NULL`);
  await duck.run(`CREATE TEMP VIEW inter_ok AS SELECT user_id, item_id, kind, ts, weight FROM raw_interactions WHERE ecol IS NULL`);
  // implicit users: only rows whose user is not in users_given reach the DISTINCT
  await duck.run(`CREATE TEMP TABLE users_ok AS SELECT user_id, age, country FROM users_given
    UNION ALL SELECT DISTINCT user_id, NULL::INTEGER, NULL::VARCHAR FROM inter_ok x WHERE NOT EXISTS (SELECT 1 FROM users_given g WHERE g.user_id = x.user_id)`);
}

async function buildManifest(duck: Duck, opts: IngestOptions, staged: Partial<Record<TableName, Staged>>, rej: Record<string, unknown>[], out: Record<'items' | 'users' | 'interactions', string>): Promise<Manifest> {
  const one = async (sql: string) => (await duck.rows(sql))[0];
  const counts = await one(`SELECT (SELECT count(*) FROM items_ok)::BIGINT AS items, (SELECT count(*) FROM users_ok)::BIGINT AS users,
    (SELECT count(*) FROM users_given)::BIGINT AS given`);
  // interaction statistics in one scan of the staged ok rows, per (kind, item type): counts, time range, hash
  const groups = await duck.rows(`SELECT x.kind, i.type, count(*)::BIGINT AS n, epoch_ms(min(x.ts))::BIGINT AS tmin, epoch_ms(max(x.ts))::BIGINT AS tmax,
      sum(hash(x.user_id, x.item_id, x.kind, x.ts, x.weight))::VARCHAR AS h
    FROM inter_ok x JOIN items_ok i USING (item_id) GROUP BY x.kind, i.type`);
  const perKind: Record<string, number> = {};
  const perType: Record<string, number> = {};
  let nInter = 0, hx: bigint | null = null;
  let tmin: number | null = null, tmax: number | null = null;
  for (const g of groups) {
    const n = Number(g.n);
    nInter += n;
    perKind[String(g.kind)] = (perKind[String(g.kind)] ?? 0) + n;
    perType[String(g.type)] = (perType[String(g.type)] ?? 0) + n;
    if (g.tmin !== null) tmin = tmin === null ? Number(g.tmin) : Math.min(tmin, Number(g.tmin));
    if (g.tmax !== null) tmax = tmax === null ? Number(g.tmax) : Math.max(tmax, Number(g.tmax));
    hx = (hx ?? 0n) + BigInt(String(g.h));
  }
  const sorted = (o: Record<string, number>) => Object.fromEntries(Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => [k, o[k]]));
  const kv = async (sql: string) => Object.fromEntries((await duck.rows(sql)).map((r) => [String(r.k), Number(r.n)]));
  const byReason: Record<string, number> = {};
  const perTable = { items: 0, users: 0, interactions: 0 };
  for (const r of rej) {
    const key = String(r.reason).replace(/'[^']*'/g, "'…'").replace(/record \d+/, 'record …');
    byReason[key] = (byReason[key] ?? 0) + 1;
    perTable[r.tbl as TableName]++;
  }
  // order-independent content hash: per table, the sum of DuckDB's row hashes (+ row count), hashed together
  const h = await one(`SELECT
      (SELECT sum(hash(item_id, type, title, description, language, genre))::VARCHAR FROM read_parquet(${lit(out.items)})) AS hi,
      (SELECT sum(hash(user_id, age, country))::VARCHAR FROM read_parquet(${lit(out.users)})) AS hu`);
  // same digest as summing over the whole table (NULL sum -> 'null')
  const hash = createHash('sha256').update(`${h.hi}|${h.hu}|${hx === null ? 'null' : hx.toString()}|${counts.items}|${counts.users}|${nInter}`);
  const inputs: Manifest['inputs'] = {};
  for (const t of TABLE_ORDER) {
    const st = staged[t];
    inputs[t] = st ? { path: st.src.path, format: st.src.format, gz: st.src.gz, bytes: st.src.bytes, columns: st.cm } : null;
  }
  const nUsers = Number(counts.users);
  return {
    format: 'hgrec-tables', version: 1, createdAt: new Date().toISOString(),
    rows: { items: Number(counts.items), users: nUsers, interactions: nInter, implicitUsers: nUsers - Number(counts.given) },
    rejected: { total: rej.length, ...perTable, byReason },
    timeRange: { min: tmin === null ? null : new Date(tmin).toISOString(), max: tmax === null ? null : new Date(tmax).toISOString(), minMs: tmin, maxMs: tmax },
    itemsPerType: await kv(`SELECT type AS k, count(*)::BIGINT AS n FROM items_ok GROUP BY 1 ORDER BY 1`),
    interactionsPerType: sorted(perType),
    interactionsPerKind: sorted(perKind),
    roles: opts.roles ?? DEFAULT_ROLES,
    inputs,
    contentHash: `sha256:${hash.digest('hex')}`,
    ...(opts.source ? { source: opts.source } : {}),
  };
}
