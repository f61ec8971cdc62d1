// Graph statistics: edges per relation, degree distribution per node type, isolated items.
import type { HeteroGraph } from './hetero_graph.ts';

export interface DegreeSummary {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** log2 buckets: histogram[k] = nodes with degree in [2^(k-1), 2^k) for k >= 1; [0] = degree 0. */
  histogram: number[];
}

export interface GraphStats {
  nodes: Record<string, number>;
  edges: Record<string, number>;
  totalEdges: number;
  /** Nodes with no edge of any relation, per type. */
  isolated: Record<string, number>;
  /** Total degree (distinct neighbours over all relations) per type. */
  degree: Record<string, DegreeSummary>;
  /** Degree per directed relation 'src->dst', over the dst nodes. */
  relationDegree: Record<string, DegreeSummary>;
  memoryBytes: number;
}

/** Computes GraphStats from the CSR (O(nodes + relations)). */
export function graphStats(g: HeteroGraph): GraphStats {
  const nodes: Record<string, number> = {};
  const isolated: Record<string, number> = {};
  const degree: Record<string, DegreeSummary> = {};
  const relationDegree: Record<string, DegreeSummary> = {};
  g.nodeTypes.forEach((type, t) => {
    const n = g.numNodes[t]!;
    nodes[type] = n;
    const deg = new Int32Array(n);
    for (const d of g.directed) {
      if (d.dstType !== t) continue;
      const rd = new Int32Array(n);
      for (let i = 0; i < n; i++) rd[i] = d.indptr[i + 1]! - d.indptr[i]!;
      for (let i = 0; i < n; i++) deg[i] += rd[i]!;
      relationDegree[d.name] = summarize(rd);
    }
    let iso = 0;
    for (let i = 0; i < n; i++) if (deg[i] === 0) iso++;
    isolated[type] = iso;
    degree[type] = summarize(deg);
  });
  const edges: Record<string, number> = {};
  for (const r of g.relations) edges[r.name] = r.numEdges;
  return { nodes, edges, totalEdges: g.numEdges, isolated, degree, relationDegree, memoryBytes: g.memory().totalBytes };
}

function summarize(deg: Int32Array): DegreeSummary {
  const n = deg.length;
  if (n === 0) return { min: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0, histogram: [] };
  const s = deg.slice().sort();
  const q = (p: number): number => s[Math.min(n - 1, Math.floor(p * (n - 1)))]!;
  let sum = 0;
  const histogram: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = s[i]!;
    sum += d;
    const k = d === 0 ? 0 : 32 - Math.clz32(d);
    while (histogram.length <= k) histogram.push(0);
    histogram[k]!++;
  }
  return { min: s[0]!, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: s[n - 1]!, mean: sum / n, histogram };
}
