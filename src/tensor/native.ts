// Loads the OpenBLAS addon (native/build/Release/hgrec_native.node) once.
// HGREC_KERNELS=ts   -> never load it (pure-TypeScript kernels);
// HGREC_KERNELS=addon -> loading failure is an error (CI uses this to prove the addon built);
// unset / anything else -> use it when it loads, else print ONE line and fall back.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The addon's exports. One per C function; no validation happens on the C side. */
export interface NativeKernels {
  // void cblas_sgemm(RowMajor, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
  sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number): void;
  // void openblas_set_num_threads(int) / int openblas_get_num_threads(void)
  setThreads(n: number): void;
  getThreads(): number;
  // const char* openblas_get_config(void)
  config(): string;
  // rows split over `threads` (optional, default 1)
  gatherRows(src: Float32Array, D: number, idx: Int32Array, out: Float32Array, threads?: number): void;
  scatterAddRows(src: Float32Array, D: number, idx: Int32Array, out: Float32Array): void;
  segmentMax(x: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null, out: Float32Array,
    argmax: Int32Array): void;
  segmentMaxBackward(gout: Float32Array, D: number, argmax: Int32Array, gx: Float32Array): void;
  segmentMean(x: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null, out: Float32Array): void;
  segmentMeanBackward(gout: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null,
    gx: Float32Array): void;
  adamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
    lrT: number, b1: number, b2: number, epsT: number, wd: number): void;
  softmaxRows(x: Float32Array, C: number, out: Float32Array, lse: Float64Array): void;
  // void spmm(const int32 indptr[rows+1], const int32 indices[nnz], const float values[nnz],
  //           const float B[cols*D], size_t D, float out[rows*D], int threads)   out = A·B
  spmm(indptr: Int32Array, indices: Int32Array, values: Float32Array, B: Float32Array, D: number,
    out: Float32Array, threads: number): void;
  // void spmmT(const int32 indptr[rows+1], const int32 indices[nnz], const float values[nnz], int32 cols,
  //            const float Y[rows*D], size_t D, float out[cols*D], int threads)   out = Aᵀ·Y (scatter)
  spmmT(indptr: Int32Array, indices: Int32Array, values: Float32Array, cols: number, Y: Float32Array, D: number,
    out: Float32Array, threads: number): void;
  // int64 maxPoolGrad(const float g[S*H], const int32 argmax[S*H], size_t H, size_t U, float gt[U*H] | null,
  //                   float db[H] | null, int threads)   gt overwritten, db accumulated; returns the first
  //                   flat index whose argmax is outside [-1, U), or -1 (the one check done in C: it is free there)
  maxPoolGrad(g: Float32Array, argmax: Int32Array, H: number, U: number, gt: Float32Array | null, db: Float32Array | null,
    threads: number): number;
}

/** Path of the built addon (src/tensor -> native/build/Release); HGREC_ADDON_PATH overrides it (tests). */
export const ADDON_PATH = process.env.HGREC_ADDON_PATH ||
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'native', 'build', 'Release', 'hgrec_native.node');

let loaded: NativeKernels | null | undefined;
let loadError = '';

/**
 * The addon, or null when it is disabled or unavailable. Throws when HGREC_KERNELS=addon and
 * it cannot be loaded. The first fallback prints one line to stderr.
 */
export function loadNative(): NativeKernels | null {
  if (loaded !== undefined) return loaded;
  const mode = process.env.HGREC_KERNELS ?? '';
  if (mode !== '' && mode !== 'ts' && mode !== 'addon') {
    throw new Error(`hgrec: HGREC_KERNELS must be 'ts', 'addon' or unset, got '${mode}'`);
  }
  if (mode === 'ts') return (loaded = null);
  try {
    const req = createRequire(import.meta.url);
    loaded = req(ADDON_PATH) as NativeKernels;
  } catch (err) {
    loadError = err instanceof Error ? err.message.split('\n')[0] : String(err);
    if (mode === 'addon') {
      throw new Error(`hgrec: HGREC_KERNELS=addon but the OpenBLAS addon failed to load from ${ADDON_PATH}: ${loadError}`);
    }
    loaded = null;
    process.stderr.write('hgrec: OpenBLAS addon not available, using the slower TypeScript kernels ' +
      '(run `npm run build:native` to see why)\n');
  }
  return loaded;
}

/** Why the addon did not load ('' when it loaded or was disabled). */
export function nativeLoadError(): string {
  return loadError;
}
