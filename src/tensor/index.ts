// Numeric core: kernels (OpenBLAS addon or TypeScript twins), tensors, tape, optimiser, I/O.
export {
  type Backend, backend, setThreads, getThreads, sgemm, gatherRows, scatterAddRows, segmentMax,
  segmentMaxBackward, segmentMean, segmentMeanBackward, adamStep, nativeKernels, checkIndices, checkOffsets,
} from './kernels.ts';
