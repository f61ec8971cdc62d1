// The generic part of the project's hand-assembled WebAssembly modules (nn/segment_max_wasm.ts,
// retrieval/wasm_dot.ts): LEB128 integers, names, sections, function bodies, the module
// header, the opcode bytes both use, and the locally typed WebAssembly globals (the project's
// tsconfig has no DOM lib). Kernel-specific instruction sequences stay with their kernels.
// Internal helper: imported by path, not exported from the tensor stage's index.

// Value types.
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;
// Control.
export const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, END = 0x0b, BR = 0x0c, BR_IF = 0x0d;
/** Block type of a block/loop/if that yields nothing. */
export const VOID = 0x40;
// Locals and i32.
export const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, I32_CONST = 0x41;
export const I32_LOAD = 0x28, I32_STORE = 0x36;
export const I32_GTS = 0x4a, I32_LTU = 0x49, I32_GEU = 0x4f, I32_ADD = 0x6a, I32_MUL = 0x6c, I32_SHL = 0x74;
/** Prefix byte of the SIMD (v128) instructions. */
export const SIMD = 0xfd;

/** Unsigned LEB128 encoding of a non-negative integer < 2^32. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 encoding of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}

/** A section: id, byte length, body. */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A name (ASCII): length, bytes. */
export function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

/** A code-section entry: byte length, then `bytes` (local declarations + code, including the final END). */
export function funcBody(bytes: number[]): number[] {
  return [...uleb(bytes.length), ...bytes];
}

/** A whole module: magic, version 1, then the given (already encoded) sections in order. */
export function wasmModule(...sections: number[][]): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const s of sections) out.push(...s);
  return new Uint8Array(out);
}

/** A compiled WebAssembly module (opaque). */
export interface WasmModule { readonly __wasmModule?: never }
/** A WebAssembly memory; `buffer` is a SharedArrayBuffer when created with shared: true. */
export interface WasmMemory { readonly buffer: ArrayBufferLike; grow(pages: number): number }
/** The few members of the WebAssembly namespace the kernels use. */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

/** The runtime's WebAssembly namespace, or undefined without one. */
export const wasmApi: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Instantiates `module` with `memory` imported as env.mem; returns its exports. */
export function instantiateWithMemory(api: WasmApi, module: WasmModule, memory: WasmMemory): Record<string, unknown> {
  return new api.Instance(module, { env: { mem: memory } }).exports;
}
