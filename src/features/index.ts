// Item features: the built-in text encoder (TF-IDF -> randomised truncated SVD), the pluggable
// encoder interface (+ optional Sentence-BERT ONNX), categorical vocabularies, popularity
// statistics and the feature builder. See README.md in this folder.
export { type ItemTextEncoder, itemText, zeroRows } from './encoder.ts';
export {
  TfidfSvdEncoder, type TfidfSvdOptions, type TfidfSvdFitInfo, TFIDF_SVD_FORMAT, TFIDF_SVD_VERSION, l2NormalizeRows,
} from './text_encoder.ts';
export { createSbertEncoder, type SbertOptions, SBERT_PACKAGE, sbertMissingMessage } from './sbert.ts';
export {
  type TokenizerConfig, DEFAULT_TOKENIZER, tokenizerConfig, normalizeText, words, terms, forEachTerm,
} from './tokenize.ts';
export {
  type TfidfConfig, type TfidfModel, DEFAULT_TFIDF, tfidfConfig, fitTfidf, tfidfTransform, makeTfidfModel,
} from './tfidf.ts';
export { type Csr, checkCsr, spmm, spmmT, transposeCsr, csrToDense, denseToCsr } from './csr.ts';
export {
  type LinearOperator, type SvdOptions, type TruncatedSvd, csrOperator, denseOperator, randomizedSvd, orthonormalize,
  RANK_TOL,
} from './svd.ts';
export { householderQr, symmetricEigen } from './linalg.ts';
export { Vocabulary, UNKNOWN_TOKEN, type CategoryValue, type VocabularyOptions, cellValues } from './vocabulary.ts';
export {
  type TrainingInteractions, type StatsOptions, type RawStats, type Standardizer, itemStatistics, fitStandardizer,
  standardize,
} from './stats.ts';
export {
  type ItemTable, type BlockName, type FeatureBlock, type TypeReport, type ItemFeatures, type FeatureBuilderOptions,
  type FeatureState, fitItemFeatures, applyItemFeatures, typeFeatureMatrix, itemTableFromCoded, SMALL_CORPUS,
} from './builder.ts';
export {
  saveFeatureState, loadFeatureState, FEATURE_STATE_FORMAT, FEATURE_STATE_VERSION, FEATURE_MANIFEST, TEXT_ENCODER_FILE,
} from './feature_state.ts';
