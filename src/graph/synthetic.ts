// Fast in-memory synthetic HeteroGraph with Zipf-like endpoint popularity, for benchmarks
// (the HGNN bench and bench/sampler.ts use the reference workload below) and for tests.
import { HeteroGraph, type EdgeList } from './hetero_graph.ts';
import { GraphRng } from './rng.ts';

export interface SyntheticGraphOptions {
  /** Nodes per type, e.g. { audiobook: 20000, podcast: 100000 }. */
  counts: Record<string, number>;
  /** Unique undirected edges per relation 'A-B', e.g. { 'audiobook-podcast': 400000 }. */
  edges: Record<string, number>;
  /** Zipf exponent s of endpoint popularity (p(rank k) ∝ 1/(k+1)^s); 0 = uniform. Default 0.8. */
  zipf?: number;
  /** Default 1. */
  seed?: number;
}

/**
 * The reference workload of issue 5: 20k audiobooks, 100k podcasts, 40k a–a, 400k a–p, 2M p–p
 * edges, "Zipf-like" endpoints. The issue leaves the exponent open but describes the result: a
 * batch transforms ~22,000 unique layer-1 source rows (~11.7 GFLOP). Exponent 1.1 reproduces
 * that (24.6k rows, 12.8 GFLOP); our first choice, 0.8, gives 58k rows and 27.8 GFLOP — 2.4x
 * the work the published PyTorch figures were measured on (bench/hgnn_epoch.ts --zipf 0.8).
 */
export const REFERENCE_GRAPH: SyntheticGraphOptions = {
  counts: { audiobook: 20000, podcast: 100000 },
  edges: { 'audiobook-audiobook': 40000, 'audiobook-podcast': 400000, 'podcast-podcast': 2000000 },
  zipf: 1.1,
  seed: 1,
};

/**
 * Builds a HeteroGraph with exactly the requested number of unique, loop-free edges per
 * relation; each endpoint is drawn from a Zipf distribution over a random popularity order of
 * its type's nodes. Throws when a relation asks for more edges than node pairs exist.
 * Example: syntheticHeteroGraph({ counts: { audiobook: 100, podcast: 500 },
 *   edges: { 'audiobook-podcast': 2000 }, seed: 3 })
 */
export function syntheticHeteroGraph(opts: SyntheticGraphOptions): HeteroGraph {
  const zipf = opts.zipf ?? 0.8;
  if (!(zipf >= 0)) throw new Error(`syntheticHeteroGraph: zipf must be >= 0, got ${zipf}`);
  const rng = new GraphRng(opts.seed ?? 1);
  const types = Object.keys(opts.counts).sort();
  const samplers = new Map<string, (rng: GraphRng) => number>();
  for (const t of types) {
    const n = opts.counts[t]!;
    if (!Number.isInteger(n) || n < 0) throw new Error(`syntheticHeteroGraph: counts['${t}'] must be an integer >= 0, got ${n}`);
    samplers.set(t, zipfSampler(n, zipf, rng));
  }
  const edges: Record<string, EdgeList> = {};
  for (const [name, want] of Object.entries(opts.edges)) {
    const [x, y] = name.split('-');
    if (!x || !y || !(x in opts.counts) || !(y in opts.counts)) {
      throw new Error(`syntheticHeteroGraph: edges key '${name}' must be 'A-B' with A, B in counts ${JSON.stringify(types)}`);
    }
    const [ta, tb] = x <= y ? [x, y] : [y, x];
    const na = opts.counts[ta]!, nb = opts.counts[tb]!;
    const maxPairs = ta === tb ? (na * (na - 1)) / 2 : na * nb;
    if (!Number.isInteger(want) || want < 0 || want > maxPairs) {
      throw new Error(`syntheticHeteroGraph: edges['${name}'] must be an integer in [0, ${maxPairs}], got ${want}`);
    }
    edges[`${ta}-${tb}`] = drawUniqueEdges(want, ta === tb, nb, samplers.get(ta)!, samplers.get(tb)!, rng);
  }
  return HeteroGraph.fromEdgeLists({ nodeTypes: types, nodes: { ...opts.counts }, edges });
}

// Draws keys a*nb+b (a < b for same type) in rounds until `want` unique keys exist, then keeps
// a uniform subset of exactly `want` of them.
function drawUniqueEdges(
  want: number, same: boolean, nb: number, da: (r: GraphRng) => number, db: (r: GraphRng) => number, rng: GraphRng,
): EdgeList {
  let keys = new Float64Array(0);
  let attempts = 0;
  while (keys.length < want) {
    if (++attempts > 400) throw new Error(`syntheticHeteroGraph: could not draw ${want} unique edges (zipf too steep for the node count)`);
    const extra = Math.ceil((want - keys.length) * 1.15) + 16;
    const all = new Float64Array(keys.length + extra);
    all.set(keys);
    let k = keys.length;
    for (let i = 0; i < extra; i++) {
      let a = da(rng), b = db(rng);
      if (same) {
        if (a === b) continue;
        if (a > b) { const t = a; a = b; b = t; }
      }
      all[k++] = a * nb + b;
    }
    const sorted = all.subarray(0, k).sort();
    let u = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[u++] = sorted[i]!;
    keys = sorted.slice(0, u);
  }
  // uniform subset of size want (partial Fisher–Yates), then back in key order
  for (let i = 0; i < want; i++) {
    const j = i + rng.int(keys.length - i);
    const t = keys[i]!; keys[i] = keys[j]!; keys[j] = t;
  }
  const chosen = keys.subarray(0, want).sort();
  const a = new Int32Array(want), b = new Int32Array(want);
  for (let i = 0; i < want; i++) {
    const key = chosen[i]!;
    a[i] = Math.floor(key / nb);
    b[i] = key - a[i]! * nb;
  }
  return { a, b };
}

// Zipf over n nodes: rank k has weight 1/(k+1)^s; ranks map to a random permutation of ids.
function zipfSampler(n: number, s: number, rng: GraphRng): (r: GraphRng) => number {
  if (n === 0) return () => { throw new Error('syntheticHeteroGraph: cannot draw an endpoint from a type with 0 nodes'); };
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let k = 0; k < n; k++) { acc += 1 / Math.pow(k + 1, s); cdf[k] = acc; }
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  rng.shuffle(perm);
  return (r) => {
    const u = r.float() * acc;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! <= u) lo = mid + 1; else hi = mid;
    }
    return perm[lo]!;
  };
}
