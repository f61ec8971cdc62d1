// hgrec's thin N-API addon: one export per C kernel, no validation (the TypeScript wrapper in
// src/tensor/kernels.ts checks every shape, length and index before calling in here).
// Row-major throughout; Float32Array / Int32Array arguments are used in place (no copies).
#include <napi.h>
#include <cblas.h>
#include <cmath>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
}

namespace {

float* F32(const Napi::Value& v) {
  Napi::TypedArrayOf<float> a = v.As<Napi::TypedArrayOf<float>>();
  return a.Data();
}

int32_t* I32(const Napi::Value& v) {
  if (v.IsNull() || v.IsUndefined()) return nullptr;
  Napi::TypedArrayOf<int32_t> a = v.As<Napi::TypedArrayOf<int32_t>>();
  return a.Data();
}

size_t Len(const Napi::Value& v) { return v.As<Napi::TypedArray>().ElementLength(); }

int Int(const Napi::Value& v) { return v.As<Napi::Number>().Int32Value(); }
float Flt(const Napi::Value& v) { return static_cast<float>(v.As<Napi::Number>().DoubleValue()); }

// sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
// -> cblas_sgemm(CblasRowMajor, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc)
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  const bool ta = info[0].As<Napi::Boolean>().Value();
  const bool tb = info[1].As<Napi::Boolean>().Value();
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              Int(info[2]), Int(info[3]), Int(info[4]), Flt(info[5]), F32(info[6]), Int(info[7]),
              F32(info[8]), Int(info[9]), Flt(info[10]), F32(info[11]), Int(info[12]));
  return info.Env().Undefined();
}

// setThreads(n) -> openblas_set_num_threads(n)
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  openblas_set_num_threads(Int(info[0]));
  return info.Env().Undefined();
}

// getThreads() -> openblas_get_num_threads()
Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), openblas_get_num_threads());
}

// config() -> openblas_get_config()
Napi::Value Config(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), openblas_get_config());
}

// gatherRows(src, D, idx, out): out[b,:] = src[idx[b],:]
void GatherRange(const float* src, size_t D, const int32_t* idx, float* out, size_t b0, size_t b1) {
  for (size_t b = b0; b < b1; b++) std::memcpy(out + b * D, src + static_cast<size_t>(idx[b]) * D, D * sizeof(float));
}

// gatherRows(src, D, idx, out, threads): out[b,:] = src[idx[b],:], rows split over threads
Napi::Value GatherRows(const Napi::CallbackInfo& info) {
  const float* src = F32(info[0]);
  const size_t D = Int(info[1]);
  const int32_t* idx = I32(info[2]);
  const size_t B = Len(info[2]);
  float* out = F32(info[3]);
  const size_t T = info.Length() > 4 && Int(info[4]) > 1 && B > 1 ? std::min<size_t>(Int(info[4]), B) : 1;
  std::vector<std::thread> pool;
  for (size_t t = 1; t < T; t++) pool.emplace_back(GatherRange, src, D, idx, out, B * t / T, B * (t + 1) / T);
  GatherRange(src, D, idx, out, 0, B / T);
  for (auto& th : pool) th.join();
  return info.Env().Undefined();
}

// scatterAddRows(src, D, idx, out): out[idx[e],:] += src[e,:]
Napi::Value ScatterAddRows(const Napi::CallbackInfo& info) {
  const float* src = F32(info[0]);
  const size_t D = Int(info[1]);
  const int32_t* idx = I32(info[2]);
  const size_t E = Len(info[2]);
  float* out = F32(info[3]);
  for (size_t e = 0; e < E; e++) {
    float* o = out + static_cast<size_t>(idx[e]) * D;
    const float* s = src + e * D;
    for (size_t j = 0; j < D; j++) o[j] += s[j];
  }
  return info.Env().Undefined();
}

// segmentMax(x, D, offsets, idx|null, out, argmax)
Napi::Value SegmentMax(const Napi::CallbackInfo& info) {
  const float* x = F32(info[0]);
  const size_t D = Int(info[1]);
  const int32_t* off = I32(info[2]);
  const size_t S = Len(info[2]) - 1;
  const int32_t* idx = I32(info[3]);
  float* out = F32(info[4]);
  int32_t* am = I32(info[5]);
  for (size_t s = 0; s < S; s++) {
    float* o = out + s * D;
    int32_t* a = am + s * D;
    const int32_t e0 = off[s], e1 = off[s + 1];
    if (e1 <= e0) {
      for (size_t j = 0; j < D; j++) { o[j] = 0.f; a[j] = -1; }
      continue;
    }
    const int32_t r0 = idx ? idx[e0] : e0;
    const float* x0 = x + static_cast<size_t>(r0) * D;
    for (size_t j = 0; j < D; j++) { o[j] = x0[j]; a[j] = r0; }
    for (int32_t e = e0 + 1; e < e1; e++) {
      const int32_t r = idx ? idx[e] : e;
      const float* xr = x + static_cast<size_t>(r) * D;
      for (size_t j = 0; j < D; j++) {
        if (xr[j] > o[j]) { o[j] = xr[j]; a[j] = r; }
      }
    }
  }
  return info.Env().Undefined();
}

// segmentMaxBackward(gout, D, argmax, gx): gx[argmax[i], i % D] += gout[i]
Napi::Value SegmentMaxBackward(const Napi::CallbackInfo& info) {
  const float* g = F32(info[0]);
  const size_t D = Int(info[1]);
  const int32_t* am = I32(info[2]);
  const size_t n = Len(info[2]);
  float* gx = F32(info[3]);
  for (size_t i = 0, j = 0; i < n; i++) {
    const int32_t r = am[i];
    if (r >= 0) gx[static_cast<size_t>(r) * D + j] += g[i];
    if (++j == D) j = 0;
  }
  return info.Env().Undefined();
}

// segmentMean(x, D, offsets, idx|null, out)
Napi::Value SegmentMean(const Napi::CallbackInfo& info) {
  const float* x = F32(info[0]);
  const size_t D = Int(info[1]);
  const int32_t* off = I32(info[2]);
  const size_t S = Len(info[2]) - 1;
  const int32_t* idx = I32(info[3]);
  float* out = F32(info[4]);
  for (size_t s = 0; s < S; s++) {
    float* o = out + s * D;
    for (size_t j = 0; j < D; j++) o[j] = 0.f;
    const int32_t e0 = off[s], e1 = off[s + 1];
    if (e1 <= e0) continue;
    for (int32_t e = e0; e < e1; e++) {
      const float* xr = x + static_cast<size_t>(idx ? idx[e] : e) * D;
      for (size_t j = 0; j < D; j++) o[j] += xr[j];
    }
    const float inv = static_cast<float>(1.0 / static_cast<double>(e1 - e0));
    for (size_t j = 0; j < D; j++) o[j] *= inv;
  }
  return info.Env().Undefined();
}

// segmentMeanBackward(gout, D, offsets, idx|null, gx)
Napi::Value SegmentMeanBackward(const Napi::CallbackInfo& info) {
  const float* g = F32(info[0]);
  const size_t D = Int(info[1]);
  const int32_t* off = I32(info[2]);
  const size_t S = Len(info[2]) - 1;
  const int32_t* idx = I32(info[3]);
  float* gx = F32(info[4]);
  for (size_t s = 0; s < S; s++) {
    const int32_t e0 = off[s], e1 = off[s + 1];
    if (e1 <= e0) continue;
    const float inv = static_cast<float>(1.0 / static_cast<double>(e1 - e0));
    const float* go = g + s * D;
    for (int32_t e = e0; e < e1; e++) {
      float* xr = gx + static_cast<size_t>(idx ? idx[e] : e) * D;
      for (size_t j = 0; j < D; j++) xr[j] += go[j] * inv;
    }
  }
  return info.Env().Undefined();
}

// softmaxRows(x, C, out, lse): out[r,:] = softmax(x[r,:]), lse[r] = log sum exp x[r,:]
// (x and out may be the same array; -Infinity entries get probability 0).
Napi::Value SoftmaxRows(const Napi::CallbackInfo& info) {
  const float* x = F32(info[0]);
  const size_t C = Int(info[1]);
  float* out = F32(info[2]);
  double* lse = info[3].As<Napi::TypedArrayOf<double>>().Data();
  const size_t R = info[3].As<Napi::TypedArray>().ElementLength();
  for (size_t r = 0; r < R; r++) {
    const float* xr = x + r * C;
    float* o = out + r * C;
    float mx = -INFINITY;
    for (size_t j = 0; j < C; j++) if (xr[j] > mx) mx = xr[j];
    double s = 0;
    for (size_t j = 0; j < C; j++) {
      const float e = std::exp(xr[j] - mx);
      o[j] = e;
      s += e;
    }
    const float inv = static_cast<float>(1.0 / s);
    for (size_t j = 0; j < C; j++) o[j] *= inv;
    lse[r] = static_cast<double>(mx) + std::log(s);
  }
  return info.Env().Undefined();
}

// target_clones picks an AVX-512 / AVX2+FMA / baseline build of a loop at load time.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define HGREC_CLONES __attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))
#else
#define HGREC_CLONES
#endif

// Adam inner loop in float maths (~6x faster than double: the vector sqrt and divide are the
// cost). The TypeScript twin rounds every operation to float32 (Math.fround) in the same order,
// and +, -, *, / and sqrt rounded from double to float equal the float operations exactly, so the
// two are bit-identical. That needs -fno-math-errno (std::sqrt vectorises, no errno call) and no
// FMA contraction in the haswell / avx512 clones (fp-contract=off below).
HGREC_CLONES __attribute__((optimize("fp-contract=off")))
void AdamLoop(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v, size_t n,
              double lrT_, double b1_, double b2_, double epsT_, double wd_) {
  const float lrT = static_cast<float>(lrT_), b1 = static_cast<float>(b1_), b2 = static_cast<float>(b2_);
  const float epsT = static_cast<float>(epsT_), wd = static_cast<float>(wd_);
  const float c1 = static_cast<float>(1 - b1_), c2 = static_cast<float>(1 - b2_);
  for (size_t i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = b1 * m[i] + c1 * gi;
    const float vi = b2 * v[i] + c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const float pi = p[i];
    p[i] = pi - (lrT * mi / (std::sqrt(vi) + epsT) + wd * pi);
  }
}

// adamStep(p, g, m, v, lrT, b1, b2, epsT, wd)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  AdamLoop(F32(info[0]), F32(info[1]), F32(info[2]), F32(info[3]), Len(info[0]),
           info[4].As<Napi::Number>().DoubleValue(), info[5].As<Napi::Number>().DoubleValue(),
           info[6].As<Napi::Number>().DoubleValue(), info[7].As<Napi::Number>().DoubleValue(),
           info[8].As<Napi::Number>().DoubleValue());
  return info.Env().Undefined();
}

// ---- CSR sparse x dense (row-major) products --------------------------------------------------
// Float accumulation, rank-4 updates of the output row (four stored entries per sweep over D).

// out[i, :] = Σ_k values[k] · B[indices[k], :] for rows i in [r0, r1). Memory-bound on the row
// gathers of B (measured: splitting D into 64/136-wide column blocks or software prefetch of the
// next rows did not help).
HGREC_CLONES
void SpmmRows(const int32_t* __restrict indptr, const int32_t* __restrict indices, const float* __restrict values,
              const float* __restrict B, size_t D, float* __restrict out, size_t r0, size_t r1) {
  for (size_t i = r0; i < r1; i++) {
    float* __restrict o = out + i * D;
    for (size_t j = 0; j < D; j++) o[j] = 0.f;
    int32_t k = indptr[i];
    const int32_t e = indptr[i + 1];
    for (; k + 3 < e; k += 4) {
      const float v0 = values[k], v1 = values[k + 1], v2 = values[k + 2], v3 = values[k + 3];
      const float* __restrict b0 = B + static_cast<size_t>(indices[k]) * D;
      const float* __restrict b1 = B + static_cast<size_t>(indices[k + 1]) * D;
      const float* __restrict b2 = B + static_cast<size_t>(indices[k + 2]) * D;
      const float* __restrict b3 = B + static_cast<size_t>(indices[k + 3]) * D;
      for (size_t j = 0; j < D; j++) o[j] += v0 * b0[j] + v1 * b1[j] + v2 * b2[j] + v3 * b3[j];
    }
    for (; k < e; k++) {
      const float v = values[k];
      const float* __restrict b = B + static_cast<size_t>(indices[k]) * D;
      for (size_t j = 0; j < D; j++) o[j] += v * b[j];
    }
  }
}


// out[indices[k], :] += values[k] · Y[i, :] for entries whose column lies in [c0, c1).
HGREC_CLONES
void SpmmTCols(const int32_t* __restrict indptr, const int32_t* __restrict indices, const float* __restrict values,
               size_t rows, const float* __restrict Y, size_t D, float* __restrict out, int32_t c0, int32_t c1) {
  std::memset(out + static_cast<size_t>(c0) * D, 0, static_cast<size_t>(c1 - c0) * D * sizeof(float));
  for (size_t i = 0; i < rows; i++) {
    const float* __restrict y = Y + i * D;
    for (int32_t k = indptr[i], e = indptr[i + 1]; k < e; k++) {
      const int32_t c = indices[k];
      if (c < c0 || c >= c1) continue;
      const float v = values[k];
      float* __restrict o = out + static_cast<size_t>(c) * D;
      for (size_t j = 0; j < D; j++) o[j] += v * y[j];
    }
  }
}

// spmm(indptr, indices, values, B, D, out, threads): out[rows, D] = A · B, A CSR [rows, cols],
// B [cols, D]. Rows are split into `threads` ranges of about equal non-zero counts.
Napi::Value Spmm(const Napi::CallbackInfo& info) {
  const int32_t* indptr = I32(info[0]);
  const size_t rows = Len(info[0]) - 1;
  const int32_t* indices = I32(info[1]);
  const float* values = F32(info[2]);
  const float* B = F32(info[3]);
  const size_t D = Int(info[4]);
  float* out = F32(info[5]);
  const int T = Int(info[6]);
  if (T <= 1 || rows < 2) {
    SpmmRows(indptr, indices, values, B, D, out, 0, rows);
    return info.Env().Undefined();
  }
  // cut[t] = first row whose start offset reaches t/T of the non-zeros (plus the row count, for empty rows)
  std::vector<size_t> cut(T + 1, rows);
  cut[0] = 0;
  const double nnz = indptr[rows];
  size_t r = 0;
  for (int t = 1; t < T; t++) {
    const double goal = (nnz + rows) * t / T;
    while (r < rows && indptr[r] + static_cast<double>(r) < goal) r++;
    cut[t] = r;
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < T; t++) {
    pool.emplace_back(SpmmRows, indptr, indices, values, B, D, out, cut[t], cut[t + 1]);
  }
  SpmmRows(indptr, indices, values, B, D, out, cut[0], cut[1]);
  for (auto& th : pool) th.join();
  return info.Env().Undefined();
}

// spmmT(indptr, indices, values, cols, Y, D, out, threads): out[cols, D] = Aᵀ · Y, A CSR
// [rows, cols], Y [rows, D]. Scatter form; each thread owns a range of output rows (columns of A)
// and scans all non-zeros.
Napi::Value SpmmT(const Napi::CallbackInfo& info) {
  const int32_t* indptr = I32(info[0]);
  const size_t rows = Len(info[0]) - 1;
  const int32_t* indices = I32(info[1]);
  const float* values = F32(info[2]);
  const int32_t cols = Int(info[3]);
  const float* Y = F32(info[4]);
  const size_t D = Int(info[5]);
  float* out = F32(info[6]);
  const int T = Int(info[7]) < 1 ? 1 : Int(info[7]);
  std::vector<std::thread> pool;
  for (int t = 1; t < T; t++) {
    const int32_t c0 = static_cast<int32_t>(static_cast<int64_t>(cols) * t / T);
    const int32_t c1 = static_cast<int32_t>(static_cast<int64_t>(cols) * (t + 1) / T);
    pool.emplace_back(SpmmTCols, indptr, indices, values, rows, Y, D, out, c0, c1);
  }
  SpmmTCols(indptr, indices, values, rows, Y, D, out, 0, static_cast<int32_t>(static_cast<int64_t>(cols) / T));
  for (auto& th : pool) th.join();
  return info.Env().Undefined();
}

// ---- Max-pool message gradient: mask, scatter to arg-max rows, bias column sums -------------
// For columns [j0, j1): gt[:, j] = 0, then gt[argmax[s, j], j] += g[s, j] and db[j] += Σ_s g[s, j]
// over the (s, j) with argmax >= 0, s ascending (the TypeScript twin's order, so both agree to
// the bit). Threads own column ranges: no two write the same element. Returns the first flat
// index whose argmax lies outside [-1, U), or -1.
int64_t MaxPoolGradCols(const float* __restrict g, const int32_t* __restrict am, size_t S, size_t H, size_t U,
                        float* __restrict gt, float* __restrict db, int32_t j0, int32_t j1) {
  const size_t J = static_cast<size_t>(j1 - j0);
  if (gt) for (size_t u = 0; u < U; u++) std::memset(gt + u * H + j0, 0, J * sizeof(float));
  std::vector<float> colSum(db ? J : 0, 0.f);
  for (size_t s = 0; s < S; s++) {
    const int32_t* a = am + s * H;
    const float* gs = g + s * H;
    for (int32_t j = j0; j < j1; j++) {
      const int32_t r = a[j];
      if (r < 0) {
        if (r != -1) return static_cast<int64_t>(s * H + j);
        continue;
      }
      if (static_cast<size_t>(r) >= U) return static_cast<int64_t>(s * H + j);
      const float v = gs[j];
      if (gt) gt[static_cast<size_t>(r) * H + j] += v;
      if (db) colSum[j - j0] += v;
    }
  }
  if (db) for (size_t j = 0; j < J; j++) db[j0 + j] += colSum[j];
  return -1;
}

// maxPoolGrad(g, argmax, H, U, gt|null, db|null, threads) -> first bad flat index or -1
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  const float* g = F32(info[0]);
  const int32_t* am = I32(info[1]);
  const size_t n = Len(info[1]);
  const int32_t H = Int(info[2]);
  const size_t U = static_cast<size_t>(Int(info[3]));
  float* gt = info[4].IsNull() ? nullptr : F32(info[4]);
  float* db = info[5].IsNull() ? nullptr : F32(info[5]);
  const int32_t T = Int(info[6]) < 1 ? 1 : std::min<int32_t>(Int(info[6]), H);
  const size_t S = H > 0 ? n / static_cast<size_t>(H) : 0;
  std::vector<int64_t> bad(T, -1);
  std::vector<std::thread> pool;
  for (int32_t t = 1; t < T; t++) {
    pool.emplace_back([&, t]() {
      bad[t] = MaxPoolGradCols(g, am, S, H, U, gt, db, static_cast<int32_t>(static_cast<int64_t>(H) * t / T),
                               static_cast<int32_t>(static_cast<int64_t>(H) * (t + 1) / T));
    });
  }
  bad[0] = MaxPoolGradCols(g, am, S, H, U, gt, db, 0, H / T);
  for (auto& th : pool) th.join();
  int64_t first = -1;
  for (int64_t b : bad) if (b >= 0 && (first < 0 || b < first)) first = b;
  return Napi::Number::New(info.Env(), static_cast<double>(first));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("config", Napi::Function::New(env, Config));
  exports.Set("gatherRows", Napi::Function::New(env, GatherRows));
  exports.Set("scatterAddRows", Napi::Function::New(env, ScatterAddRows));
  exports.Set("segmentMax", Napi::Function::New(env, SegmentMax));
  exports.Set("segmentMaxBackward", Napi::Function::New(env, SegmentMaxBackward));
  exports.Set("segmentMean", Napi::Function::New(env, SegmentMean));
  exports.Set("segmentMeanBackward", Napi::Function::New(env, SegmentMeanBackward));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep));
  exports.Set("softmaxRows", Napi::Function::New(env, SoftmaxRows));
  exports.Set("spmm", Napi::Function::New(env, Spmm));
  exports.Set("spmmT", Napi::Function::New(env, SpmmT));
  exports.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGrad));
  return exports;
}

}  // namespace

NODE_API_MODULE(hgrec_native, Init)
