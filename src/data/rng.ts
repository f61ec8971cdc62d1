// Kept separate from tensor/rng.ts on purpose: a different generator (sfc32, not xoshiro128**) whose exact sequences the synthetic data set and the committed results depend on.
/** Seeded pseudo-random numbers (sfc32): reproducible across runs and platforms. */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9; this.b = 0x243f6a88; this.c = 0xb7e15162; this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** uniform in [0, 1) */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  /** integer in [0, n) */
  int(n: number): number { return Math.floor(this.next() * n); }
  /** standard normal (Box–Muller) */
  normal(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  /** exponential with the given mean */
  exp(mean: number): number { return -Math.log(1 - this.next()) * mean; }
  /** Gamma(shape, 1) (Marsaglia–Tsang; shape < 1 by boosting) */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.next() || 1e-12, 1 / shape);
    const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do { x = this.normal(); v = 1 + c * x; } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }
  /** Poisson(lambda) (inversion for small lambda, rounded normal above 30) */
  poisson(lambda: number): number {
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0, p = this.next();
    while (p > l) { k++; p *= this.next(); }
    return k;
  }
  /** index drawn from cumulative weights `cum[0..n)` (cum ascending, cum[n-1] = total) */
  pickCum(cum: Float64Array | number[], n = cum.length): number {
    const x = this.next() * cum[n - 1];
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
  /** index drawn from (unnormalised) weights */
  pick(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) { x -= weights[i]; if (x < 0) return i; }
    return weights.length - 1;
  }
}
