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
 * Reads the graph: local ids = rank of item_id within its type (so they match the build's
 * order). Edges whose ends are not nodes of the kept types are ignored.
 * Example: const g = await loadHeteroGraph('ws/graph_nodes.parquet', 'ws/graph_edges.parquet');
 */
export async function loadHeteroGraph(nodesPath: string, edgesPath: string, opts: LoadGraphOptions = {}): Promise<HeteroGraph> {
  const nodesSrc = parquetSource('loadHeteroGraph', 'nodesPath', nodesPath);
  const edgesSrc = parquetSource('loadHeteroGraph', 'edgesPath', edgesPath);
  return withDuckDB(opts, async (con) => {
    await requireColumns(con, 'loadHeteroGraph', nodesPath, ['item_id', 'type']);
    await requireColumns(con, 'loadHeteroGraph', edgesPath, ['src', 'dst', 'co_count']);
    return loadWith(con, nodesSrc, edgesSrc, opts.nodeTypes);
  });
}

/** Same as loadHeteroGraph on an open connection; nodesSrc/edgesSrc are table expressions. */
export async function loadWith(
  con: DuckDBConnection, nodesSrc: string, edgesSrc: string, nodeTypes?: readonly string[],
): Promise<HeteroGraph> {
  const filter = nodeTypes ? `WHERE type IN (${nodeTypes.map(sqlString).join(', ')})` : '';
  await con.run(`CREATE OR REPLACE TEMP TABLE g_nodes AS
    SELECT item_id, type, CAST(ROW_NUMBER() OVER (PARTITION BY type ORDER BY item_id) - 1 AS INTEGER) AS id
    FROM (SELECT item_id, MIN(type) AS type FROM ${nodesSrc} ${filter} GROUP BY item_id) u`);
  const rows = (await con.runAndReadAll('SELECT type, item_id FROM g_nodes ORDER BY type, id')).getColumnsJS();
  const types = nodeTypes ? [...new Set(nodeTypes)].sort() : [...new Set(rows[0]!.map(String))].sort();
  const ids: Record<string, string[]> = {};
  for (const t of types) ids[t] = [];
  for (let i = 0; i < rows[0]!.length; i++) ids[String(rows[0]![i])]!.push(String(rows[1]![i]));
  const edges: Record<string, EdgeList> = {};
  for (let i = 0; i < types.length; i++) {
    for (let j = i; j < types.length; j++) {
      const A = sqlString(types[i]!), B = sqlString(types[j]!);
      // canonical orientation whatever the file's: a = the typeA end (for A = B either end)
      const [a, b, c] = await readIntColumns(con, `
        SELECT CASE WHEN s.type = ${A} THEN s.id ELSE d.id END AS a,
               CASE WHEN s.type = ${A} THEN d.id ELSE s.id END AS b,
               CAST(e.co_count AS INTEGER) AS c
        FROM ${edgesSrc} e
        JOIN g_nodes s ON s.item_id = e.src
        JOIN g_nodes d ON d.item_id = e.dst
        WHERE (s.type = ${A} AND d.type = ${B}) OR (s.type = ${B} AND d.type = ${A})
        ORDER BY a, b`, 3);
      edges[`${types[i]}-${types[j]}`] = { a: a!, b: b!, coCount: c! };
    }
  }
  return HeteroGraph.fromEdgeLists({ nodeTypes: types, nodes: ids, edges });
}
