// HeteroGraph: the item-only co-listening graph in typed arrays.
//
// - Node types are sorted alphabetically; type t has numNodes[t] nodes with dense local ids
//   0..numNodes[t]-1 (itemIds[t][i] is the item_id string of node i, kept for the edges of
//   the system). A global id space concatenates the types: global = typeOffset[t] + local.
// - Undirected relations = unordered type pairs (A <= B alphabetically), always all of them
//   (a relation may have 0 edges), in order (0,0), (0,1), ..., (1,1), ...: for types
//   [audiobook, podcast] that is audiobook-audiobook, audiobook-podcast, podcast-podcast.
//   Each keeps its edge list (a: local ids of type A, b: local ids of type B, co-count).
// - Directed relations (messages src → dst) carry the CSR used for message passing, indexed
//   by the destination node: row d lists the source-type neighbours of d. A–B (A ≠ B) gives
//   A->B and B->A; A–A gives one symmetric A->A (every edge appears in both end rows).
//   For [audiobook, podcast]: audiobook->audiobook, audiobook->podcast, podcast->audiobook,
//   podcast->podcast (R = 4).

/** One unordered type pair and its edges. Edge e joins a[e] (type A) and b[e] (type B). */
export interface UndirectedRelation {
  readonly index: number;
  /** `${typeA}-${typeB}`, e.g. 'audiobook-podcast'. */
  readonly name: string;
  readonly typeA: number;
  readonly typeB: number;
  readonly numEdges: number;
  /** a: [E] local ids of typeA. */
  readonly a: Int32Array;
  /** b: [E] local ids of typeB. */
  readonly b: Int32Array;
  /** coCount: [E] number of users who interacted with both ends (1 for synthetic graphs). */
  readonly coCount: Int32Array;
}

/** One message direction src type → dst type, as CSR rows over the destination nodes. */
export interface DirectedRelation {
  readonly index: number;
  /** `${srcType}->${dstType}`, e.g. 'podcast->audiobook'. */
  readonly name: string;
  readonly srcType: number;
  readonly dstType: number;
  /** Index of the undirected relation it comes from. */
  readonly undirected: number;
  /** indptr: [numNodes[dstType] + 1]; row d = indices[indptr[d] .. indptr[d+1]). */
  readonly indptr: Int32Array;
  /** indices: [nnz] local ids of srcType neighbours. */
  readonly indices: Int32Array;
}

/** Edge lists of one undirected relation, as given to HeteroGraph.fromEdgeLists. */
export interface EdgeList {
  a: Int32Array;
  b: Int32Array;
  coCount?: Int32Array;
}

export interface HeteroGraphInit {
  /** Node types (any order; stored sorted). */
  nodeTypes: readonly string[];
  /** Per type: item_id strings (their order defines the local ids) or just a node count. */
  nodes: Record<string, readonly string[] | number>;
  /** Keyed by undirected relation name 'A-B' (either type order). Missing relations are empty. */
  edges: Record<string, EdgeList>;
}

/** Memory held by a HeteroGraph's typed arrays, in bytes. */
export interface GraphMemory {
  csrBytes: number;
  edgeListBytes: number;
  totalBytes: number;
}

export class HeteroGraph {
  readonly nodeTypes: readonly string[];
  /** numNodes[t]: node count of type t. */
  readonly numNodes: readonly number[];
  /** typeOffset[t]: first global id of type t; typeOffset[T] = totalNodes. */
  readonly typeOffset: readonly number[];
  readonly totalNodes: number;
  readonly relations: readonly UndirectedRelation[];
  readonly directed: readonly DirectedRelation[];
  private readonly ids: (readonly string[] | null)[];
  private idMaps: (Map<string, number> | null)[];

  private constructor(
    nodeTypes: string[],
    numNodes: number[],
    ids: (readonly string[] | null)[],
    relations: UndirectedRelation[],
    directed: DirectedRelation[],
  ) {
    this.nodeTypes = nodeTypes;
    this.numNodes = numNodes;
    const off = [0];
    for (const n of numNodes) off.push(off[off.length - 1]! + n);
    this.typeOffset = off;
    this.totalNodes = off[off.length - 1]!;
    this.ids = ids;
    this.idMaps = ids.map(() => null);
    this.relations = relations;
    this.directed = directed;
  }

  /**
   * Builds a graph from per-relation edge lists (local ids). Validates ids, rejects self-loops;
   * edges must be unique per unordered pair (the SQL build guarantees it).
   * Example: HeteroGraph.fromEdgeLists({ nodeTypes: ['podcast'], nodes: { podcast: 3 },
   *   edges: { 'podcast-podcast': { a: Int32Array.of(0), b: Int32Array.of(1) } } })
   */
  static fromEdgeLists(init: HeteroGraphInit): HeteroGraph {
    const types = [...new Set(init.nodeTypes)].sort();
    if (types.length === 0) throw new Error('HeteroGraph.fromEdgeLists: nodeTypes must not be empty');
    const numNodes: number[] = [];
    const ids: (readonly string[] | null)[] = [];
    for (const t of types) {
      const n = init.nodes[t];
      if (n === undefined) throw new Error(`HeteroGraph.fromEdgeLists: nodes['${t}'] missing (expected item ids or a count)`);
      if (typeof n === 'number') {
        if (!Number.isInteger(n) || n < 0) throw new Error(`HeteroGraph.fromEdgeLists: nodes['${t}'] must be a count >= 0, got ${n}`);
        numNodes.push(n);
        ids.push(null);
      } else {
        numNodes.push(n.length);
        ids.push(n);
      }
    }
    const known = new Set<string>();
    const relations: UndirectedRelation[] = [];
    for (let i = 0; i < types.length; i++) {
      for (let j = i; j < types.length; j++) {
        const name = `${types[i]}-${types[j]}`;
        known.add(name);
        const rev = `${types[j]}-${types[i]}`;
        let el = init.edges[name];
        let swapped = false;
        if (!el && rev !== name && init.edges[rev]) {
          el = init.edges[rev];
          swapped = true;
        }
        const a = el ? (swapped ? el.b : el.a) : new Int32Array(0);
        const b = el ? (swapped ? el.a : el.b) : new Int32Array(0);
        if (a.length !== b.length) {
          throw new Error(`HeteroGraph.fromEdgeLists: edges['${name}'] a and b must have equal length, got ${a.length} and ${b.length}`);
        }
        const coCount = el?.coCount ?? new Int32Array(a.length).fill(1);
        if (coCount.length !== a.length) {
          throw new Error(`HeteroGraph.fromEdgeLists: edges['${name}'].coCount length ${coCount.length}, expected ${a.length}`);
        }
        checkIds(name, 'a', a, numNodes[i]!);
        checkIds(name, 'b', b, numNodes[j]!);
        if (i === j) {
          for (let e = 0; e < a.length; e++) {
            if (a[e] === b[e]) throw new Error(`HeteroGraph.fromEdgeLists: edges['${name}'] has a self-loop at edge ${e} (node ${a[e]})`);
          }
        }
        relations.push({ index: relations.length, name, typeA: i, typeB: j, numEdges: a.length, a, b, coCount });
      }
    }
    for (const k of Object.keys(init.edges)) {
      const [x, y] = k.split('-');
      if (!known.has(k) && !known.has(`${y}-${x}`)) {
        throw new Error(`HeteroGraph.fromEdgeLists: edges key '${k}' is not a pair of node types ${JSON.stringify(types)}`);
      }
    }
    const directed: DirectedRelation[] = [];
    for (const r of relations) {
      if (r.typeA === r.typeB) {
        directed.push(buildCsr(directed.length, r, r.typeA, r.typeA, numNodes[r.typeA]!, true, types));
      } else {
        directed.push(buildCsr(directed.length, r, r.typeA, r.typeB, numNodes[r.typeB]!, false, types));
        directed.push(buildCsr(directed.length, r, r.typeB, r.typeA, numNodes[r.typeA]!, false, types));
      }
    }
    return new HeteroGraph(types, numNodes, ids, relations, directed);
  }

  /** Index of a node type; throws naming the known types. */
  typeIndex(type: string): number {
    const t = this.nodeTypes.indexOf(type);
    if (t < 0) throw new Error(`HeteroGraph.typeIndex: unknown node type '${type}', expected one of ${JSON.stringify(this.nodeTypes)}`);
    return t;
  }

  /** Index of an undirected relation 'A-B' (either type order). */
  relationIndex(name: string): number {
    const [x, y] = name.split('-');
    const found = this.relations.find((r) => r.name === name || r.name === `${y}-${x}`);
    if (!found) {
      throw new Error(`HeteroGraph.relationIndex: unknown relation '${name}', expected one of ${JSON.stringify(this.relations.map((r) => r.name))}`);
    }
    return found.index;
  }

  /** Index of a directed relation 'src->dst'. */
  directedIndex(name: string): number {
    const found = this.directed.find((r) => r.name === name);
    if (!found) {
      throw new Error(`HeteroGraph.directedIndex: unknown relation '${name}', expected one of ${JSON.stringify(this.directed.map((r) => r.name))}`);
    }
    return found.index;
  }

  /** item_id strings of type t (synthetic graphs without ids get `${type}_${i}`). */
  itemIds(t: number): readonly string[] {
    let ids = this.ids[t];
    if (!ids) {
      const type = this.nodeTypes[t]!;
      ids = Array.from({ length: this.numNodes[t]! }, (_, i) => `${type}_${i}`);
      this.ids[t] = ids;
    }
    return ids;
  }

  /** Local id of an item_id of type t, or -1 when absent. */
  nodeIndex(t: number, itemId: string): number {
    let m = this.idMaps[t];
    if (!m) {
      m = new Map();
      const ids = this.itemIds(t);
      for (let i = 0; i < ids.length; i++) m.set(ids[i]!, i);
      this.idMaps[t] = m;
    }
    return m.get(itemId) ?? -1;
  }

  /** Neighbours of dst node `node` under directed relation r (a view, no copy). */
  neighbours(r: number, node: number): Int32Array {
    const d = this.directed[r]!;
    return d.indices.subarray(d.indptr[node]!, d.indptr[node + 1]!);
  }

  /** Total number of undirected edges. */
  get numEdges(): number {
    let n = 0;
    for (const r of this.relations) n += r.numEdges;
    return n;
  }

  /** Bytes held by the typed arrays (CSR + edge lists; item_id strings not counted). */
  memory(): GraphMemory {
    let csr = 0;
    for (const d of this.directed) csr += d.indptr.byteLength + d.indices.byteLength;
    let el = 0;
    for (const r of this.relations) el += r.a.byteLength + r.b.byteLength + r.coCount.byteLength;
    return { csrBytes: csr, edgeListBytes: el, totalBytes: csr + el };
  }

  /**
   * The same nodes with only the kept edges: keep(rel, e) decides per undirected edge.
   * Used for validation splits and relation ablations (dropped relations become empty).
   */
  filterEdges(keep: (rel: number, edge: number) => boolean): HeteroGraph {
    const edges: Record<string, EdgeList> = {};
    for (const r of this.relations) {
      let n = 0;
      for (let e = 0; e < r.numEdges; e++) if (keep(r.index, e)) n++;
      const a = new Int32Array(n), b = new Int32Array(n), c = new Int32Array(n);
      let k = 0;
      for (let e = 0; e < r.numEdges; e++) {
        if (!keep(r.index, e)) continue;
        a[k] = r.a[e]!;
        b[k] = r.b[e]!;
        c[k++] = r.coCount[e]!;
      }
      edges[r.name] = { a, b, coCount: c };
    }
    return this.withEdges(edges);
  }

  /** The same nodes without the named undirected relations (ablations: e.g. ['podcast-podcast']). */
  withoutRelations(names: readonly string[]): HeteroGraph {
    const drop = new Set(names.map((n) => this.relationIndex(n)));
    return this.filterEdges((rel) => !drop.has(rel));
  }

  private withEdges(edges: Record<string, EdgeList>): HeteroGraph {
    const nodes: Record<string, readonly string[] | number> = {};
    this.nodeTypes.forEach((t, i) => { nodes[t] = this.ids[i] ?? this.numNodes[i]!; });
    return HeteroGraph.fromEdgeLists({ nodeTypes: this.nodeTypes, nodes, edges });
  }
}

function checkIds(rel: string, side: string, x: Int32Array, n: number): void {
  for (let e = 0; e < x.length; e++) {
    const v = x[e]!;
    if (v < 0 || v >= n) throw new Error(`HeteroGraph.fromEdgeLists: edges['${rel}'].${side}[${e}] = ${v}, expected a node id in [0, ${n})`);
  }
}

// Counting sort of the edge list into CSR rows over dst nodes. For a symmetric (same-type)
// relation each edge is inserted in both directions.
function buildCsr(
  index: number, r: UndirectedRelation, srcType: number, dstType: number, numDst: number, symmetric: boolean, types: string[],
): DirectedRelation {
  // src/dst sides of the edge list for this direction
  const srcIsA = srcType === r.typeA && (symmetric || dstType === r.typeB);
  const src = srcIsA ? r.a : r.b;
  const dst = srcIsA ? r.b : r.a;
  const E = r.numEdges;
  const indptr = new Int32Array(numDst + 1);
  for (let e = 0; e < E; e++) indptr[dst[e]! + 1]++;
  if (symmetric) for (let e = 0; e < E; e++) indptr[src[e]! + 1]++;
  for (let i = 0; i < numDst; i++) indptr[i + 1] += indptr[i]!;
  const indices = new Int32Array(indptr[numDst]!);
  const fill = indptr.slice(0, numDst);
  for (let e = 0; e < E; e++) indices[fill[dst[e]!]!++] = src[e]!;
  if (symmetric) for (let e = 0; e < E; e++) indices[fill[src[e]!]!++] = dst[e]!;
  return { index, name: `${types[srcType]}->${types[dstType]}`, srcType, dstType, undirected: r.index, indptr, indices };
}
