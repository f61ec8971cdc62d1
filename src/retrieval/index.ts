// Retrieval: item vectors -> exact top-K (the default and the reference) or an HNSW graph,
// string ids at the edge, one self-describing folder on disk.
export {
  type TopK, type TopKResult, type QueryOptions, type BatchQueryOptions, type Exclusion,
} from './topk.ts';
export { ExactTopK, type ExactTopKOptions } from './exact.ts';
export { AnnTopK, annParams, DEFAULT_ANN_PARAMS, type AnnParams, type AnnOptions } from './ann.ts';
export { naiveTopK } from './naive.ts';
export { TopKSelector } from './select.ts';
export { IdMap } from './ids.ts';
export {
  RetrievalIndex, type RetrievalIndexOptions, type Recommendation, type SearchMode,
} from './retrieval_index.ts';
export {
  saveRetrievalIndex, loadRetrievalIndex, readRetrievalManifest, RETRIEVAL_INDEX_FORMAT, RETRIEVAL_INDEX_VERSION,
  type RetrievalIndexManifest, type LoadRetrievalIndexOptions, type StoredFile,
} from './store.ts';
export { RetrievalIndexError, type RetrievalIndexErrorCode } from './errors.ts';
