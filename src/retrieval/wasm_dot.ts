// A hand-assembled WebAssembly SIMD kernel for the one thing exact retrieval does: dot products
// of one query with many item rows. Why not the project GEMM: Debian's OpenBLAS 0.3.21 has no
// GEMM->GEMV shortcut, so sgemm with M=1 packs the item matrix and runs at ~5 GB/s (26 ms for
// 250k x 128 on this machine); plain JS loops are scalar. This kernel keeps the query chunk in
// a register and streams 4 item rows at a time with 4 independent f32x4 accumulators, which
// is enough to be limited by memory bandwidth. Memory is a shared WebAssembly.Memory so worker
// threads can score other rows of the same copy.
//
// Exported functions (all pointers are byte offsets into the memory, 16-byte aligned):
//   dot4i8(x, q, rows, dim, out): the same over int8 rows and an int16 query into int32 (below)
//   dot4(x: i32, q: i32, rows: i32, dim: i32, out: i32)
//   out[r] = sum_d x[r*dim + d] * q[d]  for r in [0, rows); rows % 4 == 0, dim % 8 == 0, dim >= 8
// Per-lane partial sums are added as ((l0 + l1) + (l2 + l3)) in float32.

import {
  BLOCK, BR, BR_IF, END, F64, I32, I32_ADD, I32_CONST, I32_GEU, I32_LTU, I32_SHL, I32_STORE, IF, LOCAL_GET, LOCAL_SET,
  LOCAL_TEE, LOOP, SIMD, V128, VOID, funcBody, instantiateWithMemory, section, str, uleb, wasmApi, wasmModule,
  type WasmMemory, type WasmModule,
} from '../tensor/wasm_asm.ts';

const F32_ADD = 0x92, F32_STORE = 0x38;
const v128load = [SIMD, 0x00, 4, 0]; // align 2^4, offset 0
const v128load16 = [SIMD, 0x00, 4, 16]; // align 2^4, offset 16 bytes
const f32x4add = [SIMD, 0xe4, 0x01];
const f32x4mul = [SIMD, 0xe6, 0x01];
const lane = (l: number) => [SIMD, 0x1f, l];
const laneI32 = (l: number) => [SIMD, 0x1b, l];
const i16x8ExtLowI8 = [SIMD, 0x87, 0x01];
const i16x8ExtHighI8 = [SIMD, 0x88, 0x01];
const i32x4DotI16 = [SIMD, 0xba, 0x01];
const i32x4add = [SIMD, 0xae, 0x01];
const v128zero = [SIMD, 0x0c, ...new Array<number>(16).fill(0)];

// Locals: params 0 x, 1 q, 2 rows, 3 dim, 4 out; 5 r, 6 j, 7 rowBytes, 8 p1, 9 p2, 10 p3 (i32);
// 11..14 acc0..acc3, 15 q[j..j+4), 16 q[j+4..j+8) (v128).
function body(): number[] {
  const g = (i: number) => [LOCAL_GET, i];
  const s = (i: number) => [LOCAL_SET, i];
  const t = (i: number) => [LOCAL_TEE, i];
  // acc += x[p + j .. +4) * q[j .. +4)  and  acc += x[p + j + 4 .. +8) * q[j + 4 .. +8)
  const acc = (a: number, p: number) => [...g(a), ...g(p), ...g(6), I32_ADD, ...v128load, ...g(15), ...f32x4mul,
    ...f32x4add, ...g(p), ...g(6), I32_ADD, ...v128load16, ...g(16), ...f32x4mul, ...f32x4add, ...s(a)];
  const hsum = (a: number, off: number) => [...g(4), ...g(a), ...lane(0), ...g(a), ...lane(1), F32_ADD,
    ...g(a), ...lane(2), ...g(a), ...lane(3), F32_ADD, F32_ADD, F32_STORE, 2, off];
  const code = [
    ...g(3), I32_CONST, 2, I32_SHL, ...s(7), // rowBytes = dim << 2
    BLOCK, VOID,
    LOOP, VOID,
    ...g(5), ...g(2), I32_GEU, BR_IF, 1, // if r >= rows: done
    ...g(0), ...g(7), I32_ADD, ...t(8), ...g(7), I32_ADD, ...t(9), ...g(7), I32_ADD, ...s(10),
    ...v128zero, ...t(11), ...t(12), ...t(13), ...s(14),
    I32_CONST, 0, ...s(6),
    LOOP, VOID,
    ...g(1), ...g(6), I32_ADD, ...v128load, ...s(15), ...g(1), ...g(6), I32_ADD, ...v128load16, ...s(16), // q[j..j+8)
    ...acc(11, 0), ...acc(12, 8), ...acc(13, 9), ...acc(14, 10),
    ...g(6), I32_CONST, 32, I32_ADD, ...t(6), ...g(7), I32_LTU, BR_IF, 0,
    END,
    ...hsum(11, 0), ...hsum(12, 4), ...hsum(13, 8), ...hsum(14, 12),
    ...g(4), I32_CONST, 16, I32_ADD, ...s(4), // out += 4 floats
    ...g(10), ...g(7), I32_ADD, ...s(0), // x = p3 + rowBytes
    ...g(5), I32_CONST, 4, I32_ADD, ...s(5), // r += 4
    BR, 0,
    END,
    END,
    END,
  ];
  const locals = [2, 6, I32, 6, V128]; // 2 groups: 6 x i32, 6 x v128
  return funcBody([...locals, ...code]);
}

// dot4i8: out_i32[r] = sum_d x_i8[r*dim + d] * q_i16[d]; rows % 4 == 0, dim % 16 == 0. Each i32
// lane sums dim/4 products of at most 127 * 16383, so dim <= 4096 cannot overflow.
// Locals: params as dot4; 5 r, 6 j, 7 rowBytes, 8 p1, 9 p2, 10 p3 (i32); 11..14 acc0..acc3,
// 15 q[j..j+8), 16 q[j+8..j+16), 17 x chunk (v128).
function bodyI8(): number[] {
  const g = (i: number) => [LOCAL_GET, i];
  const s = (i: number) => [LOCAL_SET, i];
  const t = (i: number) => [LOCAL_TEE, i];
  const acc = (a: number, p: number) => [...g(p), ...g(6), I32_ADD, ...v128load, ...s(17),
    ...g(a), ...g(17), ...i16x8ExtLowI8, ...g(15), ...i32x4DotI16, ...i32x4add,
    ...g(17), ...i16x8ExtHighI8, ...g(16), ...i32x4DotI16, ...i32x4add, ...s(a)];
  const hsum = (a: number, off: number) => [...g(4), ...g(a), ...laneI32(0), ...g(a), ...laneI32(1), I32_ADD,
    ...g(a), ...laneI32(2), ...g(a), ...laneI32(3), I32_ADD, I32_ADD, I32_STORE, 2, off];
  const qaddr = [...g(1), ...g(6), I32_ADD, ...g(6), I32_ADD]; // q + 2 j (int16)
  const code = [
    ...g(3), ...s(7), // rowBytes = dim
    BLOCK, VOID,
    LOOP, VOID,
    ...g(5), ...g(2), I32_GEU, BR_IF, 1,
    ...g(0), ...g(7), I32_ADD, ...t(8), ...g(7), I32_ADD, ...t(9), ...g(7), I32_ADD, ...s(10),
    ...v128zero, ...t(11), ...t(12), ...t(13), ...s(14),
    I32_CONST, 0, ...s(6),
    LOOP, VOID,
    ...qaddr, ...v128load, ...s(15), ...qaddr, ...v128load16, ...s(16),
    ...acc(11, 0), ...acc(12, 8), ...acc(13, 9), ...acc(14, 10),
    ...g(6), I32_CONST, 16, I32_ADD, ...t(6), ...g(7), I32_LTU, BR_IF, 0,
    END,
    ...hsum(11, 0), ...hsum(12, 4), ...hsum(13, 8), ...hsum(14, 12),
    ...g(4), I32_CONST, 16, I32_ADD, ...s(4),
    ...g(10), ...g(7), I32_ADD, ...s(0),
    ...g(5), I32_CONST, 4, I32_ADD, ...s(5),
    BR, 0,
    END,
    END,
    END,
  ];
  return funcBody([2, 6, I32, 7, V128, ...code]);
}

// filterI8(dots, meta, rows, rowBase, out, tau, sq, a, bc) -> count: for each row i of a block,
// U = (sq * scale_i) * dot_i + (a * resid_i + bc * norm_i) in float64 (the same operations, in
// the same order, as the TypeScript side) and writes rowBase + i to out when U >= tau. meta
// holds (scale, resid, norm) float64 triples per row.
// Locals: params 0 dots, 1 meta, 2 rows, 3 rowBase, 4 out (i32), 5 tau, 6 sq, 7 a, 8 bc (f64);
// 9 i, 10 count (i32).
function bodyFilter(): number[] {
  const g = (i: number) => [LOCAL_GET, i];
  const s = (i: number) => [LOCAL_SET, i];
  const f64load = (off: number) => [0x2b, 3, off];
  const code = [
    BLOCK, VOID,
    LOOP, VOID,
    ...g(9), ...g(2), I32_GEU, BR_IF, 1,
    ...g(6), ...g(1), ...f64load(0), 0xa2, // sq * scale
    ...g(0), 0x28, 2, 0, 0xb7, 0xa2, // * f64(dot)
    ...g(7), ...g(1), ...f64load(8), 0xa2, // a * resid
    ...g(8), ...g(1), ...f64load(16), 0xa2, // bc * norm
    0xa0, 0xa0, // c + (a*resid + bc*norm)
    ...g(5), 0x66, // >= tau
    IF, VOID,
    ...g(4), ...g(10), I32_CONST, 2, I32_SHL, I32_ADD, ...g(3), ...g(9), I32_ADD, I32_STORE, 2, 0,
    ...g(10), I32_CONST, 1, I32_ADD, ...s(10),
    END,
    ...g(0), I32_CONST, 4, I32_ADD, ...s(0),
    ...g(1), I32_CONST, 24, I32_ADD, ...s(1),
    ...g(9), I32_CONST, 1, I32_ADD, ...s(9),
    BR, 0,
    END,
    END,
    ...g(10),
    END,
  ];
  return funcBody([1, 2, I32, ...code]);
}

/** The kernel's module bytes (tiny; built once). */
export function dotModuleBytes(): Uint8Array {
  const type = [2, 0x60, 5, I32, I32, I32, I32, I32, 0, 0x60, 9, I32, I32, I32, I32, I32, F64, F64, F64, F64, 1, I32];
  const imp = [1, ...str('env'), ...str('mem'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]; // shared, max 4 GiB
  const fns = [3, 0, 0, 1];
  const exp = [3, ...str('dot4'), 0x00, 0, ...str('dot4i8'), 0x00, 1, ...str('filterI8'), 0x00, 2];
  return wasmModule(section(1, type), section(2, imp), section(3, fns), section(7, exp),
    section(10, [3, ...body(), ...bodyI8(), ...bodyFilter()]));
}

let compiled: WasmModule | null | undefined;

/** The compiled module, or null when this runtime lacks wasm SIMD or shared memory. */
export function dotModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    if (!wasmApi) throw new Error('no WebAssembly');
    compiled = new wasmApi.Module(dotModuleBytes());
  } catch {
    compiled = null;
  }
  return compiled;
}

/** dot4 bound to a memory. See the file comment for the contract. */
export type Dot4 = (x: number, q: number, rows: number, dim: number, out: number) => void;
/** filterI8 bound to a memory. See bodyFilter for the contract. */
export type FilterI8 = (dots: number, meta: number, rows: number, rowBase: number, out: number,
  tau: number, sq: number, a: number, bc: number) => number;

/** Instantiates the kernels over `memory` (must be a shared WebAssembly.Memory). */
export function instantiateDot(module: WasmModule, memory: WasmMemory): { dot4: Dot4; dot4i8: Dot4; filterI8: FilterI8 } {
  const ex = instantiateWithMemory(wasmApi!, module, memory);
  return { dot4: ex.dot4 as Dot4, dot4i8: ex.dot4i8 as Dot4, filterI8: ex.filterI8 as FilterI8 };
}
