// Bridge between graph node ids (dense per type) and the data stage's dense item ids (row
// positions of items.parquet, all types). The HGNN gathers item features with it.
import type { HeteroGraph } from './hetero_graph.ts';

/**
 * rows[t][local] = dense item id (row in the items table) of graph node `local` of type t.
 * `index` maps item_id → dense item id (the data stage's ItemTable.index). Throws naming the
 * first graph node the table lacks.
 * Example: const rows = graphNodeItemRows(graph, items.index); // items = loadItems(...)
 */
export function graphNodeItemRows(graph: HeteroGraph, index: ReadonlyMap<string, number>): Int32Array[] {
  return graph.nodeTypes.map((type, t) => {
    const ids = graph.itemIds(t);
    const rows = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const r = index.get(ids[i]!);
      if (r === undefined) throw new Error(`graphNodeItemRows: graph node '${ids[i]}' (type ${type}) is not in the items table`);
      rows[i] = r;
    }
    return rows;
  });
}
