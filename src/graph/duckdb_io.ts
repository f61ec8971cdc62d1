// DuckDB glue shared by the graph build and the loader (the engine-specific part; the graph
// SQL itself is in build_sql.ts).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './build_sql.ts';

export interface DuckDBSettings {
  /** DuckDB memory_limit (spills to a temp folder beyond it). Default '8GB'. */
  memoryLimit?: string;
  /** DuckDB threads. Default: DuckDB's own (all cores). */
  threads?: number;
}

/** Runs fn with a fresh in-memory DuckDB connection, then closes it and removes its spill folder. */
export async function withDuckDB<T>(settings: DuckDBSettings, fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const spill = await mkdtemp(join(tmpdir(), 'hgrec-graph-'));
  const options: Record<string, string> = { memory_limit: settings.memoryLimit ?? '8GB', temp_directory: spill };
  if (settings.threads !== undefined) options.threads = String(settings.threads);
  const instance = await DuckDBInstance.create(':memory:', options);
  const con = await instance.connect();
  try {
    return await fn(con);
  } finally {
    con.closeSync();
    instance.closeSync();
    await rm(spill, { recursive: true, force: true });
  }
}

/** `read_parquet('path')` after checking the file exists (errors name the function and file). */
export function parquetSource(fn: string, arg: string, path: string): string {
  if (!existsSync(path)) throw new Error(`${fn}: ${arg} '${path}' does not exist (expected a Parquet file)`);
  return `read_parquet(${sqlString(path)})`;
}

/** Checks that a Parquet file has the named columns; throws naming the file and the missing ones. */
export async function requireColumns(con: DuckDBConnection, fn: string, path: string, cols: readonly string[]): Promise<void> {
  const r = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(path)})`);
  const have = new Set(r.getColumnsJS()[0]!.map(String));
  const missing = cols.filter((c) => !have.has(c));
  if (missing.length) {
    throw new Error(`${fn}: ${path} lacks column(s) ${missing.join(', ')}; expected ${cols.join(', ')}, got ${[...have].join(', ')}`);
  }
}

/**
 * Streams an all-INTEGER query into Int32Arrays (one per column), without per-row objects.
 * The query must return exactly `numCols` INTEGER columns.
 */
export async function readIntColumns(con: DuckDBConnection, sql: string, numCols: number): Promise<Int32Array[]> {
  const result = await con.stream(sql);
  let cap = 1 << 16;
  let cols = Array.from({ length: numCols }, () => new Int32Array(cap));
  let n = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const rows = chunk.rowCount;
    if (n + rows > cap) {
      while (n + rows > cap) cap *= 2;
      cols = cols.map((c) => { const x = new Int32Array(cap); x.set(c.subarray(0, n)); return x; });
    }
    for (let c = 0; c < numCols; c++) {
      const v = chunk.getColumnVector(c);
      const out = cols[c]!;
      // fast path: the vector's own Int32Array (node-api keeps it as `items`); NULLs checked below
      const raw = (v as unknown as { items?: unknown }).items;
      if (raw instanceof Int32Array && raw.length === rows && !hasNull(v, rows)) {
        out.set(raw, n);
        continue;
      }
      for (let i = 0; i < rows; i++) {
        const x = v.getItem(i);
        if (typeof x !== 'number') throw new Error(`readIntColumns: column ${c} row ${n + i} is ${x === null ? 'NULL' : typeof x}, expected INTEGER`);
        out[n + i] = x;
      }
    }
    n += rows;
  }
  return cols.map((c) => c.slice(0, n));
}

// True when any of the first `rows` items is NULL. Uses the validity bitmask node-api keeps
// (`data`: null = all valid, else one bit per row in BigUint64 words); unknown layout → true.
function hasNull(v: { getItem(i: number): unknown }, rows: number): boolean {
  const validity = (v as unknown as { validity?: { data?: BigUint64Array | null; offset?: number; itemValid?(i: number): boolean } }).validity;
  if (!validity || typeof validity.itemValid !== 'function') return true;
  if (validity.data === null) return false;
  if (validity.data instanceof BigUint64Array && validity.offset === 0) {
    const full = Math.floor(rows / 64);
    for (let w = 0; w < full; w++) if (validity.data[w] !== 0xffffffffffffffffn) return true;
    for (let i = full * 64; i < rows; i++) if (!validity.itemValid(i)) return true;
    return false;
  }
  for (let i = 0; i < rows; i++) if (!validity.itemValid(i)) return true;
  return false;
}
