// Finite-difference gradient check for tape ops. The output is reduced to a scalar with a
// seeded random projection L = sum(out * R), accumulated in float64; each input element is
// nudged by +-eps (central differences) and compared with the tape's gradient.
import { Rng, Tape, Tensor } from '../tensor/index.ts';

/** Settings of gradcheck. */
export interface GradcheckOpts {
  /** Finite-difference step (float32 forward: 1e-2 .. 1e-3 works; tiny steps drown in rounding). */
  eps?: number;
  /** Pass when |analytic - numeric| <= atol + rtol * |numeric|. */
  atol?: number;
  rtol?: number;
  /** Seed of the projection R. */
  seed?: number;
  /** Check at most this many elements per input (evenly spread). */
  maxPerInput?: number;
  /**
   * Float64 reference of the op (flat inputs -> flat output). When given, the forward output
   * is checked against it and the numeric gradient comes from central differences of the
   * reference in float64 (eps 1e-6), so tolerances can be tight (default atol 1e-4, rtol 1e-3).
   */
  reference?: (inputs: Float64Array[]) => ArrayLike<number>;
}

/** Result of a successful check (for reporting). */
export interface GradcheckResult {
  checked: number;
  maxAbsErr: number;
}

/**
 * Checks d sum(fn(inputs) * R) / d inputs against central differences (of fn in float32, or
 * of opts.reference in float64); throws an Error naming
 * the input, the element, and both values on the first mismatch. Inputs must be leaf tensors
 * with requiresGrad (their data is perturbed and restored).
 * @example gradcheck((tp, [a, b]) => matmul(tp, a, b), [randn([3, 4]), randn([4, 2])]);
 */
export function gradcheck(fn: (tp: Tape, inputs: Tensor[]) => Tensor, inputs: Tensor[],
  opts: GradcheckOpts = {}): GradcheckResult {
  const ref = opts.reference;
  const eps = opts.eps ?? (ref ? 1e-6 : 1e-2);
  const atol = opts.atol ?? (ref ? 1e-4 : 2e-3), rtol = opts.rtol ?? (ref ? 1e-3 : 2e-2);
  const maxPer = opts.maxPerInput ?? 200;
  const tp = new Tape();
  const out = fn(tp, inputs);
  const rng = new Rng(opts.seed ?? 7);
  const R = new Float64Array(out.size);
  for (let i = 0; i < R.length; i++) R[i] = rng.uniform(-1, 1);
  tp.backward(out, Float32Array.from(R));
  const analytic = inputs.map((t) => (t.grad ? t.grad.slice() : new Float32Array(t.size)));
  tp.reset();

  const x64 = inputs.map((t) => Float64Array.from(t.data));
  if (ref) {
    const want = ref(x64);
    const t2 = new Tape(undefined, { grad: false });
    const got = fn(t2, inputs).data;
    if (want.length !== got.length) throw new Error(`gradcheck: reference output has ${want.length} values, the op ${got.length}`);
    for (let i = 0; i < got.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= 1e-4 + 1e-4 * Math.abs(want[i]))) {
        throw new Error(`gradcheck: forward output ${i}: op ${got[i]} vs float64 reference ${want[i]}`);
      }
    }
  }
  const evalLoss = (): number => {
    let s = 0;
    if (ref) {
      const o = ref(x64);
      for (let i = 0; i < o.length; i++) s += o[i] * R[i];
      return s;
    }
    const t2 = new Tape(undefined, { grad: false });
    const o = fn(t2, inputs);
    for (let i = 0; i < o.size; i++) s += o.data[i] * R[i];
    return s;
  };
  let checked = 0, maxAbsErr = 0;
  inputs.forEach((t, ti) => {
    const step = Math.max(1, Math.ceil(t.size / maxPer));
    const xs = ref ? x64[ti] : t.data;
    for (let i = 0; i < t.size; i += step) {
      const x0 = xs[i];
      xs[i] = x0 + eps;
      const lp = evalLoss();
      xs[i] = x0 - eps;
      const lm = evalLoss();
      xs[i] = x0;
      const num = (lp - lm) / (2 * eps);
      const ana = analytic[ti][i];
      const err = Math.abs(ana - num);
      maxAbsErr = Math.max(maxAbsErr, err);
      checked++;
      if (!(err <= atol + rtol * Math.abs(num))) {
        throw new Error(`gradcheck: input ${ti} ${t.describe()} element ${i}: analytic ${ana.toPrecision(6)} vs numeric${ref ? ' (float64 reference)' : ''} ${num.toPrecision(6)} (|diff| ${err.toPrecision(3)})`);
      }
    }
  });
  return { checked, maxAbsErr };
}

/** A leaf tensor with requiresGrad and N(0, std^2) entries from a seeded Rng. */
export function randn(shape: number[], rng: Rng, std = 1, name = ''): Tensor {
  const t = Tensor.zeros(shape, { requiresGrad: true, name });
  for (let i = 0; i < t.size; i++) t.data[i] = std * rng.normal();
  return t;
}

/** Like randn but every |entry| >= gap (keeps relu / max / hinge inputs away from their kinks). */
export function randnAwayFromZero(shape: number[], rng: Rng, gap = 0.1, name = ''): Tensor {
  const t = randn(shape, rng, 1, name);
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i];
    if (Math.abs(v) < gap) t.data[i] = v < 0 ? v - gap : v + gap;
  }
  return t;
}

/** Asserts |actual[i] - expected[i]| <= tol * max(1, |expected[i]|) for all i, naming the first bad index. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6, what = 'values'): void {
  if (actual.length !== expected.length) throw new Error(`assertClose: ${what} length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      throw new Error(`assertClose: ${what}[${i}] = ${a}, expected ${e} (tol ${tol})`);
    }
  }
}
