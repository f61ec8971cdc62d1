// Minimal safetensors reader/writer for the feature artefacts (src/tensor had no safetensors
// I/O when this was written; switch to it when it exists). Layout: u64 LE header length,
// JSON header {name: {dtype, shape, data_offsets}, __metadata__: {string: string}}, then the
// raw little-endian tensor bytes. Writes are atomic (temp file in the same folder + rename).

import { readFileSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type StArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export interface StTensor { readonly data: StArray; readonly shape: readonly number[] }

const DTYPE: [string, new (n: number) => StArray][] = [['F32', Float32Array], ['F64', Float64Array], ['I32', Int32Array], ['U8', Uint8Array]];

function dtypeOf(a: StArray): string {
  for (const [name, ctor] of DTYPE) if (a instanceof ctor) return name;
  throw new Error(`writeSafetensors: unsupported array type ${(a as object).constructor?.name}`);
}

/** Writes tensors + string metadata to path atomically. */
export function writeSafetensors(path: string, tensors: Record<string, StTensor>, metadata: Record<string, string>): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const { data, shape } = tensors[name];
    const n = shape.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new Error(`writeSafetensors: tensor ${name} shape [${shape}] expects ${n} values, got ${data.length}`);
    header[name] = { dtype: dtypeOf(data), shape, data_offsets: [off, off + data.byteLength] };
    off += data.byteLength;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const hbytes = Buffer.from(json, 'utf8');
  const buf = Buffer.allocUnsafe(8 + hbytes.length + off);
  buf.writeBigUInt64LE(BigInt(hbytes.length), 0);
  hbytes.copy(buf, 8);
  let pos = 8 + hbytes.length;
  for (const name of names) {
    const d = tensors[name].data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(buf, pos);
    pos += d.byteLength;
  }
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(tmp, buf);
    renameSync(tmp, path);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* nothing to clean */ }
    throw err;
  }
}

/** Reads a safetensors file: tensors (copied into aligned arrays) and metadata. */
export function readSafetensors(path: string): { tensors: Map<string, StTensor>; metadata: Record<string, string> } {
  const buf = readFileSync(path);
  if (buf.length < 8) throw new Error(`readSafetensors: ${path}: file too short (${buf.length} bytes) for a safetensors header`);
  const hlen = Number(buf.readBigUInt64LE(0));
  if (8 + hlen > buf.length) throw new Error(`readSafetensors: ${path}: header length ${hlen} exceeds file size ${buf.length}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + hlen).toString('utf8'));
  } catch (err) {
    throw new Error(`readSafetensors: ${path}: header is not JSON (${(err as Error).message})`);
  }
  const metadata = (header.__metadata__ ?? {}) as unknown as Record<string, string>;
  const tensors = new Map<string, StTensor>();
  const base = 8 + hlen;
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const ctor = DTYPE.find((d) => d[0] === h.dtype)?.[1];
    if (!ctor) throw new Error(`readSafetensors: ${path}: tensor ${name} has unsupported dtype ${h.dtype}`);
    const [a, b] = h.data_offsets;
    if (!(a >= 0 && b >= a && base + b <= buf.length)) {
      throw new Error(`readSafetensors: ${path}: tensor ${name} offsets [${a}, ${b}] outside the data section`);
    }
    const out = new ctor((b - a) / (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
    new Uint8Array(out.buffer).set(buf.subarray(base + a, base + b));
    tensors.set(name, { data: out, shape: h.shape });
  }
  return { tensors, metadata };
}
