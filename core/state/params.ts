// Reading event parameters out of a byte arena (a batch's, or a stored enter event's copy).
// Lengths come from the capture and are hostile: a short parameter yields what its bytes hold
// (missing high bytes read as zero), never bytes of a neighbour.

/** Signed little-endian integer of up to 8 bytes, as a number (exact within 2^53). */
export function readInt(a: Uint8Array, o: number, len: number): number {
  if (len >= 8) {
    const lo = a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16) | (a[o + 3]! << 24);
    const hi = a[o + 4]! | (a[o + 5]! << 8) | (a[o + 6]! << 16) | (a[o + 7]! << 24);
    // Values that fit 32 bits (tids, fds, results) come back as small integers: a product below
    // is a heap number, and storing one into a field that held small integers changes the
    // objects' layout for good (their optimized code is thrown away).
    if (hi === lo >> 31) return lo;
    return hi * 4294967296 + (lo >>> 0);
  }
  return readUint(a, o, len);
}

/** Unsigned little-endian integer of up to 4 bytes (longer parameters: their low 4 bytes). */
export function readUint(a: Uint8Array, o: number, len: number): number {
  if (len >= 4) return (a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16) | (a[o + 3]! << 24)) >>> 0;
  let v = 0;
  for (let k = len - 1; k >= 0; k--) v = v * 256 + a[o + k]!;
  return v;
}

/** Unsigned 64-bit value as a bigint. */
export function readU64(a: Uint8Array, o: number, len: number): bigint {
  let v = 0n;
  for (let k = Math.min(len, 8) - 1; k >= 0; k--) v = (v << 8n) | BigInt(a[o + k]!);
  return v;
}

/** End of the C string starting at o (its NUL, or the parameter's end). */
function cEnd(a: Uint8Array, o: number, len: number): number {
  const end = o + len;
  let e = o;
  while (e < end && a[e] !== 0) e++;
  return e;
}

/** A C string parameter with one character per byte: libsinsp keeps and prints the bytes (names,
 *  paths, args), and its path rules are per byte. */
export function readText(a: Uint8Array, o: number, len: number): string {
  return latin1(a, o, cEnd(a, o, len));
}

/** Node's Buffer latin1Slice (one flat string, no intermediate ones), where the runtime has it:
 *  core stays runnable without Node, with the loop below. It takes any Uint8Array receiver. */
const nativeLatin1 = (
  globalThis as {
    Buffer?: { prototype: { latin1Slice?: (this: Uint8Array, start: number, end: number) => string } };
  }
).Buffer?.prototype.latin1Slice;

function latin1(a: Uint8Array, o: number, e: number): string {
  // Short strings: the loop beats a native call.
  if (e - o > 8 && nativeLatin1 !== undefined) return nativeLatin1.call(a, o, e);
  if (e - o < 64) {
    let s = '';
    for (let k = o; k < e; k++) s += String.fromCharCode(a[k]!);
    return s;
  }
  let s = '';
  for (let k = o; k < e; k += 4096) {
    s += String.fromCharCode.apply(null, a.subarray(k, Math.min(e, k + 4096)) as unknown as number[]);
  }
  return s;
}

/**
 * A NUL-separated list (args, env, cgroups blobs) as libsinsp's set_args splits it: one entry per
 * C string until the length is used up.
 */
export function readList(a: Uint8Array, o: number, len: number): string[] {
  const out: string[] = [];
  const end = o + len;
  let p = o;
  while (p < end) {
    const e = cEnd(a, p, end - p);
    out.push(readText(a, p, e - p));
    p = e + 1;
  }
  return out;
}

/** set_env's variant: stops early when the rest of the buffer is all zero bytes. */
export function readEnvList(a: Uint8Array, o: number, len: number): string[] {
  const out: string[] = [];
  const end = o + len;
  let p = o;
  while (p < end) {
    if (a[p] === 0) {
      let allZero = true;
      for (let k = p; k < end; k++) {
        if (a[k] !== 0) {
          allZero = false;
          break;
        }
      }
      if (allZero) return out;
    }
    const e = cEnd(a, p, end - p);
    out.push(readText(a, p, e - p));
    p = e + 1;
  }
  return out;
}
