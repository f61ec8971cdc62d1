/**
 * DuckDB helpers for the data stage: one in-memory instance per operation, SQL quoting, and a
 * fast chunk reader that copies numeric columns straight into typed arrays (no per-row objects).
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBVector } from '@duckdb/node-api';

export interface DuckOptions {
  /** DuckDB worker threads (default: 2, the machine's cores) */
  threads?: number;
  /** e.g. '4GB'; DuckDB spills to tempDir beyond it (bounded memory) */
  memoryLimit?: string;
  /** spill folder (default: DuckDB's own .tmp next to the process) */
  tempDir?: string;
}

/** A connection plus the instance that owns it; `close()` releases both. */
export interface Duck {
  conn: DuckDBConnection;
  run(sql: string): Promise<void>;
  /** all rows as JSON-friendly objects (small results only) */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** Opens an in-memory DuckDB (HGREC_TRACE_SQL=1 logs each statement's time to stderr) (UTC: the ICU extension is not loaded) with the given limits. */
export async function openDuck(opts: DuckOptions = {}): Promise<Duck> {
  // no TimeZone setting: it needs the ICU extension (not autoloadable offline); without ICU DuckDB works in UTC
  const config: Record<string, string> = { threads: String(opts.threads ?? 2) };
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  if (opts.tempDir) config.temp_directory = opts.tempDir;
  const instance = await DuckDBInstance.create(':memory:', config);
  const conn = await instance.connect();
  const trace = !!process.env.HGREC_TRACE_SQL;
  return {
    conn,
    async run(sql) {
      if (!trace) { await conn.run(sql); return; }
      const t = performance.now(), c = process.cpuUsage();
      await conn.run(sql);
      traceLine(t, c, sql);
    },
    async rows(sql) {
      const t = performance.now(), c = process.cpuUsage();
      const r = await conn.runAndReadAll(sql);
      if (trace) traceLine(t, c, sql);
      return r.getRowObjectsJson() as Record<string, unknown>[];
    },
    close() { conn.closeSync(); instance.closeSync(); },
  };
}

/** HGREC_TRACE_SQL line: wall and process CPU seconds (all DuckDB threads) of one statement. */
function traceLine(t0: number, c0: NodeJS.CpuUsage, sql: string): void {
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  process.stderr.write(`[duck ${((performance.now() - t0) / 1000).toFixed(3)} s, cpu ${cpu.toFixed(3)} s] ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`);
}

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
/** SQL identifier. */
export function ident(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

export type ColKind = 'i32' | 'i16' | 'u8' | 'f64' | 'f32' | 'str' | 'strOrNull';
type ColOut = Int32Array | Int16Array | Uint8Array | Float64Array | Float32Array | (string | null)[];
export interface ColSpec { kind: ColKind; /** value used for NULL in numeric columns */ nullValue?: number }

function alloc(kind: ColKind, n: number): ColOut {
  switch (kind) {
    case 'i32': return new Int32Array(n);
    case 'i16': return new Int16Array(n);
    case 'u8': return new Uint8Array(n);
    case 'f64': return new Float64Array(n);
    case 'f32': return new Float32Array(n);
    default: return [];
  }
}

/** The typed `items` array the node-api vectors keep (private in the .d.ts, stable at runtime). */
function rawItems(v: DuckDBVector): ArrayLike<number> | null {
  const items = (v as unknown as { items?: unknown }).items;
  return ArrayBuffer.isView(items) && !(items instanceof DataView) ? (items as unknown as ArrayLike<number>) : null;
}

/**
 * Runs `sql` (streamed, chunk by chunk) and returns its columns as typed arrays.
 * `specs[c]` gives the output type of result column c; numeric NULLs become `nullValue` (default NaN / -1).
 * Numeric SQL types must match (INTEGER→i32, SMALLINT→i16, UTINYINT→u8, DOUBLE→f64, FLOAT→f32);
 * the caller casts in SQL.
 */
export async function readColumns(conn: DuckDBConnection, sql: string, specs: ColSpec[], expectedRows = 0): Promise<{ n: number; cols: ColOut[] }> {
  let cap = Math.max(expectedRows, 1024);
  let cols = specs.map((s) => alloc(s.kind, cap));
  let n = 0;
  const result = await conn.stream(sql);
  if (result.columnCount !== specs.length) {
    throw new Error(`readColumns: expected ${specs.length} result columns, query returned ${result.columnCount}`);
  }
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const m = chunk.rowCount;
    if (n + m > cap) {
      while (n + m > cap) cap *= 2;
      cols = cols.map((c, j) => {
        if (Array.isArray(c)) return c;
        const g = alloc(specs[j].kind, cap) as Exclude<ColOut, (string | null)[]>;
        (g as Float64Array).set(c as Float64Array);
        return g;
      });
    }
    for (let j = 0; j < specs.length; j++) {
      const v = chunk.getColumnVector(j);
      const out = cols[j];
      const spec = specs[j];
      if (Array.isArray(out)) {
        for (let i = 0; i < m; i++) {
          const s = v.getItem(i) as string | null;
          out.push(spec.kind === 'str' ? (s ?? '') : s);
        }
        continue;
      }
      const nullValue = spec.nullValue ?? (spec.kind === 'f64' || spec.kind === 'f32' ? NaN : -1);
      const raw = rawItems(v);
      const o = out as Float64Array;
      if (raw && raw.length >= m) {
        o.set(raw as Float64Array, n);
        // NULL slots hold garbage in the raw buffer: patch them through getItem when any exist
        const validity = (v as unknown as { validity?: { itemValid?: (i: number) => boolean } }).validity;
        if (validity?.itemValid) {
          for (let i = 0; i < m; i++) if (!validity.itemValid(i)) o[n + i] = nullValue;
        } else {
          for (let i = 0; i < m; i++) if (v.getItem(i) === null) o[n + i] = nullValue;
        }
      } else {
        for (let i = 0; i < m; i++) {
          const x = v.getItem(i);
          o[n + i] = x === null ? nullValue : Number(x);
        }
      }
    }
    n += m;
  }
  const trimmed = cols.map((c) => (Array.isArray(c) ? c : ((c as Float64Array).length === n ? c : (c as Float64Array).slice(0, n))));
  return { n, cols: trimmed as ColOut[] };
}
