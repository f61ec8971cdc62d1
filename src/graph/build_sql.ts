// The co-listening graph as plain, portable SQL over two tables:
//   items(item_id, type, ...)   interactions(user_id, item_id, kind, ts, ...)
// Only standard SQL is used (CTEs, GROUP BY/HAVING, ROW_NUMBER() OVER, CAST, ||, TIMESTAMP
// literals), so the same statements run on DuckDB (default), Spark SQL or Trino. The only
// engine-specific parts live in build.ts: how the two tables are bound to Parquet files
// (DuckDB read_parquet views) and how results are written (DuckDB COPY ... TO).

/** Settings of the graph build; see graphBuildOptionHelp for the defaults and meaning. */
export interface GraphBuildOptions {
  /** Item types that become graph nodes. Default ['audiobook', 'podcast']. */
  nodeTypes?: readonly string[];
  /** Interaction kinds that form edges. Default ['stream']. */
  edgeKinds?: readonly string[];
  /** Minimum number of users who interacted with both items. Default 1 (paper). */
  minCoCount?: number;
  /**
   * Per user, only the N most recently interacted distinct items form pairs (pairs grow as
   * N²/2 per user). Default 50 → at most 1,225 pairs per user; 0 = no cap.
   */
  maxItemsPerUser?: number;
  /** Inclusive start of the interaction window (ISO date/time, UTC). Default: unbounded. */
  windowStart?: string | Date;
  /** Exclusive end of the interaction window (ISO date/time, UTC). Default: unbounded. */
  windowEnd?: string | Date;
}

/** Validated options with every default filled in. */
export interface GraphBuildConfig {
  readonly nodeTypes: readonly string[];
  readonly edgeKinds: readonly string[];
  readonly minCoCount: number;
  readonly maxItemsPerUser: number;
  readonly windowStart: Date | null;
  readonly windowEnd: Date | null;
}

/** One line per option, for --help texts. */
export const graphBuildOptionHelp: Readonly<Record<keyof GraphBuildOptions, string>> = {
  nodeTypes: 'item types that become graph nodes (default: audiobook,podcast)',
  edgeKinds: 'interaction kinds that form edges (default: stream)',
  minCoCount: 'minimum number of users shared by both items of an edge (default: 1)',
  maxItemsPerUser: 'per user, only the N most recent distinct items form pairs; 0 = no cap (default: 50)',
  windowStart: 'inclusive start of the interaction window, ISO date/time UTC (default: none)',
  windowEnd: 'exclusive end of the interaction window, ISO date/time UTC (default: none)',
};

const KINDS = new Set(['stream', 'preview', 'follow', 'intent_to_pay', 'other']);

/** Validates options and fills defaults (throws naming the option and the bad value). */
export function graphBuildConfig(opts: GraphBuildOptions = {}): GraphBuildConfig {
  const nodeTypes = [...new Set(opts.nodeTypes ?? ['audiobook', 'podcast'])];
  if (nodeTypes.length === 0 || nodeTypes.some((t) => typeof t !== 'string' || t.length === 0 || t.includes('-'))) {
    throw new Error(`graphBuildConfig: nodeTypes must be non-empty strings without '-', got ${JSON.stringify(opts.nodeTypes)}`);
  }
  const edgeKinds = [...new Set(opts.edgeKinds ?? ['stream'])];
  if (edgeKinds.length === 0 || edgeKinds.some((k) => !KINDS.has(k))) {
    throw new Error(`graphBuildConfig: edgeKinds must be some of ${[...KINDS].join('|')}, got ${JSON.stringify(opts.edgeKinds)}`);
  }
  const minCoCount = opts.minCoCount ?? 1;
  if (!Number.isInteger(minCoCount) || minCoCount < 1) throw new Error(`graphBuildConfig: minCoCount must be an integer >= 1, got ${opts.minCoCount}`);
  const maxItemsPerUser = opts.maxItemsPerUser ?? 50;
  if (!Number.isInteger(maxItemsPerUser) || maxItemsPerUser < 0) {
    throw new Error(`graphBuildConfig: maxItemsPerUser must be an integer >= 0 (0 = no cap), got ${opts.maxItemsPerUser}`);
  }
  const windowStart = toDate('windowStart', opts.windowStart);
  const windowEnd = toDate('windowEnd', opts.windowEnd);
  if (windowStart && windowEnd && windowStart >= windowEnd) {
    throw new Error(`graphBuildConfig: windowStart (${windowStart.toISOString()}) must be before windowEnd (${windowEnd.toISOString()})`);
  }
  return Object.freeze({ nodeTypes: Object.freeze(nodeTypes.sort()), edgeKinds: Object.freeze(edgeKinds), minCoCount, maxItemsPerUser, windowStart, windowEnd });
}

function toDate(name: string, v: string | Date | undefined): Date | null {
  if (v === undefined) return null;
  let text = v instanceof Date ? '' : v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text += 'T00:00:00';
  if (text && !/([zZ]|[+-]\d\d:?\d\d)$/.test(text)) text += 'Z'; // no zone given: UTC
  const d = v instanceof Date ? v : new Date(text);
  if (Number.isNaN(d.getTime())) throw new Error(`graphBuildConfig: ${name} must be an ISO date/time, got '${String(v)}'`);
  return d;
}

/** SQL string literal ('it''s'). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function sqlTimestamp(d: Date): string {
  return `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/** The three portable statements of a build (run in order) and the two result queries. */
export interface GraphBuildSql {
  /** CREATE TABLE graph_nodes(item_id, type, nid): nodes with a dense global id. */
  createNodes: string;
  /** CREATE TABLE graph_pairs(a, b, co_count): one row per unordered node pair, a < b. */
  createPairs: string;
  /** SELECT item_id, type FROM graph_nodes in nid order (the nodes file). */
  selectNodes: string;
  /** SELECT src, dst, relation, co_count (the edges file). */
  selectEdges: string;
}

/**
 * The graph build as portable SQL over tables `items` and `interactions`.
 * - Nodes: every item of the graph types (isolated ones included); nid = rank by (type,
 *   item_id), so nid order is the canonical orientation: src type < dst type, or same type and
 *   src item_id < dst item_id. Per-type local ids used by HeteroGraph = nid − first nid of the type.
 * - Pairs are formed on integer nids (fast hashing), from each user's distinct items of the
 *   chosen kinds in the window, capped to the user's N most recent (ties broken by nid).
 *   Self-pairs cannot appear (strict a < b); a user with one item forms none.
 * - Edges: relation = 'srcType-dstType' (types in alphabetical order); files are unordered.
 */
export function graphBuildSql(cfg: GraphBuildConfig): GraphBuildSql {
  const where = [`x.kind IN (${cfg.edgeKinds.map(sqlString).join(', ')})`];
  if (cfg.windowStart) where.push(`x.ts >= ${sqlTimestamp(cfg.windowStart)}`);
  if (cfg.windowEnd) where.push(`x.ts < ${sqlTimestamp(cfg.windowEnd)}`);
  const capped = cfg.maxItemsPerUser > 0
    ? `capped AS (
  SELECT user_id, nid
  FROM (
    SELECT user_id, nid, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY last_ts DESC, nid) AS rn
    FROM user_items
  ) ranked
  WHERE rn <= ${cfg.maxItemsPerUser}
)`
    : `capped AS (SELECT user_id, nid FROM user_items)`;
  return {
    createNodes: `CREATE TABLE graph_nodes AS
SELECT item_id, type, CAST(ROW_NUMBER() OVER (ORDER BY type, item_id) - 1 AS INTEGER) AS nid
FROM (
  SELECT item_id, MIN(type) AS type
  FROM items
  WHERE type IN (${cfg.nodeTypes.map(sqlString).join(', ')})
  GROUP BY item_id
) u`,
    createPairs: `CREATE TABLE graph_pairs AS
WITH user_items AS (
  SELECT x.user_id, n.nid, MAX(x.ts) AS last_ts
  FROM interactions x
  JOIN graph_nodes n ON n.item_id = x.item_id
  WHERE ${where.join('\n    AND ')}
  GROUP BY x.user_id, n.nid
),
${capped}
SELECT p.nid AS a, q.nid AS b, CAST(COUNT(*) AS INTEGER) AS co_count
FROM capped p
JOIN capped q ON p.user_id = q.user_id AND p.nid < q.nid
GROUP BY p.nid, q.nid
HAVING COUNT(*) >= ${cfg.minCoCount}`,
    selectNodes: `SELECT item_id, type FROM graph_nodes ORDER BY nid`,
    selectEdges: `SELECT s.item_id AS src, d.item_id AS dst, s.type || '-' || d.type AS relation, e.co_count
FROM graph_pairs e
JOIN graph_nodes s ON s.nid = e.a
JOIN graph_nodes d ON d.nid = e.b`,
  };
}
