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
/** Bytes hashed in full at each end of a long blob (the middle is sampled, about 64 bytes). */
const SAMPLE_EDGE = 32;

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
    // FNV-1a over the bytes; for long blobs over a sample (both ends and every step-th byte in
    // between): a match is confirmed by the full compare below, so the hash only has to spread.
    let h = 0x811c9dc5 ^ len;
    const end = o + len;
    if (len <= 2 * SAMPLE_EDGE) {
      for (let k = o; k < end; k++) h = Math.imul(h ^ a[k]!, 0x01000193);
    } else {
      const step = ((len - 2 * SAMPLE_EDGE) >>> 6) + 1;
      for (let k = o; k < o + SAMPLE_EDGE; k++) h = Math.imul(h ^ a[k]!, 0x01000193);
      for (let k = o + SAMPLE_EDGE; k < end - SAMPLE_EDGE; k += step) h = Math.imul(h ^ a[k]!, 0x01000193);
      for (let k = end - SAMPLE_EDGE; k < end; k++) h = Math.imul(h ^ a[k]!, 0x01000193);
    }
    const idx = (h >>> 0) & this.mask;
    const e = this.slots[idx];
    if (e !== undefined && e.hash === h && e.bytes.length === len) {
      const b = e.bytes;
      let same = true;
      for (let k = 0; k < len; k++) {
        if (b[k] !== a[o + k]) {
          same = false;
          break;
        }
      }
      if (same) return e.value;
    }
    const value = this.parse(a, o, len);
    this.slots[idx] = { hash: h, bytes: a.slice(o, end), value };
    return value;
  }
}
