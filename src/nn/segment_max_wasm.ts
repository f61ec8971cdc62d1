// Hand-assembled WebAssembly SIMD kernels for the max-pool message (the hot non-GEMM part of
// the HGNN). Why: the addon's segmentMax is a scalar, branchy loop that also always writes an
// arg-max, ~1.8 ns per element; it took as long as the GEMMs in full-graph inference and ~15%
// of a training step. f32x4 compare + bitselect does 4 columns per instruction, and the bias +
// ReLU (+ accumulation) passes are fused into the same sweep. Same operations, same order, same
// tie rule (strict '>' keeps the first maximum) as kernels_ts.segmentMaxTs, so the results are
// bit-identical (segment_max_wasm.test.ts).
//
// Every pointer is a byte offset into one WebAssembly.Memory (the WasmArena below); `ld*` are
// row strides in bytes, `hb` = H * 4 (H % 4 == 0). Exported functions:
//   maxAcc(t, ldt, idx, indptr, n, b, acc, ldacc, hb): for dst i < n with a non-empty segment,
//     acc[i, :] += relu(max_{e in seg(i)} t[idx[e], :] + b)     (empty segments add nothing)
//   maxArg(t, ldt, idx, indptr, n, b, out, arg, hb): out[i, :] = relu(max_e t[idx[e], :] + b),
//     arg[i, :] = arg-max row idx[e] (first on ties); empty: out 0, arg -1. out/arg stride hb.
//   maxArgAcc(t, ldt, idx, indptr, n, b, acc, arg, hb): v = max_e t[idx[e], :] + b; acc[i, :] +=
//     relu(v); arg[i, :] = arg-max row where v > 0, else -1 (the ReLU mask rides in arg)
//   addBias(p, n, ldp, b, hb): p[i, :] += b                     (row stride ldp)
//   relu(p, nbytes): p = p > 0 ? p : 0                          (nbytes % 16 == 0)

import {
  BLOCK, BR, BR_IF, ELSE, END, I32, I32_ADD as ADD, I32_CONST as I32CONST, I32_GEU as GEU, I32_GTS as GTS, I32_LOAD as I32LOAD,
  I32_MUL as MUL, I32_SHL as SHL, IF, LOCAL_GET as GET, LOCAL_SET as SET, LOCAL_TEE as TEE, LOOP, SIMD as S, V128, VOID,
  funcBody, section, sleb, str, uleb, wasmApi, wasmModule, instantiateWithMemory, type WasmApi, type WasmMemory, type WasmModule,
} from '../tensor/wasm_asm.ts';

const load = (): number[] => [S, 0x00, 2, 0]; // v128.load align 4 (rows are only 4-byte aligned in general)
const store = (): number[] => [S, 0x0b, 2, 0];
const i32load = (): number[] => [I32LOAD, 2, 0];
const gt = [S, 0x44]; // f32x4.gt
const bitselect = [S, 0x52]; // (a, b, mask) -> a & mask | b & ~mask
const fadd = [S, 0xe4, 0x01];
const i32splat = [S, 0x11];
const zero = [S, 0x0c, ...new Array<number>(16).fill(0)];
const minus1 = [S, 0x0c, ...new Array<number>(16).fill(0xff)];
const g = (i: number): number[] => [GET, i];
const s = (i: number): number[] => [SET, i];
const tee = (i: number): number[] => [TEE, i];
const c = (v: number): number[] => [I32CONST, ...sleb(v)];

const fn = (locals: number[], code: number[]): number[] => funcBody([...locals, ...code, END]);
// `for (; a < b; a += step) body` as block/loop
const forLt = (a: number, b: number[], step: number[], body: number[]): number[] => [
  BLOCK, VOID, LOOP, VOID, ...g(a), ...b, GEU, BR_IF, 1, ...body, ...g(a), ...step, ADD, ...s(a), BR, 0, END, END,
];

// Shared inner part: m (v128 local) = max over e in [e0, e1) of t[idx[e]] + j, with arg-max.
// params: t 0, ldt 1, idx 2; locals e, e0, e1, j, r (i32) and m, v, a, mask (v128).
function segMax(L: { e: number; e0: number; e1: number; j: number; r: number; m: number; v: number; a: number; k: number },
  withArg: boolean): number[] {
  const rowAt = (e: number[]): number[] => [...g(2), ...e, ...c(2), SHL, ADD, ...i32load(), ...tee(L.r), ...g(1), MUL, ...g(0), ADD, ...g(L.j), ADD];
  return [
    ...rowAt(g(L.e0)), ...load(), ...s(L.m),
    ...(withArg ? [...g(L.r), ...i32splat, ...s(L.a)] : []),
    ...g(L.e0), ...c(1), ADD, ...s(L.e),
    ...forLt(L.e, g(L.e1), c(1), [
      ...rowAt(g(L.e)), ...load(), ...s(L.v),
      ...g(L.v), ...g(L.m), ...gt, ...s(L.k), // mask = v > m
      ...g(L.v), ...g(L.m), ...g(L.k), ...bitselect, ...s(L.m),
      ...(withArg ? [...g(L.r), ...i32splat, ...g(L.a), ...g(L.k), ...bitselect, ...s(L.a)] : []),
    ]),
  ];
}

// relu(m + b[j]) left on the stack; params b at index bIdx
const biasRelu = (m: number, v: number, bIdx: number, j: number): number[] => [
  ...g(m), ...g(bIdx), ...g(j), ADD, ...load(), ...fadd, ...tee(v), ...zero, ...g(v), ...zero, ...gt, ...bitselect,
];

function maxAccBody(): number[] {
  // params: 0 t, 1 ldt, 2 idx, 3 indptr, 4 n, 5 b, 6 acc, 7 ldacc, 8 hb
  const L = { i: 9, e: 10, e0: 11, e1: 12, j: 13, r: 14, p: 15, m: 16, v: 17, a: 18, k: 19 };
  return fn([2, 7, I32, 4, V128], forLt(L.i, g(4), c(1), [
    ...g(3), ...g(L.i), ...c(2), SHL, ADD, ...tee(L.p), ...i32load(), ...s(L.e0),
    ...g(L.p), ...c(4), ADD, ...i32load(), ...tee(L.e1), ...g(L.e0), GTS, IF, VOID,
    ...c(0), ...s(L.j),
    ...forLt(L.j, g(8), c(16), [
      ...segMax(L, false),
      ...g(6), ...g(L.i), ...g(7), MUL, ADD, ...g(L.j), ADD, ...tee(L.p), // acc row + j
      ...g(L.p), ...load(), ...biasRelu(L.m, L.v, 5, L.j), ...fadd, ...store(),
    ]),
    END,
  ]));
}

function maxArgBody(): number[] {
  // params: 0 t, 1 ldt, 2 idx, 3 indptr, 4 n, 5 b, 6 out, 7 arg, 8 hb
  const L = { i: 9, e: 10, e0: 11, e1: 12, j: 13, r: 14, p: 15, m: 16, v: 17, a: 18, k: 19 };
  const outAt = (base: number): number[] => [...g(base), ...g(L.i), ...g(8), MUL, ADD, ...g(L.j), ADD];
  return fn([2, 7, I32, 4, V128], forLt(L.i, g(4), c(1), [
    ...g(3), ...g(L.i), ...c(2), SHL, ADD, ...tee(L.p), ...i32load(), ...s(L.e0),
    ...g(L.p), ...c(4), ADD, ...i32load(), ...s(L.e1),
    ...c(0), ...s(L.j),
    ...g(L.e1), ...g(L.e0), GTS, IF, VOID,
    ...forLt(L.j, g(8), c(16), [
      ...segMax(L, true),
      ...outAt(6), ...biasRelu(L.m, L.v, 5, L.j), ...store(),
      ...outAt(7), ...g(L.a), ...store(),
    ]),
    ELSE, // else: empty segment -> 0, -1
    ...forLt(L.j, g(8), c(16), [...outAt(6), ...zero, ...store(), ...outAt(7), ...minus1, ...store()]),
    END,
  ]));
}

function maxArgAccBody(): number[] {
  // params: 0 t, 1 ldt, 2 idx, 3 indptr, 4 n, 5 b, 6 acc, 7 arg, 8 hb
  const L = { i: 9, e: 10, e0: 11, e1: 12, j: 13, r: 14, p: 15, m: 16, v: 17, a: 18, k: 19 };
  const at = (base: number): number[] => [...g(base), ...g(L.i), ...g(8), MUL, ADD, ...g(L.j), ADD];
  return fn([2, 7, I32, 4, V128], forLt(L.i, g(4), c(1), [
    ...g(3), ...g(L.i), ...c(2), SHL, ADD, ...tee(L.p), ...i32load(), ...s(L.e0),
    ...g(L.p), ...c(4), ADD, ...i32load(), ...s(L.e1),
    ...c(0), ...s(L.j),
    ...g(L.e1), ...g(L.e0), GTS, IF, VOID,
    ...forLt(L.j, g(8), c(16), [
      ...segMax(L, true),
      // v = m + b; k = v > 0; acc += (k ? v : 0); arg = k ? a : -1
      ...g(L.m), ...g(5), ...g(L.j), ADD, ...load(), ...fadd, ...tee(L.v), ...zero, ...gt, ...s(L.k),
      ...at(6), ...at(6), ...load(), ...g(L.v), ...zero, ...g(L.k), ...bitselect, ...fadd, ...store(),
      ...at(7), ...g(L.a), ...minus1, ...g(L.k), ...bitselect, ...store(),
    ]),
    ELSE, // else: empty segment -> acc unchanged, arg -1
    ...forLt(L.j, g(8), c(16), [...at(7), ...minus1, ...store()]),
    END,
  ]));
}

function addBiasBody(): number[] {
  // params: 0 p, 1 n, 2 ldp, 3 b, 4 hb; locals 5 i, 6 j, 7 q
  return fn([1, 3, I32], forLt(5, g(1), c(1), [
    ...c(0), ...s(6),
    ...forLt(6, g(4), c(16), [
      ...g(0), ...g(5), ...g(2), MUL, ADD, ...g(6), ADD, ...tee(7),
      ...g(7), ...load(), ...g(3), ...g(6), ADD, ...load(), ...fadd, ...store(),
    ]),
  ]));
}

function reluBody(): number[] {
  // params: 0 p, 1 nbytes; locals 2 j (i32), 3 v (v128)
  return fn([2, 1, I32, 1, V128], forLt(2, g(1), c(16), [
    ...g(0), ...g(2), ADD,
    ...g(0), ...g(2), ADD, ...load(), ...tee(3), ...zero, ...g(3), ...zero, ...gt, ...bitselect, ...store(),
  ]));
}

function moduleBytes(): Uint8Array {
  const t9 = [0x60, 9, ...new Array<number>(9).fill(I32), 0];
  const type = [3, ...t9, 0x60, 5, I32, I32, I32, I32, I32, 0, 0x60, 2, I32, I32, 0];
  const imp = [1, ...str('env'), ...str('mem'), 0x02, 0x00, ...uleb(1)];
  const fns = [5, 0, 0, 1, 2, 0];
  const exp = [5, ...str('maxAcc'), 0, 0, ...str('maxArg'), 0, 1, ...str('addBias'), 0, 2, ...str('relu'), 0, 3, ...str('maxArgAcc'), 0, 4];
  const code = [5, ...maxAccBody(), ...maxArgBody(), ...addBiasBody(), ...reluBody(), ...maxArgAccBody()];
  return wasmModule(section(1, type), section(2, imp), section(3, fns), section(7, exp), section(10, code));
}

type F9 = (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number) => void;

/**
 * One growable WebAssembly memory with a bump allocator and the kernels bound to it. Views
 * handed out are valid until the next `reset` (growing detaches the old buffer, so all growth
 * happens in `reset(bytes)`, before any allocation of a round).
 */
export class WasmArena {
  private readonly mem: WasmMemory;
  private top = 0;
  private cap: number;
  readonly maxAcc: F9;
  readonly maxArg: F9;
  readonly maxArgAcc: F9;
  readonly addBias: (p: number, n: number, ldp: number, b: number, hb: number) => void;
  readonly relu: (p: number, nbytes: number) => void;

  constructor(api: WasmApi, module: WasmModule) {
    this.mem = new api.Memory({ initial: 1 });
    this.cap = this.mem.buffer.byteLength;
    const ex = instantiateWithMemory(api, module, this.mem);
    this.maxAcc = ex.maxAcc as F9;
    this.maxArg = ex.maxArg as F9;
    this.maxArgAcc = ex.maxArgAcc as F9;
    this.addBias = ex.addBias as WasmArena['addBias'];
    this.relu = ex.relu as WasmArena['relu'];
  }

  /** Frees everything and makes room for at least `bytes` (plus 16-byte alignment slack per buffer). */
  reset(bytes: number): void {
    this.top = 0;
    if (bytes > this.cap) {
      this.mem.grow(Math.ceil((bytes - this.cap) / 65536));
      this.cap = this.mem.buffer.byteLength;
    }
  }

  private take(bytes: number, fn: string): number {
    const p = this.top;
    if (p + bytes > this.cap) throw new RangeError(`WasmArena.${fn}: ${bytes} bytes do not fit (reserved ${this.cap}, used ${p}); reset() with a larger size`);
    this.top = (p + bytes + 15) & ~15;
    return p;
  }

  /** Float32 buffer of n values: [byte pointer, view]. */
  f32(n: number): [number, Float32Array] {
    const p = this.take(4 * n, 'f32');
    return [p, new Float32Array(this.mem.buffer, p, n)];
  }

  /** Int32 buffer of n values: [byte pointer, view]. */
  i32(n: number): [number, Int32Array] {
    const p = this.take(4 * n, 'i32');
    return [p, new Int32Array(this.mem.buffer, p, n)];
  }
}

/** Bytes an arena round needs for buffers of these element counts (4-byte values, 16-byte aligned). */
export function arenaBytes(...counts: number[]): number {
  let b = 0;
  for (const n of counts) b += (4 * n + 15) & ~15;
  return b;
}

let arena: WasmArena | null | undefined;

/**
 * The process-wide arena (null when the runtime lacks WebAssembly SIMD: callers fall back to
 * the addon kernels). Single-threaded use only; every caller resets it at the start of a round.
 */
export function wasmArena(): WasmArena | null {
  if (arena !== undefined) return arena;
  try {
    const api = wasmApi;
    if (!api || process.env.HGREC_NO_WASM === '1') throw new Error('off');
    arena = new WasmArena(api, new api.Module(moduleBytes()));
  } catch {
    arena = null;
  }
  return arena;
}
