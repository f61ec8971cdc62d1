// Numeric core: kernels (OpenBLAS addon or TypeScript twins), tensors, tape + ops, parameters,
// Adam, initialisers, seeded RNG, buffer pool and safetensors I/O.
export { type Backend, backend, setThreads, getThreads, sgemm } from './kernels.ts';
/** Raw validated kernels (gatherRows, scatterAddRows, segmentMax/Mean(+Backward), adamStep, ...). */
export * as kernels from './kernels.ts';
export { Tensor, shapeSize } from './tensor.ts';
export { BufferPool, sizeClass } from './pool.ts';
export { Tape } from './tape.ts';
export * from './ops/index.ts';
export { ParamStore, type AddOpts } from './params.ts';
export { TouchedRows } from './rows.ts';
export { Adam, type AdamOpts } from './adam.ts';
export * as init from './init.ts';
export type { Init } from './init.ts';
export { Rng } from './rng.ts';
export {
  encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, type StoredArray, type Safetensors,
} from './safetensors.ts';
