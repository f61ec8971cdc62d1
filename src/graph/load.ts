// Loads a HeteroGraph from a nodes Parquet (item_id, type: the graph's nodes, or the items
// table itself) and an edges Parquet (src, dst, relation, co_count) as written by the build.
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from './build_sql.ts';
import { parquetSource, readIntColumns, requireColumns, withDuckDB, type DuckDBSettings } from './duckdb_io.ts';
import { HeteroGraph, type EdgeList } from './hetero_graph.ts';

export interface LoadGraphOptions extends DuckDBSettings {
  /** Node types to keep (default: every type present in the nodes file). */
  nodeTypes?: readonly string[];
}

/**
 * Reads the graph: local ids = rank of item_id within its type (the build's order). Edges whose
 * ends are not nodes of the kept types are ignored; either orientation of an edge is accepted.
 * Example: const g = await loadHeteroGraph('ws/graph_nodes.parquet', 'ws/graph_edges.parquet');
 */
export async function loadHeteroGraph(nodesPath: string, edgesPath: string, opts: LoadGraphOptions = {}): Promise<HeteroGraph> {
  const nodesSrc = parquetSource('loadHeteroGraph', 'nodesPath', nodesPath);
  const edgesSrc = parquetSource('loadHeteroGraph', 'edgesPath', edgesPath);
  return withDuckDB(opts, async (con) => {
    await requireColumns(con, 'loadHeteroGraph', nodesPath, ['item_id', 'type']);
    await requireColumns(con, 'loadHeteroGraph', edgesPath, ['src', 'dst', 'co_count']);
    const filter = opts.nodeTypes ? `WHERE type IN (${opts.nodeTypes.map(sqlString).join(', ')})` : '';
    await con.run(`CREATE TEMP TABLE g_nodes AS
      SELECT item_id, type, CAST(ROW_NUMBER() OVER (ORDER BY type, item_id) - 1 AS INTEGER) AS nid
      FROM (SELECT item_id, MIN(type) AS type FROM ${nodesSrc} ${filter} GROUP BY item_id) u`);
    return graphFromNidTables(con, 'g_nodes', `
      SELECT s.nid, d.nid, CAST(COALESCE(e.co_count, 1) AS INTEGER)
      FROM ${edgesSrc} e JOIN g_nodes s ON s.item_id = e.src JOIN g_nodes d ON d.item_id = e.dst`, opts.nodeTypes);
  });
}

/**
 * Builds the HeteroGraph from a node table (item_id, type, nid: dense, ordered by type then
 * item_id) and a query returning (nid, nid, co_count) INTEGER rows, one per unordered edge.
 */
export async function graphFromNidTables(
  con: DuckDBConnection, nodesTable: string, pairsSql: string, nodeTypes?: readonly string[],
): Promise<HeteroGraph> {
  const rows = (await con.runAndReadAll(`SELECT type, item_id FROM ${nodesTable} ORDER BY nid`)).getColumnsJS();
  const typeCol = rows[0]!, idCol = rows[1]!;
  const types = [...new Set([...(nodeTypes ?? []), ...typeCol.map(String)])].sort();
  const tIndex = new Map(types.map((t, i) => [t, i]));
  const ids: string[][] = types.map(() => []);
  const N = typeCol.length;
  const typeOf = new Int32Array(N), localOf = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    const t = tIndex.get(String(typeCol[n]))!;
    typeOf[n] = t;
    localOf[n] = ids[t]!.length;
    ids[t]!.push(String(idCol[n]));
  }
  const [pa, pb, pc] = await readIntColumns(con, pairsSql, 3);
  const T = types.length;
  const relOf = (ta: number, tb: number): number => ta * T + tb; // ta <= tb
  const count = new Int32Array(T * T);
  for (let e = 0; e < pa!.length; e++) {
    let x = pa![e]!, y = pb![e]!;
    if (x > y) { const s = x; x = y; y = s; pa![e] = x; pb![e] = y; }
    if (x === y) throw new Error(`graphFromNidTables: self-loop on node '${ids[typeOf[x]!]![localOf[x]!]}' in the edges`);
    count[relOf(typeOf[x]!, typeOf[y]!)]++;
  }
  const lists: EdgeList[] = Array.from(count, (c) => ({ a: new Int32Array(c), b: new Int32Array(c), coCount: new Int32Array(c) }));
  const fill = new Int32Array(T * T);
  for (let e = 0; e < pa!.length; e++) {
    const x = pa![e]!, y = pb![e]!;
    const r = relOf(typeOf[x]!, typeOf[y]!);
    const k = fill[r]!++;
    lists[r]!.a[k] = localOf[x]!;
    lists[r]!.b[k] = localOf[y]!;
    lists[r]!.coCount![k] = pc![e]!;
  }
  const edges: Record<string, EdgeList> = {};
  for (let i = 0; i < T; i++) for (let j = i; j < T; j++) edges[`${types[i]}-${types[j]}`] = lists[relOf(i, j)]!;
  const nodes: Record<string, string[]> = {};
  types.forEach((t, i) => { nodes[t] = ids[i]!; });
  return HeteroGraph.fromEdgeLists({ nodeTypes: types, nodes, edges });
}
