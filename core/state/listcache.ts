// Parsed parameter blobs by their bytes. clone and execve events carry the same args and cgroups
// blobs over and over (every fork of a worker repeats its parent's), and splitting, normalizing
// and matching them again for each event was a large share of the state step. A small
// direct-mapped cache keyed by the bytes (hash, then a full compare) returns the value parsed the
// first time. Values are shared by every thread that gets them: callers must treat them as
// immutable (ListCache freezes arrays it makes).

interface Entry<T> {
  hash: number;
  bytes: Uint8Array;
  value: T;
}

/** Blobs longer than this are parsed each time (they are rare, and the cache stays small). */
const MAX_CACHED_LENGTH = 8192;
/** Bytes the hash reads: short blobs whole, longer ones at this many evenly spaced positions (a
 *  match is confirmed by the full compare, so the hash only has to spread distinct blobs). */
const HASH_SAMPLES = 32;

type Compare = (
  this: Uint8Array,
  target: Uint8Array,
  targetStart: number,
  targetEnd: number,
  sourceStart: number,
  sourceEnd: number,
) => number;

// The full compare is memcmp through Node's Buffer compare where the runtime has it (a JS byte
// loop was most of a hit's cost; it accepts any Uint8Array as receiver and target); core stays
// runnable without Node, with the loop.
const nativeCompare = (globalThis as { Buffer?: { prototype: { compare?: Compare } } }).Buffer?.prototype
  .compare;

function sameBytes(b: Uint8Array, a: Uint8Array, o: number, len: number): boolean {
  // Short blobs: the loop beats a native call.
  if (len > 48 && nativeCompare !== undefined) return nativeCompare.call(b, a, o, o + len, 0, len) === 0;
  for (let k = 0; k < len; k++) if (b[k] !== a[o + k]) return false;
  return true;
}

export class BlobCache<T> {
  private readonly slots: (Entry<T> | undefined)[];
  private readonly mask: number;

  /** `size` must be a power of two. */
  constructor(
    private readonly parse: (a: Uint8Array, o: number, len: number) => T,
    size = 256,
  ) {
    this.slots = new Array<Entry<T> | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }

  /** parse(a, o, len), or the value parsed earlier from the same bytes. */
  get(a: Uint8Array, o: number, len: number): T {
    if (len > MAX_CACHED_LENGTH || o + len > a.length) return this.parse(a, o, len);
    // FNV-1a over the bytes, or over HASH_SAMPLES of them spread across a longer blob.
    let h = 0x811c9dc5 ^ len;
    if (len <= HASH_SAMPLES) {
      for (let k = o; k < o + len; k++) h = Math.imul(h ^ a[k]!, 0x01000193);
    } else {
      const step = len / HASH_SAMPLES;
      for (let k = 0; k < HASH_SAMPLES; k++) h = Math.imul(h ^ a[o + Math.floor(k * step)]!, 0x01000193);
      h = Math.imul(h ^ a[o + len - 1]!, 0x01000193);
    }
    const idx = (h >>> 0) & this.mask;
    const e = this.slots[idx];
    if (e !== undefined && e.hash === h && e.bytes.length === len) {
      if (sameBytes(e.bytes, a, o, len)) return e.value;
    }
    const end = o + len;
    const value = this.parse(a, o, len);
    this.slots[idx] = { hash: h, bytes: a.slice(o, end), value };
    return value;
  }
}
