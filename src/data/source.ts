/**
 * Input files for ingest: format detection, gzip integrity, header/columns, the DuckDB reader
 * expression, and exact line numbers of rejected records.
 */
import { createReadStream, existsSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import { lit } from './duck.ts';
import type { Duck } from './duck.ts';
import { DataError } from './errors.ts';

export type SourceFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet';

/** One input table: a file plus how to read it. */
export interface TableSource {
  path: string;
  /** default: from the extension (.csv, .tsv/.tab, .jsonl/.ndjson/.json, .parquet; optional .gz) */
  format?: SourceFormat;
  /** canonical column -> column name in the file (unmapped canonical columns use their own name) */
  columns?: Record<string, string>;
  /** CSV/TSV field delimiter override */
  delimiter?: string;
}

/** A source resolved against the file: format, gzip flag, and the columns it really has. */
export interface ResolvedSource extends TableSource {
  format: SourceFormat;
  gz: boolean;
  /** column names present in the file, in order */
  fileColumns: string[];
  /** DuckDB types of the file's columns (VARCHAR for CSV/TSV) */
  fileTypes: Record<string, string>;
  bytes: number;
}

/** Detects the format of `path` from its extension. */
export function detectFormat(path: string, fn = 'ingest'): { format: SourceFormat; gz: boolean } {
  const lower = path.toLowerCase();
  const gz = lower.endsWith('.gz');
  const base = gz ? lower.slice(0, -3) : lower;
  const ext = base.slice(base.lastIndexOf('.') + 1);
  const map: Record<string, SourceFormat> = { csv: 'csv', tsv: 'tsv', tab: 'tsv', txt: 'tsv', jsonl: 'jsonl', ndjson: 'jsonl', json: 'jsonl', parquet: 'parquet' };
  const format = map[ext];
  if (!format) throw new DataError(`${fn}: cannot tell the format of ${path}: expected extension .csv, .tsv, .jsonl or .parquet (optionally .gz), got '.${ext}'`);
  if (format === 'parquet' && gz) throw new DataError(`${fn}: ${path}: gzip-compressed Parquet is not supported; Parquet compresses internally`);
  return { format, gz };
}

/** Streams a .gz file through zlib; throws when it is truncated or corrupt. */
export async function verifyGzip(path: string, label: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const gun = createGunzip();
    gun.on('data', () => {});
    gun.on('end', resolve);
    gun.on('error', (e) => reject(new DataError(`${label}: ${path} is not a readable gzip file (truncated or corrupt): ${e.message}`)));
    createReadStream(path).on('error', reject).pipe(gun);
  });
}

/** First line of a (possibly gzip) text file, without the line break. */
async function firstLine(path: string, gz: boolean): Promise<string> {
  if (!gz) {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      let text = '';
      let pos = 0;
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        text += buf.subarray(0, n).toString('utf8');
        pos += n;
        const nl = text.indexOf('\n');
        if (nl >= 0) return text.slice(0, nl).replace(/\r$/, '');
      }
      return text.replace(/\r$/, '');
    } finally { closeSync(fd); }
  }
  return await new Promise<string>((resolve, reject) => {
    let text = '';
    const s = createReadStream(path).pipe(createGunzip());
    s.on('data', (c: Buffer) => {
      text += c.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) { s.destroy(); resolve(text.slice(0, nl).replace(/\r$/, '')); }
    });
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

function splitHeader(line: string, delim: string): string[] {
  return line.split(delim).map((h) => h.trim().replace(/^"(.*)"$/, '$1').replaceAll('""', '"'));
}

/**
 * Checks that the file exists and is readable, and finds its columns.
 * @param label e.g. "ingest: interactions" (prefix of every error)
 */
export async function resolveSource(src: TableSource, duck: Duck, label: string): Promise<ResolvedSource> {
  if (!existsSync(src.path)) throw new DataError(`${label}: file ${src.path} does not exist`);
  const st = statSync(src.path);
  if (!st.isFile()) throw new DataError(`${label}: ${src.path} is not a file`);
  const det = detectFormat(src.path, label);
  const format = src.format ?? det.format;
  const gz = det.gz;
  if (gz) await verifyGzip(src.path, label);
  let fileColumns: string[] = [];
  const fileTypes: Record<string, string> = {};
  if (format === 'csv' || format === 'tsv') {
    const delim = src.delimiter ?? (format === 'tsv' ? '\t' : ',');
    const head = await firstLine(src.path, gz);
    if (head.trim() === '') throw new DataError(`${label}: ${src.path} line 1: expected a header row with column names, got an empty line`);
    fileColumns = splitHeader(head, delim);
    for (const c of fileColumns) fileTypes[c] = 'VARCHAR';
  } else {
    let desc: Record<string, unknown>[];
    try {
      desc = await duck.rows(`DESCRIBE SELECT * FROM ${readerSql({ ...src, format, gz, fileColumns: [], fileTypes: {}, bytes: st.size }, null)}`);
    } catch (e) {
      throw new DataError(`${label}: cannot read ${src.path} as ${format}: ${firstErrorLine(e)}`);
    }
    for (const r of desc) { fileColumns.push(String(r.column_name)); fileTypes[String(r.column_name)] = String(r.column_type); }
  }
  return { ...src, format, gz, fileColumns, fileTypes, bytes: st.size };
}

/**
 * DuckDB table expression reading the file. CSV/TSV are read strictly (no sniffing; every
 * column VARCHAR; wrong field counts and broken quotes are errors). `cols` null = all columns.
 */
export function readerSql(src: ResolvedSource, cols: string[] | null): string {
  const p = lit(src.path);
  if (src.format === 'parquet') return `read_parquet(${p})`;
  if (src.format === 'jsonl') {
    if (!cols) return `read_json(${p}, format='newline_delimited')`;
    const spec = cols.map((c) => `${lit(c)}: ${lit(src.fileTypes[c] && /^(VARCHAR|BIGINT|INTEGER|DOUBLE|BOOLEAN|TIMESTAMP.*|DATE)$/.test(src.fileTypes[c]) ? src.fileTypes[c] : 'VARCHAR')}`).join(', ');
    return `read_json(${p}, format='newline_delimited', columns={${spec}})`;
  }
  const delim = src.delimiter ?? (src.format === 'tsv' ? '\t' : ',');
  const spec = src.fileColumns.map((c) => `${lit(c)}: 'VARCHAR'`).join(', ');
  return `read_csv(${p}, auto_detect=false, header=true, delim=${lit(delim)}, quote='"', escape='"', strict_mode=true, null_padding=false, columns={${spec}}${src.gz ? ", compression='gzip'" : ''})`;
}

/** The informative first lines of a DuckDB error (drops its long "possible fixes" block). */
export function firstErrorLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  const keep: string[] = [];
  for (const l of lines) {
    if (/^Possible fixes/.test(l) || /^LINE \d+:/.test(l)) break;
    keep.push(l);
  }
  return keep.join(' | ');
}

/**
 * Maps record indices (0-based, in file order, as DuckDB numbers the data rows) to 1-based
 * line numbers of the file. Text formats: blank lines are skipped like DuckDB does, quoted line
 * breaks (CSV) stay inside their record, the header is line 1. Parquet: row number.
 */
export async function recordLines(src: ResolvedSource, records: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (records.length === 0) return out;
  const wanted = [...new Set(records)].sort((a, b) => a - b);
  if (src.format === 'parquet') { for (const r of wanted) out.set(r, r + 1); return out; }
  const csv = src.format !== 'jsonl';
  let line = 1;            // current physical line
  let rec = csv ? -1 : 0;  // record index of the current line's record (-1 = header)
  let atStart = true;      // at the first byte of a record
  let blank = true;        // current record has only seen whitespace
  let inQuote = false;
  let wi = 0;
  const stream = src.gz ? createReadStream(src.path).pipe(createGunzip()) : createReadStream(src.path);
  let recStartLine = 1;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (atStart) { recStartLine = line; atStart = false; blank = true; }
      if (b === 0x22 && csv) inQuote = !inQuote;
      if (b === 0x0a) {
        line++;
        if (inQuote) continue;
        if (!blank) {
          if (rec >= 0 && rec === wanted[wi]) { out.set(rec, recStartLine); wi++; if (wi === wanted.length) return out; }
          rec++;
        }
        atStart = true;
        continue;
      }
      // CSV: only empty lines are skipped (a line of spaces is a record); JSONL: whitespace lines too
      if (b !== 0x0d && (csv || (b !== 0x20 && b !== 0x09))) blank = false;
    }
  }
  if (!atStart && !blank && rec >= 0 && rec === wanted[wi]) { out.set(rec, recStartLine); wi++; }
  return out;
}

export function shortName(path: string): string { return basename(path); }
