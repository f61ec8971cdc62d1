// Two-tower model (SPEC §4): user/item tower features, towers, in-batch softmax with logQ
// correction, training with checkpoints, request-time user vectors, catalogue item vectors.
export { twoTowerConfig, TWO_TOWER_DEFAULTS, configToJSON, configFromJSON, type TwoTowerConfig } from './config.ts';
export { plantedProblem, recallAtK, type Planted } from './planted.ts';
export {
  ROLE_NONE, ROLE_TARGET, ROLE_OTHER, ROLE_TASTE, itemRoles, fitUserFeatureSpec, userDenseDim, userLayout, writeUserRow,
  userFeaturesFromRaw, buildUserFeatures, buildPairUserFeatures, type UserFeatureSpec, type UserFeatureContext, type RawUser,
} from './user_features.ts';
export {
  itemInputsFromFeatures, checkItemInputs, buildItemDense, itemDenseDim, hgnnInputFromTyped, type ItemInputs, type HgnnInput,
} from './item_features.ts';
export { itemLogQ, logQOffsets, duplicateMask, inBatchSoftmaxLoss, lossScratch, type LossScratch } from './loss.ts';
export { TwoTowerNet, type NetDims } from './net.ts';
export { fusedLinear } from './fused_linear.ts';
export {
  TwoTowerTrainer, NonFiniteLossError, checkpointPath, type TrainArrays, type TrainerOpts, type StepProgress,
} from './trainer.ts';
export { TwoTowerModel, TWO_TOWER_FORMAT, TWO_TOWER_VERSION, type ModelItemTables, type EpochLog } from './model.ts';
export { trainTwoTower, positivePairs, type TrainTwoTowerOptions, type TrainInteractions } from './train.ts';
