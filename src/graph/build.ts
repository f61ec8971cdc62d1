// Runs the portable graph SQL (build_sql.ts) on DuckDB over the canonical Parquet tables and
// writes graph_nodes.parquet, graph_edges.parquet and graph_stats.json atomically.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { graphBuildConfig, graphBuildSql, sqlString, type GraphBuildConfig, type GraphBuildOptions } from './build_sql.ts';
import { parquetSource, requireColumns, withDuckDB, type DuckDBSettings } from './duckdb_io.ts';
import type { HeteroGraph } from './hetero_graph.ts';
import { graphFromNidTables } from './load.ts';
import { graphStats, type GraphStats } from './stats.ts';

export interface GraphBuildInput {
  /** Canonical items Parquet (item_id, type, ...). */
  itemsPath: string;
  /** Canonical (training) interactions Parquet (user_id, item_id, kind, ts, ...). */
  interactionsPath: string;
  /** Output folder (created if missing). */
  outDir: string;
}

export interface GraphBuildResult {
  nodesPath: string;
  edgesPath: string;
  statsPath: string;
  config: GraphBuildConfig;
  graph: HeteroGraph;
  stats: GraphStats;
  /** Seconds spent in the SQL (edges + nodes written), and in loading the HeteroGraph. */
  sqlSeconds: number;
  loadSeconds: number;
}

/**
 * Builds the co-listening graph. Example:
 *   const r = await buildCoListeningGraph({ itemsPath, interactionsPath, outDir: 'ws/graph' },
 *     { maxItemsPerUser: 50 });
 *   r.graph.relations.map((x) => [x.name, x.numEdges])
 */
export async function buildCoListeningGraph(
  input: GraphBuildInput, opts: GraphBuildOptions & DuckDBSettings = {},
): Promise<GraphBuildResult> {
  const cfg = graphBuildConfig(opts);
  const itemsSrc = parquetSource('buildCoListeningGraph', 'itemsPath', input.itemsPath);
  const interSrc = parquetSource('buildCoListeningGraph', 'interactionsPath', input.interactionsPath);
  await mkdir(input.outDir, { recursive: true });
  const nodesPath = join(input.outDir, 'graph_nodes.parquet');
  const edgesPath = join(input.outDir, 'graph_edges.parquet');
  const statsPath = join(input.outDir, 'graph_stats.json');
  const tmp = (p: string): string => `${p}.tmp-${process.pid}`;
  return withDuckDB(opts, async (con) => {
    await requireColumns(con, 'buildCoListeningGraph', input.itemsPath, ['item_id', 'type']);
    await requireColumns(con, 'buildCoListeningGraph', input.interactionsPath, ['user_id', 'item_id', 'kind', 'ts']);
    // engine-specific binding of the two table names used by the portable SQL
    await con.run(`CREATE VIEW items AS SELECT * FROM ${itemsSrc}`);
    await con.run(`CREATE VIEW interactions AS SELECT * FROM ${interSrc}`);
    await con.run('SET preserve_insertion_order = false');
    const sql = graphBuildSql(cfg);
    const t0 = performance.now();
    try {
      await con.run(sql.createNodes);
      await con.run(sql.createPairs);
      await con.run(`COPY (${sql.selectNodes}) TO ${sqlString(tmp(nodesPath))} (FORMAT PARQUET)`);
      await con.run(`COPY (${sql.selectEdges}) TO ${sqlString(tmp(edgesPath))} (FORMAT PARQUET)`);
    } catch (e) {
      await rm(tmp(nodesPath), { force: true });
      await rm(tmp(edgesPath), { force: true });
      throw new Error(`buildCoListeningGraph: SQL failed on ${input.itemsPath} / ${input.interactionsPath}: ${(e as Error).message}`);
    }
    const sqlSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    // straight from the integer pair table (no string joins): same graph as loading the files
    const graph = await graphFromNidTables(con, 'graph_nodes', 'SELECT a, b, co_count FROM graph_pairs', cfg.nodeTypes);
    const loadSeconds = (performance.now() - t1) / 1000;
    const stats = graphStats(graph);
    const statsJson = {
      format: 'hgrec.graph_stats', version: 1,
      config: { ...cfg, windowStart: cfg.windowStart?.toISOString() ?? null, windowEnd: cfg.windowEnd?.toISOString() ?? null },
      ...stats,
    };
    await writeFile(tmp(statsPath), JSON.stringify(statsJson, null, 2) + '\n');
    await rename(tmp(nodesPath), nodesPath);
    await rename(tmp(edgesPath), edgesPath);
    await rename(tmp(statsPath), statsPath);
    return { nodesPath, edgesPath, statsPath, config: cfg, graph, stats, sqlSeconds, loadSeconds };
  });
}
