/**
 * Allocation-free CSV writing for the generator's hot path: bytes go straight into a reused
 * 4 MB buffer (ASCII / pre-encoded fields, integers and timestamps formatted digit by digit),
 * flushed with writeSync. Strings built per row were spending most of the time in GC.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const DAY_MS = 86_400_000;

export class ByteCsvWriter {
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 22);
  private pos = 0;
  private dayPrefix = new Map<number, Buffer>();
  constructor(path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.text(header); this.nl();
  }
  private room(n: number): void { if (this.pos + n > this.buf.length) this.flush(); }
  /** raw pre-encoded bytes */
  bytes(b: Buffer): this { this.room(b.length); b.copy(this.buf, this.pos); this.pos += b.length; return this; }
  /** a string field (UTF-8); caller guarantees no delimiter/quote inside */
  text(s: string): this { this.room(s.length * 3); this.pos += this.buf.write(s, this.pos, 'utf8'); return this; }
  comma(): this { this.room(1); this.buf[this.pos++] = 0x2c; return this; }
  nl(): this { this.room(1); this.buf[this.pos++] = 0x0a; return this; }
  /** a non-negative integer */
  uint(x: number): this {
    this.room(20);
    if (x === 0) { this.buf[this.pos++] = 0x30; return this; }
    let d = 1;
    while (d * 10 <= x) d *= 10;
    for (; d >= 1; d = Math.floor(d / 10)) { const q = Math.floor(x / d); this.buf[this.pos++] = 0x30 + q; x -= q * d; }
    return this;
  }
  /** UTC 'YYYY-MM-DD HH:MM:SS.mmm' of epoch ms (≥ 0) */
  ts(ms: number): this {
    const day = Math.floor(ms / DAY_MS);
    let pre = this.dayPrefix.get(day);
    if (!pre) { pre = Buffer.from(new Date(day * DAY_MS).toISOString().slice(0, 10) + ' ', 'ascii'); this.dayPrefix.set(day, pre); }
    this.bytes(pre);
    let r = Math.floor(ms - day * DAY_MS);
    const h = Math.floor(r / 3_600_000); r -= h * 3_600_000;
    const m = Math.floor(r / 60_000); r -= m * 60_000;
    const s = Math.floor(r / 1000); r -= s * 1000;
    this.room(12);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x30 + Math.floor(h / 10); b[p++] = 0x30 + (h % 10); b[p++] = 0x3a;
    b[p++] = 0x30 + Math.floor(m / 10); b[p++] = 0x30 + (m % 10); b[p++] = 0x3a;
    b[p++] = 0x30 + Math.floor(s / 10); b[p++] = 0x30 + (s % 10); b[p++] = 0x2e;
    b[p++] = 0x30 + Math.floor(r / 100); b[p++] = 0x30 + (Math.floor(r / 10) % 10); b[p++] = 0x30 + (r % 10);
    this.pos = p;
    return this;
  }
  flush(): void {
    if (this.pos > 0) { writeSync(this.fd, this.buf, 0, this.pos); this.pos = 0; }
  }
  close(): void { this.flush(); closeSync(this.fd); }
}
