// Small dense linear algebra in float64 for the randomised SVD: Householder QR and the
// symmetric eigen-decomposition (Householder tridiagonalisation + implicit QL, the classic
// tred2/tql2 pair). Sizes here are (k+p) × (k+p), a few hundred at most; all row-major.

/**
 * Thin QR of a tall matrix by Householder reflections. a: [m, n], m >= n ->
 * q: [m, n] with orthonormal columns, r: [n, n] upper triangular, a = q r.
 * Example: const { q, r } = householderQr(a, 5, 3);
 */
export function householderQr(a: ArrayLike<number>, m: number, n: number): { q: Float64Array; r: Float64Array } {
  if (m < n) throw new Error(`householderQr: expected m >= n, got m=${m} n=${n}`);
  if (a.length < m * n) throw new Error(`householderQr: a expected ${m}x${n}=${m * n} values, got ${a.length}`);
  const w = Float64Array.from({ length: m * n }, (_, i) => a[i]);
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += w[i * n + k] * w[i * n + k];
    norm = Math.sqrt(norm);
    const v = new Float64Array(m);
    if (norm === 0) { vs.push(v); continue; }
    const alpha = w[k * n + k] > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = w[i * n + k];
    v[k] -= alpha;
    let vn = 0;
    for (let i = k; i < m; i++) vn += v[i] * v[i];
    vn = Math.sqrt(vn);
    if (vn === 0) { vs.push(new Float64Array(m)); continue; }
    for (let i = k; i < m; i++) v[i] /= vn;
    // w[k:, k:] -= 2 v (vᵀ w[k:, k:])
    for (let j = k; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i] * w[i * n + j];
      s *= 2;
      for (let i = k; i < m; i++) w[i * n + j] -= s * v[i];
    }
    vs.push(v);
  }
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[i * n + j];
  // q = H_0 ... H_{n-1} [I; 0]
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = k; i < m; i++) s += v[i] * q[i * n + j];
      s *= 2;
      if (s !== 0) for (let i = k; i < m; i++) q[i * n + j] -= s * v[i];
    }
  }
  return { q, r };
}

/**
 * Eigen-decomposition of a symmetric matrix. a: [n, n] (only symmetric input is meaningful)
 * -> values [n] in descending order, vectors [n, n] with eigenvector i in column i
 * (a = V diag(values) Vᵀ).
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  if (a.length < n * n) throw new Error(`symmetricEigen: a expected ${n}x${n}=${n * n} values, got ${a.length}`);
  const V: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n);
    for (let j = 0; j < n; j++) row[j] = 0.5 * (a[i * n + j] + a[j * n + i]);
    V.push(row);
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) { tred2(V, d, e, n); tql2(V, d, e, n); }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[y] - d[x]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k][src];
  });
  return { values, vectors };
}

/** Householder reduction of V (symmetric) to tridiagonal form; d diagonal, e off-diagonal. */
function tred2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) { d[j] = V[i - 1][j]; V[i][j] = 0; V[j][i] = 0; }
    } else {
      for (let k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[j][i] = f;
        g = e[j] + V[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) { g += V[k][j] * d[k]; e[k] += V[k][j] * f; }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[k][j] -= f * e[k] + g * d[k];
        d[j] = V[i - 1][j];
        V[i][j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[n - 1][i] = V[i][i];
    V[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[k][i + 1] * V[k][j];
        for (let k = 0; k <= i; k++) V[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) { d[j] = V[n - 1][j]; V[n - 1][j] = 0; }
  V[n - 1][n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), accumulating rotations into V. */
function tql2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error(`symmetricEigen: QL iteration did not converge for eigenvalue ${l} of ${n}`);
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const vk = V[k];
            h = vk[i + 1];
            vk[i + 1] = s * vk[i] + c * h;
            vk[i] = c * vk[i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
