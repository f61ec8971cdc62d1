// Shared test fixtures and helpers (gradcheck, tiny graphs, layer contracts).
export { assertClose, gradcheck, randn, randnAwayFromZero, type GradcheckOpts, type GradcheckResult } from './gradcheck.ts';
export {
  matmul64, linear64, l2Normalize64, softmaxCrossEntropy64, segmentMean64, segmentMax64, hingeLoss64,
} from './reference.ts';
