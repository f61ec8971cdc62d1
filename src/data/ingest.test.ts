import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from './ingest.ts';
import { loadWorkspace } from './loader.ts';
import { DataError } from './errors.ts';
import { openDuck } from './duck.ts';

const ITEMS = 'item_id,type,title,description,language,genre\ni1,audiobook,Book One,about things,en,FIC001\ni2,podcast,Pod Two,,en,\ni3,podcast,"Pod, Three","says ""hi""",,\n';
const USERS = 'user_id,age,country\nu1,30,SE\nu2,,\nu3,41,US\n';

function dir(): string { return mkdtempSync(join(tmpdir(), 'hgrec-ingest-')); }
function write(d: string, name: string, text: string | Buffer): string { const p = join(d, name); writeFileSync(p, text); return p; }
/** rejects.csv rows (minimal CSV parser: quoted fields, no quoted line breaks) */
function rejects(ws: string): string[][] {
  const lines = readFileSync(join(ws, 'rejects.csv'), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'file,line,column,reason,value');
  return lines.slice(1).map((l) => {
    const out: string[] = [];
    let cur = '', q = false;
    for (let i = 0; i < l.length; i++) {
      const c = l[i];
      if (q) { if (c === '"' && l[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c; }
      else if (c === '"') q = true;
      else if (c === ',') { out.push(cur); cur = ''; }
      else cur += c;
    }
    out.push(cur);
    return out;
  });
}

test('ingest: clean CSV -> canonical tables, manifest, loader with dense ids', async () => {
  const d = dir();
  const inter = write(d, 'inter.csv', 'user_id,item_id,kind,ts,weight\nu1,i1,stream,2024-01-02 10:00:00,1200\nu2,i2,preview,2024-01-01T00:00:00Z,\nu4,i3,FOLLOW,1704153600,\n');
  const ws = join(d, 'ws');
  const r = await ingest({ workspace: ws, items: write(d, 'items.csv', ITEMS), users: write(d, 'users.csv', USERS), interactions: inter });
  assert.equal(r.rejected, 0);
  assert.deepEqual(r.manifest.rows, { items: 3, users: 4, interactions: 3, implicitUsers: 1 });
  assert.deepEqual(r.manifest.itemsPerType, { audiobook: 1, podcast: 2 });
  assert.deepEqual(r.manifest.interactionsPerKind, { follow: 1, preview: 1, stream: 1 });
  assert.equal(r.manifest.timeRange.min, '2024-01-01T00:00:00.000Z');
  assert.match(r.manifest.contentHash, /^sha256:[0-9a-f]{64}$/);
  const again = await ingest({ workspace: join(d, 'ws2'), items: join(d, 'items.csv'), users: join(d, 'users.csv'), interactions: inter });
  assert.equal(again.manifest.contentHash, r.manifest.contentHash, 'same input, same content hash');
  assert.ok(readlinkSync(join(ws, 'tables')).startsWith('.versions/tables-'));
  const w = await loadWorkspace(ws);
  assert.deepEqual(w.items.ids, ['i1', 'i2', 'i3']);
  assert.equal(w.items.title[2], 'Pod, Three');
  assert.equal(w.items.description[2], 'says "hi"');
  assert.equal(w.items.language[2], null);
  assert.deepEqual(w.users.ids, ['u1', 'u2', 'u3', 'u4']);
  assert.deepEqual(Array.from(w.users.age), [30, -1, 41, -1]);
  assert.equal(w.interactions.n, 3);
  // sorted by ts: preview (Jan 1 00:00), follow (epoch 1704153600 = Jan 2 00:00), stream (Jan 2 10:00)
  assert.deepEqual(Array.from(w.interactions.kind), [1, 2, 0]);
  assert.deepEqual(Array.from(w.interactions.ts), [Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 2, 10)]);
  assert.deepEqual(Array.from(w.interactions.user), [1, 3, 0]);
  assert.deepEqual(Array.from(w.interactions.item), [1, 2, 0]);
  assert.ok(Number.isNaN(w.interactions.weight![0]));
  assert.equal(w.interactions.weight![2], 1200);
});

test('ingest: every validation error is rejected, counted and located (file, line, column)', async () => {
  const d = dir();
  const items = write(d, 'items.csv', ITEMS + 'i1,music,dup,,,\n,podcast,no id,,,\ni9,,no type,,,\n');
  const users = write(d, 'users.csv', USERS + 'u1,22,SE\nu5,abc,\nu6,31.5,\nu7,200,\n');
  const inter = write(d, 'inter.csv', [
    'user_id,item_id,kind,ts,weight',
    'u1,i1,stream,2024-01-02 10:00:00,5', // line 2 ok
    'u1,i1,bogus,2024-01-02 10:00:00,5', // 3 unknown kind
    '', // 4 blank line (skipped; line numbers stay exact)
    'u1,i1,stream,not-a-time,5', // 5 unparsable time
    'u1,i404,stream,2024-01-02,5', // 6 unknown item
    ',i1,stream,2024-01-02,5', // 7 empty user
    'u2,i2,stream,2024-01-02,lots', // 8 weight not a number
    '"u3',
    'x",i2,stream,2024-01-02,', // 9-10 quoted line break: ok
    'u3,i9,stream,2024-01-02,', // 11 item whose row was rejected
    'u3,i2,,2024-01-02,', // 12 empty kind
    'u3,i2,stream,1800-01-01,', // 13 out of range
  ].join('\n') + '\n');
  const ws = join(d, 'ws');
  const r = await ingest({ workspace: ws, items, users, interactions: inter });
  assert.equal(r.manifest.rows.interactions, 2);
  assert.equal(r.manifest.rejected.items, 3);
  assert.equal(r.manifest.rejected.users, 4);
  assert.equal(r.manifest.rejected.interactions, 8);
  assert.equal(r.rejected, 15);
  const rows = rejects(ws);
  const find = (file: string, line: number) => rows.find((x) => x[0] === file && Number(x[1]) === line);
  assert.deepEqual(find(items, 5)?.slice(2, 4), ['item_id', 'duplicate item_id (first at record 1)']);
  assert.deepEqual(find(items, 6)?.slice(2, 4), ['item_id', 'empty required field item_id']);
  assert.deepEqual(find(items, 7)?.slice(2, 4), ['type', 'empty required field type']);
  assert.deepEqual(find(users, 5)?.slice(2, 4), ['user_id', 'duplicate user_id (first at record 1)']);
  assert.deepEqual(find(users, 6)?.slice(2, 5), ['age', 'age is not a number', 'abc']);
  assert.deepEqual(find(users, 7)?.slice(2, 4), ['age', 'age is not an integer']);
  assert.deepEqual(find(users, 8)?.slice(2, 5), ['age', 'age out of range [0, 130]', '200']);
  assert.equal(find(inter, 3)?.[2], 'kind');
  assert.match(find(inter, 3)![3], /unknown kind 'bogus' \(expected stream \| preview/);
  assert.deepEqual(find(inter, 5)?.slice(2, 5), ['ts', "unparsable time 'not-a-time'", 'not-a-time']);
  assert.equal(find(inter, 6)?.[2], 'item_id');
  assert.match(find(inter, 6)![3], /unknown item_id/);
  assert.deepEqual(find(inter, 7)?.slice(2, 4), ['user_id', 'empty required field user_id']);
  assert.deepEqual(find(inter, 8)?.slice(2, 4), ['weight', 'weight is not a finite number']);
  assert.equal(find(inter, 11)?.[2], 'item_id');
  assert.deepEqual(find(inter, 12)?.slice(2, 4), ['kind', 'empty required field kind']);
  assert.match(find(inter, 13)![3], /time out of range/);
  assert.equal(find(inter, 9), undefined);
  const w = await loadWorkspace(ws);
  assert.ok(w.users.ids.includes('u3\nx'));
});

test('ingest: strict mode fails on the first bad row with the rejects-file message, workspace untouched', async () => {
  const d = dir();
  const items = write(d, 'items.csv', ITEMS);
  const ws = join(d, 'ws');
  await ingest({ workspace: ws, items, interactions: write(d, 'ok.csv', 'user_id,item_id,kind,ts\nu1,i1,stream,2024-01-02\n') });
  const before = readFileSync(join(ws, 'manifest.json'), 'utf8');
  const bad = write(d, 'bad.csv', 'user_id,item_id,kind,ts\nu1,i1,stream,2024-01-02\nu1,i1,stream,yesterday\nu1,i1,nope,2024-01-02\n');
  await assert.rejects(ingest({ workspace: ws, items, interactions: bad, strict: true }), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.message, `${bad}:3: column 'ts': unparsable time 'yesterday'`);
    assert.deepEqual(e.location, { file: bad, line: 3, column: 'ts' });
    return true;
  });
  assert.equal(readFileSync(join(ws, 'manifest.json'), 'utf8'), before);
  // non-strict: same message content in the rejects file
  await ingest({ workspace: ws, items, interactions: bad });
  assert.deepEqual(rejects(ws)[0], [bad, '3', 'ts', "unparsable time 'yesterday'", 'yesterday']);
});

test('ingest: truncated or unreadable files are errors, never shorter tables', async () => {
  const d = dir();
  const items = write(d, 'items.csv', ITEMS);
  const ws = join(d, 'ws');
  const full = 'user_id,item_id,kind,ts\nu1,i1,stream,2024-01-02\nu2,i2,stream,2024-01-03\n';
  await assert.rejects(ingest({ workspace: ws, items, interactions: write(d, 'cut.csv', full + 'u3,i2,str') }),
    /ingest: interactions: .*cut\.csv is unreadable or truncated: .*Line: 4/);
  const gz = gzipSync(Buffer.from(full.repeat(200)));
  await assert.rejects(ingest({ workspace: ws, items, interactions: write(d, 'cut.csv.gz', gz.subarray(0, gz.length - 20)) }),
    /not a readable gzip file \(truncated or corrupt\)/);
  await assert.rejects(ingest({ workspace: ws, items, interactions: write(d, 'cut.jsonl', '{"user_id":"u1","item_id":"i1","kind":"stream","ts":"2024-01-02"}\n{"user_id":"u2",') }),
    /unreadable or truncated|cannot read/);
  await assert.rejects(ingest({ workspace: ws, items, interactions: write(d, 'cut.parquet', 'PAR1 not really') }), /cannot read .*cut\.parquet as parquet/);
  await assert.rejects(ingest({ workspace: ws, items, interactions: join(d, 'missing.csv') }), /ingest: interactions: file .*missing\.csv does not exist/);
  assert.equal(existsSync(join(ws, 'tables')), false);
  // a complete gzip file is fine
  const r = await ingest({ workspace: ws, items, interactions: write(d, 'ok.csv.gz', gzipSync(Buffer.from(full))) });
  assert.equal(r.manifest.rows.interactions, 2);
});

test('ingest: column mapping, kindMap, TSV / JSONL / Parquet inputs and zone-aware times', async () => {
  const d = dir();
  const items = write(d, 'items.tsv', 'id\tkind_of\nA\taudiobook\nB\tpodcast\n');
  const jsonl = write(d, 'plays.jsonl', [
    '{"uid":"x","song":"A","what":"play","when":"2024-01-02T03:00:00+02:00","ms":12}',
    '{"uid":"y","song":"B","what":"save","when":1704164400000}',
    '',
    '{"uid":"z","song":"B","what":"zap","when":"2024-01-02"}',
  ].join('\n') + '\n');
  const ws = join(d, 'ws');
  const r = await ingest({
    workspace: ws,
    items: { path: items, columns: { item_id: 'id' } },
    interactions: jsonl,
    mapping: { items: { type: 'kind_of' }, interactions: { user_id: 'uid', item_id: 'song', kind: 'what', ts: 'when', weight: 'ms' } },
    kindMap: { play: 'stream', save: 'follow' },
  });
  assert.equal(r.manifest.rows.interactions, 2);
  assert.deepEqual(rejects(ws).map((x) => [x[1], x[2]]), [['4', 'kind']]); // JSONL: no header, blank line 3 counted
  const w = await loadWorkspace(ws);
  assert.deepEqual(Array.from(w.interactions.ts), [Date.UTC(2024, 0, 2, 1), Date.UTC(2024, 0, 2, 3)]);
  assert.deepEqual(Array.from(w.interactions.kind), [0, 2]);
  // Parquet input with native types
  const duck = await openDuck();
  const pq = join(d, 'plays.parquet');
  await duck.run(`COPY (SELECT 'x' AS user_id, 'A' AS item_id, 'stream' AS kind, TIMESTAMP '2024-02-01 00:00:00' AS ts, 3.5::DOUBLE AS weight) TO '${pq}' (FORMAT parquet)`);
  duck.close();
  const r2 = await ingest({ workspace: ws, items: { path: items, columns: { item_id: 'id', type: 'kind_of' } }, interactions: pq });
  assert.equal(r2.manifest.timeRange.min, '2024-02-01T00:00:00.000Z');
  await assert.rejects(ingest({ workspace: ws, items, interactions: pq }), /has no column 'item_id' \(required; map it with mapping\.items\.item_id\)/);
  await assert.rejects(ingest({ workspace: ws, items: { path: items, columns: { item_id: 'nope' } }, interactions: pq }), /has no column 'nope' \(mapped to 'item_id'\)/);
});

test('ingest: padded / empty weights and times keep their semantics; ok rows keep file order across threads', async () => {
  const d = dir();
  const items = write(d, 'items.csv', 'item_id,type\ni1,music\ni2,podcast\n');
  const edge = write(d, 'edge.csv', [
    'user_id,item_id,kind,ts,weight',
    'u1,i1,stream,2024-01-02 00:00:00, 5 ', // 2 padded number: ok, 5
    'u1,i1,stream,2024-01-02,   ', // 3 blank weight: ok, NULL
    'u1,i1,stream,2024-01-02, x ', // 4 rejected, value trimmed
    'u2,i2,stream, 2024-01-02 ,1', // 5 padded time is not a time (value trimmed)
    'u2,i2,stream,   ,1', // 6 blank time
    'u2,i2,Stream ,2024-01-02T00:00:00+02:00,1', // 7 kind normalised, zone honoured
    'u3,i9,stream,2024-01-02,1', // 8 unknown item
    'u4,i1,follow,2024-01-03,1e400', // 9 overflow
  ].join('\n') + '\n');
  const ws = join(d, 'ws');
  const r = await ingest({ workspace: ws, items, interactions: edge });
  assert.deepEqual(rejects(ws).map((x) => x.slice(1)), [
    ['4', 'weight', 'weight is not a finite number', 'x'],
    ['5', 'ts', "unparsable time '2024-01-02'", '2024-01-02'],
    ['6', 'ts', 'empty required field ts', ''],
    ['8', 'item_id', 'unknown item_id (not in items, or its items row was rejected)', 'i9'],
    ['9', 'weight', 'weight is not a finite number', '1e400'],
  ]);
  assert.equal(r.manifest.rows.interactions, 3);
  const duck = await openDuck();
  const got = await duck.rows(`SELECT kind, epoch_ms(ts)::DOUBLE AS ms, weight FROM read_parquet('${r.paths.interactions}')`);
  assert.deepEqual(got, [{ kind: 'stream', ms: Date.UTC(2024, 0, 2), weight: 5 }, { kind: 'stream', ms: Date.UTC(2024, 0, 2), weight: null },
    { kind: 'stream', ms: Date.UTC(2024, 0, 1, 22), weight: 1 }]);
  // 300k rows (many vectors, both threads), every 1000th with an unknown item: interactions.parquet is in file order
  const lines = ['user_id,item_id,kind,ts,weight'];
  for (let i = 0; i < 300_000; i++) lines.push(`u${i % 97},${i % 1000 === 999 ? 'nope' : 'i1'},stream,2024-01-02,${i}`);
  const big = write(d, 'big.csv', lines.join('\n') + '\n');
  const r2 = await ingest({ workspace: join(d, 'ws2'), items, interactions: big, duck: { threads: 2 } });
  assert.equal(r2.rejected, 300);
  assert.equal(rejects(join(d, 'ws2'))[299][1], String(300_000 + 1));
  const w = await duck.rows(`SELECT count(*)::DOUBLE AS n, count(*) FILTER (weight <> prev + 1 AND weight <> prev + 2)::DOUBLE AS out_of_order
    FROM (SELECT weight, lag(weight) OVER () AS prev FROM read_parquet('${r2.paths.interactions}')) WHERE prev IS NOT NULL`);
  duck.close();
  assert.deepEqual(w, [{ n: 299_699, out_of_order: 0 }]);
});
