// Shape and argument checks shared by the ops. Every message names the op, the argument,
// what was expected and what came.
import type { Tensor } from '../tensor.ts';

/** Formats a shape as [a, b]. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless t has the given rank. */
export function expectRank(op: string, arg: string, t: Tensor, rank: number): void {
  if (t.shape.length !== rank) {
    throw new RangeError(`${op}: ${arg} must have rank ${rank}, got shape ${fmt(t.shape)}`);
  }
}

/** Throws unless a and b have identical shapes. */
export function expectSameShape(op: string, a: Tensor, aName: string, b: Tensor, bName: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${op}: ${bName} must have the shape of ${aName} ${fmt(a.shape)}, got ${fmt(b.shape)}`);
  }
}

/** Throws unless arr has exactly n elements. */
export function expectLength(op: string, arg: string, arr: ArrayLike<number>, n: number, what: string): void {
  if (arr.length !== n) throw new RangeError(`${op}: ${arg} must have length ${n} (${what}), got ${arr.length}`);
}

/** Throws unless v is a finite number. */
export function expectFinite(op: string, arg: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${op}: ${arg} must be a finite number, got ${v}`);
}

/** Throws unless a is an Int32Array. */
export function expectI32(op: string, arg: string, a: unknown): asserts a is Int32Array {
  if (!(a instanceof Int32Array)) {
    throw new TypeError(`${op}: ${arg} must be an Int32Array, got ${a === null ? 'null' : (a as object)?.constructor?.name ?? typeof a}`);
  }
}
