import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildCoListeningGraph } from './build.ts';
import { graphBuildConfig, graphBuildSql } from './build_sql.ts';
import type { HeteroGraph } from './hetero_graph.ts';
import { loadHeteroGraph } from './load.ts';
import { writeTinyParquet, type TinyInteraction } from '../testing/graphs.ts';

const items = [
  ...['a1', 'a2', 'a3', 'a4'].map((id) => ({ item_id: id, type: 'audiobook' })),
  ...['p1', 'p2', 'p3'].map((id) => ({ item_id: id, type: 'podcast' })),
  { item_id: 'm1', type: 'music' },
];
const s = (user_id: string, item_id: string, ts: string, kind = 'stream'): TinyInteraction => ({ user_id, item_id, kind, ts });
const interactions: TinyInteraction[] = [
  s('u1', 'a1', '2024-01-01 10:00:00'), s('u1', 'p1', '2024-01-02 10:00:00'),
  s('u2', 'a1', '2024-01-01 10:00:00'), s('u2', 'p1', '2024-01-03 10:00:00'), s('u2', 'p2', '2024-01-04 10:00:00'),
  s('u3', 'a2', '2024-01-05 10:00:00'), // one item: no edge
  s('u4', 'a1', '2024-01-01 10:00:00'), s('u4', 'a2', '2024-01-02 10:00:00'), s('u4', 'a3', '2024-01-03 10:00:00', 'preview'),
  s('u5', 'p1', '2024-01-01 10:00:00'), s('u5', 'm1', '2024-01-02 10:00:00'), // music is not a graph type
  s('u6', 'a1', '2024-01-01 10:00:00'), s('u6', 'a1', '2024-01-09 10:00:00'), // same item twice: no self pair
  s('u7', 'a3', '2024-01-01 10:00:00'), s('u7', 'p3', '2024-01-02 10:00:00'), s('u7', 'p2', '2024-01-03 10:00:00'),
  s('u8', 'a2', '2023-06-01 10:00:00'), s('u8', 'p3', '2023-06-02 10:00:00'), // before the 2024 window
];

/** 'relation src dst co' strings of a loaded graph, sorted. */
function edgeStrings(g: HeteroGraph): string[] {
  const out: string[] = [];
  for (const r of g.relations) {
    const ia = g.itemIds(r.typeA), ib = g.itemIds(r.typeB);
    for (let e = 0; e < r.numEdges; e++) out.push(`${r.name} ${ia[r.a[e]!]} ${ib[r.b[e]!]} ${r.coCount[e]}`);
  }
  return out.sort();
}

test('buildCoListeningGraph: known edges, relations, co-counts; isolated items kept; no self pairs', async () => {
  const fx = await writeTinyParquet(items, interactions);
  const out = join(fx.dir, 'graph');
  const r = await buildCoListeningGraph({ ...fx, outDir: out });
  assert.deepEqual(edgeStrings(r.graph), [
    'audiobook-audiobook a1 a2 1',
    'audiobook-podcast a1 p1 2',
    'audiobook-podcast a1 p2 1',
    'audiobook-podcast a2 p3 1',
    'audiobook-podcast a3 p2 1',
    'audiobook-podcast a3 p3 1',
    'podcast-podcast p1 p2 1',
    'podcast-podcast p2 p3 1',
  ]);
  assert.deepEqual(r.graph.nodeTypes, ['audiobook', 'podcast']);
  assert.deepEqual(r.graph.itemIds(0), ['a1', 'a2', 'a3', 'a4']);
  assert.equal(r.stats.isolated.audiobook, 1);
  assert.equal(r.stats.isolated.podcast, 0);
  assert.deepEqual(r.stats.edges, { 'audiobook-audiobook': 1, 'audiobook-podcast': 5, 'podcast-podcast': 2 });
  assert.equal(r.stats.degree.audiobook!.max, 3); // a1: a2, p1, p2
  // files written atomically, no temp leftovers; the loader reads back the same graph
  assert.deepEqual(readdirSync(out).sort(), ['graph_edges.parquet', 'graph_nodes.parquet', 'graph_stats.json']);
  const g2 = await loadHeteroGraph(r.nodesPath, r.edgesPath);
  assert.deepEqual(edgeStrings(g2), edgeStrings(r.graph));
  // the items table itself also works as the nodes file
  const g3 = await loadHeteroGraph(fx.itemsPath, r.edgesPath, { nodeTypes: ['audiobook', 'podcast'] });
  assert.deepEqual(edgeStrings(g3), edgeStrings(r.graph));
});

test('buildCoListeningGraph: per-user cap, window, kinds, min co-count, other type sets', async () => {
  const fx = await writeTinyParquet(items, interactions);
  const build = async (o: Parameters<typeof buildCoListeningGraph>[1]) =>
    edgeStrings((await buildCoListeningGraph({ ...fx, outDir: join(fx.dir, 'g') }, o)).graph);
  // cap 2: u7 keeps only its 2 most recent items (p2, p3); u2 keeps p1, p2; u4 a1, a2
  const capped = await build({ maxItemsPerUser: 2 });
  assert.ok(capped.includes('podcast-podcast p2 p3 1'));
  assert.ok(!capped.some((e) => e.startsWith('audiobook-podcast a3 ')));
  assert.ok(!capped.includes('audiobook-podcast a1 p2 1'));
  assert.deepEqual(capped.filter((e) => e.includes(' a1 p1 ')), ['audiobook-podcast a1 p1 1']); // u2's a1 fell out
  // window [2024-01-01, 2025-01-01): u8's 2023 pair disappears
  const win = await build({ windowStart: '2024-01-01', windowEnd: '2025-01-01' });
  assert.ok(!win.includes('audiobook-podcast a2 p3 1'));
  assert.equal(win.length, 7);
  // previews form edges when asked
  const withPreview = await build({ edgeKinds: ['stream', 'preview'] });
  assert.ok(withPreview.includes('audiobook-audiobook a1 a3 1'));
  assert.ok(withPreview.includes('audiobook-audiobook a2 a3 1'));
  // min co-count 2
  assert.deepEqual(await build({ minCoCount: 2 }), ['audiobook-podcast a1 p1 2']);
  // any set of types: podcast + music
  assert.deepEqual(await build({ nodeTypes: ['podcast', 'music'] }), [
    'music-podcast m1 p1 1', 'podcast-podcast p1 p2 1', 'podcast-podcast p2 p3 1',
  ]);
});

test('graph build SQL is portable text and options are validated', () => {
  const sql = Object.values(graphBuildSql(graphBuildConfig({ windowStart: '2024-01-01', maxItemsPerUser: 5 }))).join(';\n');
  for (const bad of ['read_parquet', 'QUALIFY', 'list_', 'epoch_ms', '::']) assert.ok(!sql.includes(bad), `non-portable ${bad}`);
  assert.match(sql, /TIMESTAMP '2024-01-01 00:00:00.000'/);
  assert.match(sql, /rn <= 5/);
  assert.throws(() => graphBuildConfig({ minCoCount: 0 }), /minCoCount must be an integer >= 1, got 0/);
  assert.throws(() => graphBuildConfig({ edgeKinds: ['listen'] }), /edgeKinds must be some of/);
  assert.throws(() => graphBuildConfig({ windowStart: 'yesterday' }), /windowStart must be an ISO date\/time, got 'yesterday'/);
  assert.throws(() => graphBuildConfig({ windowStart: '2024-02-01', windowEnd: '2024-01-01' }), /must be before windowEnd/);
});

test('buildCoListeningGraph: missing input and missing columns are named', async () => {
  await assert.rejects(buildCoListeningGraph({ itemsPath: '/nope/items.parquet', interactionsPath: '/nope/x.parquet', outDir: '/tmp/x' }),
    /buildCoListeningGraph: itemsPath '\/nope\/items.parquet' does not exist/);
  const fx = await writeTinyParquet(items, interactions);
  await assert.rejects(buildCoListeningGraph({ itemsPath: fx.interactionsPath, interactionsPath: fx.interactionsPath, outDir: join(fx.dir, 'bad') }),
    /lacks column\(s\) type/);
  assert.ok(!existsSync(join(fx.dir, 'bad', 'graph_edges.parquet')));
});

test('loadHeteroGraph: edges from another engine in either orientation, unknown ends ignored', async () => {
  const fx = await writeTinyParquet(items, []);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const edgesPath = join(fx.dir, 'edges.parquet');
  await con.run(`COPY (SELECT * FROM (VALUES ('p2', 'a1', 'podcast-audiobook', 4), ('a3', 'a2', 'audiobook-audiobook', NULL),
    ('m1', 'p1', 'music-podcast', 1)) t(src, dst, relation, co_count)) TO '${edgesPath}' (FORMAT PARQUET)`);
  con.closeSync();
  inst.closeSync();
  const g = await loadHeteroGraph(fx.itemsPath, edgesPath, { nodeTypes: ['audiobook', 'podcast'] });
  assert.deepEqual(edgeStrings(g), ['audiobook-audiobook a2 a3 1', 'audiobook-podcast a1 p2 4']);
});

test('readIntColumns: fast typed-array path and NULLs named', async () => {
  const { withDuckDB, readIntColumns } = await import('./duckdb_io.ts');
  await withDuckDB({}, async (con) => {
    const [x, y] = await readIntColumns(con, 'SELECT CAST(range AS INTEGER), CAST(range * 2 AS INTEGER) FROM range(5000)', 2);
    assert.equal(x!.length, 5000);
    assert.equal(x![4999], 4999);
    assert.equal(y![2500], 5000);
    await assert.rejects(readIntColumns(con, 'SELECT CASE WHEN range = 3000 THEN NULL ELSE CAST(range AS INTEGER) END FROM range(5000)', 1),
      /readIntColumns: column 0 row 3000 is NULL, expected INTEGER/);
  });
});
