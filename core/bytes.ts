// Little-endian readers over a byte arena. Plain shifts, no DataView: these run per parameter in the
// hot loops (state replay, filters), and V8 inlines them.

export function u8(a: Uint8Array, o: number): number {
  return a[o]!;
}
export function i8(a: Uint8Array, o: number): number {
  return (a[o]! << 24) >> 24;
}
export function u16(a: Uint8Array, o: number): number {
  return a[o]! | (a[o + 1]! << 8);
}
export function i16(a: Uint8Array, o: number): number {
  return ((a[o]! | (a[o + 1]! << 8)) << 16) >> 16;
}
export function u32(a: Uint8Array, o: number): number {
  return (a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16) | (a[o + 3]! << 24)) >>> 0;
}
export function i32(a: Uint8Array, o: number): number {
  return a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16) | (a[o + 3]! << 24);
}
/** Signed 64-bit as a number (exact below 2^53, which covers fds, tids, sizes and errnos). */
export function i64(a: Uint8Array, o: number): number {
  return i32(a, o + 4) * 4294967296 + u32(a, o);
}
/** Unsigned 64-bit as a number (exact below 2^53). */
export function u64(a: Uint8Array, o: number): number {
  return u32(a, o + 4) * 4294967296 + u32(a, o);
}
export function i64big(a: Uint8Array, o: number): bigint {
  return BigInt.asIntN(64, (BigInt(u32(a, o + 4)) << 32n) | BigInt(u32(a, o)));
}
export function u64big(a: Uint8Array, o: number): bigint {
  return (BigInt(u32(a, o + 4)) << 32n) | BigInt(u32(a, o));
}
/** Decimal text of a signed 64-bit value, exact for the whole range. */
export function i64str(a: Uint8Array, o: number): string {
  const hi = i32(a, o + 4);
  if (hi >= -0x100000 && hi < 0x100000) return String(hi * 4294967296 + u32(a, o));
  return i64big(a, o).toString();
}
/** Decimal text of an unsigned 64-bit value. */
export function u64str(a: Uint8Array, o: number): string {
  const hi = u32(a, o + 4);
  if (hi < 0x100000) return String(hi * 4294967296 + u32(a, o));
  return u64big(a, o).toString();
}

/** Bytes as a latin1 string (one char per byte): how Capsight carries raw capture text so that
 *  output can be written back byte for byte. */
export function latin1(a: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k += 4096) {
    s += String.fromCharCode.apply(null, a.subarray(k, Math.min(end, k + 4096)) as unknown as number[]);
  }
  return s;
}

const utf8 = new TextEncoder();

/**
 * Decoded text (argv, or text a test or scenario writes) as its UTF-8 bytes, one character per
 * byte: the form every capture string has in Capsight (header text included), so sysdig's byte
 * rules and its raw output apply alike.
 */
export function utf8Bytes(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  const b = utf8.encode(s);
  return latin1(b, 0, b.length);
}

/** A NUL-terminated string inside [start, end): the bytes before the first NUL, as latin1. */
export function cstr(a: Uint8Array, start: number, end: number): string {
  let z = start;
  while (z < end && a[z] !== 0) z++;
  return latin1(a, start, z);
}
