// The closed set of differentiable primitives (forward + backward side by side in each file).
export { matmul, type MatmulOpts } from './matmul.ts';
export { linear, type LinearOpOpts } from './linear.ts';
export { add, biasAdd, mul, scale, relu } from './elementwise.ts';
export { sum, mean } from './reduce.ts';
export { gather, scatterAdd } from './gather.ts';
export { segmentMax, segmentMean } from './segment.ts';
export { concat } from './concat.ts';
export { l2Normalize } from './l2norm.ts';
export { hingeLoss } from './hinge.ts';
export { softmaxCrossEntropy, type XentOpts } from './softmax_xent.ts';
