// Public API of the HGNN stage: heterogeneous GraphSAGE (max-pool) trained on the link task,
// full-catalogue (inductive) inference, model / embedding / checkpoint files.
export { HgnnModel, hgnnArch, type HgnnArch } from './model.ts';
export { DEFAULT_HGNN_CONFIG, hgnnTrainConfig, type HgnnTrainConfig } from './config.ts';
export { trainHgnn, ablateGraph, epochSeed, HgnnNumericError, type TrainHgnnInput, type TrainHgnnResult } from './train.ts';
export { embedAll, embedFeaturesOnly, featureTensors, type EmbedOptions, type FeatureTable, type HgnnFeatures } from './infer.ts';
export { relationIndex, blockCsr, linkLoss } from './batch.ts';
export { makeValidationTask, validationMetrics, type ValidationTask, type ValidationMetrics } from './validate.ts';
export {
  saveHgnnModel, loadHgnnModel, saveEmbeddings, loadEmbeddings, exportHgnn, type ItemEmbeddings, HGNN_MODEL_FILE, HGNN_EMBEDDINGS_FILE,
  HGNN_MODEL_FORMAT, HGNN_EMBEDDINGS_FORMAT,
} from './io.ts';
export { CHECKPOINT_FILE, checkpointPath, loadCheckpoint, saveCheckpoint, type EpochReport, type CheckpointState } from './checkpoint.ts';
export { alignFeatures, graphFeaturesFromCatalogue, type IdFeatureTable } from './align.ts';
