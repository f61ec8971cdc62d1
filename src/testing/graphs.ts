// Tiny graph fixtures: hand-built co-listening data written as canonical Parquet with DuckDB,
// and a small hand-built HeteroGraph with known edges.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { HeteroGraph } from '../graph/hetero_graph.ts';

export interface TinyItem { item_id: string; type: string; title?: string }
export interface TinyInteraction { user_id: string; item_id: string; kind: string; ts: string; weight?: number | null }

const q = (s: string | null | undefined): string => (s == null ? 'NULL' : `'${s.replace(/'/g, "''")}'`);

/**
 * Writes items.parquet and interactions.parquet (canonical columns and types) into a fresh
 * temp folder (or `dir`) and returns their paths.
 */
export async function writeTinyParquet(
  items: readonly TinyItem[], interactions: readonly TinyInteraction[], dir?: string,
): Promise<{ dir: string; itemsPath: string; interactionsPath: string }> {
  const out = dir ?? (await mkdtemp(join(tmpdir(), 'hgrec-tiny-')));
  const itemsPath = join(out, 'items.parquet');
  const interactionsPath = join(out, 'interactions.parquet');
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  try {
    await con.run(`CREATE TABLE items (item_id VARCHAR, type VARCHAR, title VARCHAR, description VARCHAR, language VARCHAR, genre VARCHAR)`);
    if (items.length) {
      await con.run(`INSERT INTO items VALUES ${items.map((i) => `(${q(i.item_id)}, ${q(i.type)}, ${q(i.title ?? i.item_id)}, '', 'en', NULL)`).join(', ')}`);
    }
    await con.run(`CREATE TABLE interactions (user_id VARCHAR, item_id VARCHAR, kind VARCHAR, ts TIMESTAMP, weight DOUBLE)`);
    if (interactions.length) {
      await con.run(`INSERT INTO interactions VALUES ${interactions
        .map((x) => `(${q(x.user_id)}, ${q(x.item_id)}, ${q(x.kind)}, TIMESTAMP ${q(x.ts)}, ${x.weight ?? 'NULL'})`).join(', ')}`);
    }
    await con.run(`COPY items TO ${q(itemsPath)} (FORMAT PARQUET)`);
    await con.run(`COPY interactions TO ${q(interactionsPath)} (FORMAT PARQUET)`);
  } finally {
    con.closeSync();
    inst.closeSync();
  }
  return { dir: out, itemsPath, interactionsPath };
}

/**
 * Hand-built graph, types [audiobook(0), podcast(1)]:
 *   audiobooks a0..a3, podcasts p0..p4; a3 and p4 isolated.
 *   a–a: a0–a1, a1–a2          a–p: a0–p0, a0–p1, a1–p0, a2–p3
 *   p–p: p0–p1, p0–p2, p0–p3, p1–p2
 */
export function tinyHeteroGraph(): HeteroGraph {
  return HeteroGraph.fromEdgeLists({
    nodeTypes: ['audiobook', 'podcast'],
    nodes: { audiobook: ['a0', 'a1', 'a2', 'a3'], podcast: ['p0', 'p1', 'p2', 'p3', 'p4'] },
    edges: {
      'audiobook-audiobook': { a: Int32Array.of(0, 1), b: Int32Array.of(1, 2) },
      'audiobook-podcast': { a: Int32Array.of(0, 0, 1, 2), b: Int32Array.of(0, 1, 0, 3), coCount: Int32Array.of(3, 1, 2, 1) },
      'podcast-podcast': { a: Int32Array.of(0, 0, 0, 1), b: Int32Array.of(1, 2, 3, 2) },
    },
  });
}

/** Sorted neighbour list of (type, id) under every relation, as 'type:id' strings (test oracle). */
export function neighbourSet(g: HeteroGraph, t: number, id: number): string[] {
  const out: string[] = [];
  for (const r of g.relations) {
    for (let e = 0; e < r.numEdges; e++) {
      if (r.typeA === t && r.a[e] === id) out.push(`${r.typeB}:${r.b[e]}`);
      if (r.typeB === t && r.b[e] === id) out.push(`${r.typeA}:${r.a[e]}`);
    }
  }
  return out.sort();
}
