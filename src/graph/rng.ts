// Kept separate from tensor/rng.ts on purpose: same xoshiro128** step, but different splitmix32 seeding and a multiply-shift int(), so every stream differs and the synthetic data and committed results depend on these exact sequences.
// Small, fast, seedable PRNG private to the graph stage (xoshiro128**, seeded by splitmix32).
// The samplers call it millions of times per epoch, so it is a plain class over four int32
// state words (no allocation per draw, monomorphic, inlined by V8).
// Written before src/tensor/rng.ts existed.

/** Seedable 32-bit PRNG (xoshiro128**). Same seed → same stream on every platform. */
export class GraphRng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Resets the stream to the one produced by `new GraphRng(seed)`. */
  reseed(seed: number): void {
    if (!Number.isFinite(seed)) throw new Error(`GraphRng: seed must be a finite number, got ${seed}`);
    // splitmix32 expands the seed into four non-zero state words.
    let x = (Math.floor(seed) ^ 0x9e3779b9) | 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Copies the four state words out (for loops that inline the generator on locals). */
  getState(out: Int32Array): void {
    out[0] = this.s0; out[1] = this.s1; out[2] = this.s2; out[3] = this.s3;
  }

  /** Restores state words written by getState (after advancing them with the same recurrence). */
  setState(s: Int32Array): void {
    this.s0 = s[0]! | 0; this.s1 = s[1]! | 0; this.s2 = s[2]! | 0; this.s3 = s[3]! | 0;
  }

  /** Next uniform unsigned 32-bit integer. */
  nextU32(): number {
    const s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result >>> 0;
  }

  /** Uniform integer in [0, n); n must be in [1, 2^31]. Multiply-shift (bias < n / 2^32). */
  int(n: number): number {
    return Math.floor((this.nextU32() * n) / 4294967296);
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** In-place Fisher–Yates shuffle of a[0, length). */
  shuffle(a: Int32Array | Uint32Array, length: number = a.length): void {
    for (let i = length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  }
}
