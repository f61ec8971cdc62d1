// Aligns per-type feature matrices given in any item order (e.g. features/typeFeatureMatrix,
// rows in item-table order) with a graph's local ids, so row i of type t = graph.itemIds(t)[i].
import type { HeteroGraph } from '../../graph/index.ts';
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
