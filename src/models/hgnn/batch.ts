// Glue between the graph stage's index-only blocks and the model: maps the model's relations
// onto a graph's directed relations (by name) and computes the link loss of a LinkBatch.
import type { HeteroGraph, LinkBatch, SampledBlocks } from '../../graph/index.ts';
import type { NeighbourCsr } from '../../nn/sage_conv.ts';
import { rowDot } from '../../nn/activations.ts';
import { Tape, Tensor, gather, hingeLoss } from '../../tensor/index.ts';
import type { HgnnArch } from './model.ts';

/**
 * graphIndex[k]: the graph's directed relation index of model relation k (-1 when the graph
 * lacks it: the relation then sends no messages). Throws when the node types differ.
 */
export function relationIndex(arch: HgnnArch, graph: HeteroGraph): Int32Array {
  const gt = graph.nodeTypes;
  if (gt.length !== arch.types.length || gt.some((t, i) => t !== arch.types[i])) {
    throw new Error(`hgnn: graph node types ${JSON.stringify(gt)} differ from the model's ${JSON.stringify(arch.types)}`);
  }
  return Int32Array.from(arch.relations.map((r) => {
    const d = graph.directed.find((x) => x.name === r.name);
    return d ? d.index : -1;
  }));
}

/** Per layer, per model relation: the block CSR (null when the graph lacks the relation). */
export function blockCsr(sb: SampledBlocks, graphIndex: Int32Array): (NeighbourCsr | null)[][] {
  return sb.blocks.map((b) => Array.from(graphIndex, (g) => (g < 0 ? null : b.rel[g])));
}

/**
 * Max-margin loss of a batch: mean_i max(0, z_a·z_n − z_a·z_p + margin) (SPEC §2).
 * z: [Nout, H] outputs grouped by type (blocks.outputOffset) -> [1]
 */
export function linkLoss(tp: Tape, z: Tensor, batch: LinkBatch, margin: number): Tensor {
  const B = batch.size;
  const off = batch.blocks.outputOffset;
  const ia = tp.pool.i32(B), ip = tp.pool.i32(B), ineg = tp.pool.i32(B);
  for (let i = 0; i < B; i++) {
    ia[i] = off[batch.anchorType[i]] + batch.anchorRow[i];
    ip[i] = off[batch.positiveType[i]] + batch.positiveRow[i];
    ineg[i] = off[batch.negativeType[i]] + batch.negativeRow[i];
  }
  const za = gather(tp, z, ia), zp = gather(tp, z, ip), zn = gather(tp, z, ineg); // [B, H]
  return hingeLoss(tp, rowDot(tp, za, zp), rowDot(tp, za, zn), margin);
}
