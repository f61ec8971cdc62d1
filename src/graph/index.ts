// Public API of the graph stage: co-listening graph build (portable SQL on DuckDB), the
// HeteroGraph (CSR per directed relation), and the samplers the HGNN trainer consumes.
export { HeteroGraph } from './hetero_graph.ts';
export type { DirectedRelation, EdgeList, GraphMemory, HeteroGraphInit, UndirectedRelation } from './hetero_graph.ts';
export { REFERENCE_GRAPH, syntheticHeteroGraph } from './synthetic.ts';
export type { SyntheticGraphOptions } from './synthetic.ts';
export { graphBuildConfig, graphBuildOptionHelp, graphBuildSql } from './build_sql.ts';
export type { GraphBuildConfig, GraphBuildOptions, GraphBuildSql } from './build_sql.ts';
export { buildCoListeningGraph } from './build.ts';
export type { GraphBuildInput, GraphBuildResult } from './build.ts';
export type { DuckDBSettings } from './duckdb_io.ts';
export { loadHeteroGraph } from './load.ts';
export type { LoadGraphOptions } from './load.ts';
export { graphStats } from './stats.ts';
export { graphNodeItemRows } from './item_rows.ts';
export type { DegreeSummary, GraphStats } from './stats.ts';
export { splitValidationEdges } from './edge_split.ts';
export type { EdgeSet, EdgeSplit, EdgeSplitOptions } from './edge_split.ts';
export { BalancedEdgeSampler } from './edge_sampler.ts';
export type { EdgeSamplerOptions, EpochEdges } from './edge_sampler.ts';
export { NegativeSampler } from './negative_sampler.ts';
export type { NegativeSamplerOptions } from './negative_sampler.ts';
export { NeighbourSampler, neighbourSamplerConfig } from './neighbour_sampler.ts';
export type { NeighbourSamplerConfig, NeighbourSamplerOptions } from './neighbour_sampler.ts';
export { LinkBatchSampler } from './link_batch.ts';
export type { LinkBatchSamplerOptions } from './link_batch.ts';
export type { Block, BlockRelation, LinkBatch, SampledBlocks } from './blocks.ts';
export { GraphRng } from './rng.ts';
