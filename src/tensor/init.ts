// Weight initialisers. Fans follow the [D, H] (in, out) layout of our weights: fanIn = shape[0],
// fanOut = shape[1]; vectors use their length for both.
import type { Rng } from './rng.ts';

/** Fills `out` (a parameter of the given shape) using rng. */
export type Init = (out: Float32Array, shape: readonly number[], rng: Rng) => void;

function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const rest = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[0] * rest, shape[1] * rest];
}

/** All zeros (biases). */
export const zeros: Init = (out) => { out.fill(0); };

/** A constant. */
export const constant = (v: number): Init => (out) => { out.fill(v); };

/** N(0, std^2) (embedding tables). */
export const normal = (std: number): Init => (out, _s, rng) => {
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
};

/** U(-a, a). */
export const uniform = (a: number): Init => (out, _s, rng) => {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-a, a);
};

/** Glorot/Xavier uniform: U(-sqrt(6 / (fanIn + fanOut)), +...) (linear / tanh layers). */
export const glorotUniform: Init = (out, shape, rng) => {
  const [fi, fo] = fans(shape);
  uniform(Math.sqrt(6 / (fi + fo)))(out, shape, rng);
};

/** Glorot/Xavier normal: N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal: Init = (out, shape, rng) => {
  const [fi, fo] = fans(shape);
  normal(Math.sqrt(2 / (fi + fo)))(out, shape, rng);
};

/** He/Kaiming normal: N(0, 2 / fanIn) (layers followed by ReLU). */
export const heNormal: Init = (out, shape, rng) => {
  normal(Math.sqrt(2 / fans(shape)[0]))(out, shape, rng);
};

/** He/Kaiming uniform: U(-sqrt(6 / fanIn), +...). */
export const heUniform: Init = (out, shape, rng) => {
  uniform(Math.sqrt(6 / fans(shape)[0]))(out, shape, rng);
};
