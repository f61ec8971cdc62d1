// safetensors I/O (https://github.com/huggingface/safetensors format): 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, __metadata__: {..}},
// then the raw little-endian data. F32 and I32 are supported. Writes are atomic.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** One stored array. */
export interface StoredArray {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A decoded file: arrays by name (in file order) and the string metadata. */
export interface Safetensors {
  tensors: Map<string, StoredArray>;
  metadata: Record<string, string>;
}

/** Serialises arrays (+ optional string metadata) into one safetensors buffer. */
export function encodeSafetensors(tensors: Map<string, StoredArray> | Record<string, StoredArray>,
  metadata: Record<string, string> = {}): Buffer {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new RangeError('encodeSafetensors: "__metadata__" is reserved and cannot name a tensor');
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new RangeError(`encodeSafetensors: ${name} has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} values`);
    const dtype = t.data instanceof Float32Array ? 'F32' : t.data instanceof Int32Array ? 'I32' : null;
    if (!dtype) throw new TypeError(`encodeSafetensors: ${name} must be a Float32Array or Int32Array`);
    header[name] = { dtype, shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const hlen = Buffer.byteLength(json);
  const buf = Buffer.alloc(8 + hlen + off);
  buf.writeBigUInt64LE(BigInt(hlen), 0);
  buf.write(json, 8, 'utf8');
  let p = 8 + hlen;
  for (const [, t] of entries) {
    buf.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return buf;
}

/** Parses a safetensors buffer; `source` names the file in errors. Arrays are copies (aligned). */
export function decodeSafetensors(buf: Uint8Array, source = 'buffer'): Safetensors {
  const fail = (msg: string): never => { throw new Error(`decodeSafetensors: ${source}: ${msg}`); };
  if (buf.length < 8) fail(`too short for a header (${buf.length} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const hlen = Number(view.getBigUint64(0, true));
  if (8 + hlen > buf.length) fail(`header length ${hlen} exceeds file size ${buf.length}`);
  let header: Record<string, any>;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, hlen).toString('utf8'));
  } catch (err) {
    return fail(`header is not JSON (${(err as Error).message})`);
  }
  const base = 8 + hlen;
  const tensors = new Map<string, StoredArray>();
  for (const [name, h] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: o } = h ?? {};
    if (dtype !== 'F32' && dtype !== 'I32') fail(`${name}: dtype ${dtype} not supported (F32, I32)`);
    if (!Array.isArray(shape) || !Array.isArray(o) || o.length !== 2) fail(`${name}: malformed entry ${JSON.stringify(h)}`);
    const n = (shape as number[]).reduce((a, b) => a * b, 1);
    if (o[1] - o[0] !== 4 * n || base + o[1] > buf.length) fail(`${name}: data_offsets [${o}] do not fit shape [${shape}] / file size ${buf.length}`);
    const bytes = buf.slice(base + o[0], base + o[1]);
    const data = dtype === 'F32' ? new Float32Array(bytes.buffer, bytes.byteOffset, n) : new Int32Array(bytes.buffer, bytes.byteOffset, n);
    tensors.set(name, { shape: [...shape], data });
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}

/** Writes a safetensors file atomically (temp file in the same folder, fsync, rename). */
export function saveSafetensors(path: string, tensors: Map<string, StoredArray> | Record<string, StoredArray>,
  metadata: Record<string, string> = {}): void {
  const buf = encodeSafetensors(tensors, metadata);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, buf);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** Reads a safetensors file. */
export function loadSafetensors(path: string): Safetensors {
  return decodeSafetensors(readFileSync(path), path);
}
