// Aligns per-type feature matrices given in any item order (e.g. features/typeFeatureMatrix,
// rows in item-table order) with a graph's local ids, so row i of type t = graph.itemIds(t)[i].
import { graphNodeItemRows, type HeteroGraph } from '../../graph/index.ts';
import type { HgnnFeatures } from './infer.ts';

/** One type's features in its own row order: ids[r] is the item of row r of x [N, dim]. */
export interface IdFeatureTable {
  ids: readonly string[];
  x: Float32Array;
  dim: number;
}

/**
 * Reorders every graph type's features into the graph's local-id order. Throws naming the
 * type and item when a graph node has no feature row, or when a matrix does not match its ids.
 * @example const features = alignFeatures(graph, { audiobook: { ids, x, dim }, podcast: {...} });
 */
export function alignFeatures(graph: HeteroGraph, tables: Readonly<Record<string, IdFeatureTable>>): HgnnFeatures {
  const out: Record<string, { x: Float32Array; dim: number }> = {};
  graph.nodeTypes.forEach((type, t) => {
    const tab = tables[type];
    if (!tab) throw new Error(`alignFeatures: no features for graph type '${type}' (have ${JSON.stringify(Object.keys(tables))})`);
    const { ids, x, dim } = tab;
    if (!Number.isInteger(dim) || dim < 1 || x.length !== ids.length * dim) {
      throw new Error(`alignFeatures: ${type}: x must hold ${ids.length} ids x dim ${dim} = ${ids.length * dim} values, got ${x.length}`);
    }
    const row = new Map<string, number>();
    ids.forEach((id, r) => row.set(id, r));
    const gids = graph.itemIds(t);
    const y = new Float32Array(gids.length * dim);
    for (let i = 0; i < gids.length; i++) {
      const r = row.get(gids[i]);
      if (r === undefined) throw new Error(`alignFeatures: ${type} item '${gids[i]}' (graph node ${i}) has no feature row`);
      y.set(x.subarray(r * dim, r * dim + dim), i * dim);
    }
    out[type] = { x: y, dim };
  });
  return out;
}

/**
 * Per-graph-type feature matrices gathered from one catalogue matrix x [N, dim] whose rows are
 * the items of `itemIndex` (item id -> row); rows follow the graph's local ids.
 * @example const f = graphFeaturesFromCatalogue(graph, items.index, features.x, features.dim);
 */
export function graphFeaturesFromCatalogue(graph: HeteroGraph, itemIndex: ReadonlyMap<string, number>, x: Float32Array, dim: number): HgnnFeatures {
  const rows = graphNodeItemRows(graph, itemIndex);
  const out: Record<string, { x: Float32Array; dim: number }> = {};
  graph.nodeTypes.forEach((type, t) => {
    const r = rows[t]!;
    const y = new Float32Array(r.length * dim);
    for (let i = 0; i < r.length; i++) y.set(x.subarray(r[i]! * dim, (r[i]! + 1) * dim), i * dim);
    out[type] = { x: y, dim };
  });
  return out;
}
