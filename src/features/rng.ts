// Private seeded RNG for the randomised SVD (src/tensor/rng.ts did not exist when this was
// written; switch to it once it does). mulberry32 for uniforms, Box–Muller for normals.

/** A seeded generator of uniform [0, 1) and standard normal numbers. */
export interface Rng {
  uniform(): number;
  normal(): number;
}

/** Deterministic RNG from a 32-bit seed. Example: makeRng(42).normal() */
export function makeRng(seed: number): Rng {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  let spare: number | null = null;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    let u = 0;
    while (u === 0) u = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
  return { uniform, normal };
}
