// Index-only message-passing blocks produced by NeighbourSampler and consumed by the HGNN.
//
// Legend: T node types (graph.nodeTypes, sorted), R directed relations (graph.directed),
// L layers. Node ids are LOCAL ids within their type (0..numNodes[t]-1); feature row of a node
// = its local id in the per-type feature matrix.
//
// Node sets. nodes[l][t] (l = 0..L) is an Int32Array of unique local ids of type t:
//   nodes[L]   = the seeds (positive pairs' endpoints + negatives), deduplicated: the OUTPUT rows;
//   nodes[l]   = nodes[l+1] followed by the new neighbours sampled for nodes[l+1];
//   nodes[0]   = the input-feature nodes (gather their features once).
// PREFIX RULE: nodes[l+1][t] is exactly the first nodes[l+1][t].length entries of nodes[l][t]
// (so nodes[L] ⊂ ... ⊂ nodes[0]). That prefix IS the self-index map: dst row i of type t in
// block l is src row i of type t, so W_self h_dst uses the first numDst[t] rows of h_src.
//
// Blocks. blocks[l] is conv layer l (applied in order l = 0..L-1): src = nodes[l], dst = nodes[l+1].
// For each directed relation r (src type s → dst type d), blocks[l].rel[r] holds CSR rows over
// the dst nodes of type d:
//   indptr:  [numDst[d] + 1]
//   indices: [indptr[numDst[d]]] positions into nodes[l][s] (rows of h_src of type s)
// i.e. the sampled neighbours of dst row i are nodes[l][s][indices[indptr[i] .. indptr[i+1])].
// Up to fanout per relation per layer, uniform without replacement when degree > fanout, all
// of them otherwise; a node without neighbours of r gets an empty segment (the HGNN must treat
// the max over an empty set as 0 — no message).
//
// Worked example. Types [audiobook(0), podcast(1)]; directed relations
// 0 audiobook->audiobook, 1 audiobook->podcast, 2 podcast->audiobook, 3 podcast->podcast.
// Graph edges: a0–a1, a0–p0, p0–p1. Seeds: a0 and p1. L = 1, fanout 10.
//   nodes[1] = [[0], [1]]                 (audiobook a0; podcast p1)
//   nodes[0] = [[0, 1], [1, 0]]           (prefix a0 then new a1; prefix p1 then new p0)
//   blocks[0].numSrc = [2, 2], numDst = [1, 1]
//   rel[0] a->a, dst audiobooks [a0]: indptr [0, 1], indices [1]   (a0 ← a1 = nodes[0][0][1])
//   rel[1] a->p, dst podcasts  [p1]: indptr [0, 0], indices []    (p1 has no audiobook nbr)
//   rel[2] p->a, dst audiobooks [a0]: indptr [0, 1], indices [1]   (a0 ← p0 = nodes[0][1][1])
//   rel[3] p->p, dst podcasts  [p1]: indptr [0, 1], indices [1]   (p1 ← p0)
// The HGNN then computes, for layer 0: h1_a = σ(W_self[a]·x_a[0:1] + max(relu(W_0 x_a[idx]))
// + max(relu(W_2 x_p[idx]))), transforming each unique src row once per relation and gathering.
//
// Lifetime: arrays are views into the sampler's reusable buffers, valid until its next call.

/** CSR of one directed relation inside one block (positions are block-local). */
export interface BlockRelation {
  /** indptr: [numDst[dstType] + 1]. */
  indptr: Int32Array;
  /** indices: [nnz] rows of nodes[l][srcType]. */
  indices: Int32Array;
}

/** One conv layer: src = nodes[l], dst = nodes[l+1] (a prefix of src, per type). */
export interface Block {
  /** numSrc[t] = nodes[l][t].length. */
  numSrc: Int32Array;
  /** numDst[t] = nodes[l+1][t].length. */
  numDst: Int32Array;
  /** rel[r] for every directed relation r of the graph (empty when r has no edges). */
  rel: BlockRelation[];
}

/** Output of NeighbourSampler.sample. */
export interface SampledBlocks {
  numLayers: number;
  /** nodes[l][t], l = 0 (inputs) .. L (outputs): unique local ids of type t. */
  nodes: Int32Array[][];
  /** blocks[l]: nodes[l] → nodes[l+1]. */
  blocks: Block[];
  /** seedRow[i]: row of seed i within nodes[L][seedType[i]]. */
  seedRow: Int32Array;
  /**
   * outputOffset[t]: first row of type t when the per-type outputs are concatenated in type
   * order ([T + 1]); flat row of seed i = outputOffset[seedType[i]] + seedRow[i].
   */
  outputOffset: Int32Array;
}

/**
 * One training batch of the link task (from LinkBatchSampler): B positive pairs (anchor,
 * positive) and B negatives, with their output rows in blocks.nodes[L] of their type.
 * Loss per i: max(0, z[anchor_i]·z[negative_i] − z[anchor_i]·z[positive_i] + Δ).
 */
export interface LinkBatch {
  /** Number of positive pairs B. */
  size: number;
  /** relation[i]: undirected relation index of positive pair i. [B] */
  relation: Uint8Array;
  anchorType: Uint8Array;
  /** anchorId[i]: local id of the anchor. [B] */
  anchorId: Int32Array;
  /** anchorRow[i]: row of the anchor within blocks.nodes[L][anchorType[i]]. [B] */
  anchorRow: Int32Array;
  positiveType: Uint8Array;
  positiveId: Int32Array;
  positiveRow: Int32Array;
  negativeType: Uint8Array;
  negativeId: Int32Array;
  negativeRow: Int32Array;
  blocks: SampledBlocks;
}
