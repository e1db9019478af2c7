// A growable little-endian byte buffer. Every scap structure is packed little-endian, so the
// writer appends fields one by one and patches lengths afterwards (a block's length is only known
// once its body is written; computing it from the bytes actually written avoids the libscap
// interface-list bug described in SCAP_FORMAT.md §6).

const utf8 = new TextEncoder();

/** UTF-8 bytes of text (event parameters a test or scenario spells out). */
export function textBytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/** The bytes of a byte string (capture text as core/capture.ts carries it: one char per byte). A
 *  char past 0xff means decoded text was passed where capture bytes belong: convert it with
 *  utf8Bytes first. */
export function byteStringBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new RangeError(`not a byte string (char ${c} at ${i}): ${JSON.stringify(s)}`);
    b[i] = c;
  }
  return b;
}

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v & 0xffff, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.pos, v | 0, true);
    this.pos += 4;
    return this;
  }

  /** 64-bit field; numbers and bigints are both stored two's complement (−1 → 0xFF…FF). */
  u64(v: bigint | number): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, BigInt(v)), true);
    this.pos += 8;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }

  /** Zero bytes up to the next multiple of 4 counted from `from`. */
  padTo4(from = 0): this {
    const rem = (this.pos - from) & 3;
    return rem === 0 ? this : this.zeros(4 - rem);
  }

  /** u16 length + bytes (no NUL), the layout of strings in the metadata blocks (the caller encodes:
   *  header strings are byte strings, see blocks.ts). */
  u16str(b: Uint8Array, maxLen = 0xffff): this {
    if (b.length > maxLen) throw new RangeError(`string of ${b.length} bytes exceeds ${maxLen}`);
    return this.u16(b.length).bytes(b);
  }

  /**
   * Claims `n` bytes and returns their offset, for hot paths that fill a known-size record
   * through `dv` / `raw` directly (valid until the next call that may grow the buffer).
   */
  claim(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  get dv(): DataView {
    return this.view;
  }

  get raw(): Uint8Array {
    return this.buf;
  }

  /** Overwrite a u32 already written (length fields patched after the body). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true);
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** A view on the bytes written (valid until the next write). */
  view0(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}
