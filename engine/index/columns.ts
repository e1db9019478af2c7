// Per-event compact columns, stored in fixed-size chunks so growing never copies (peak RSS).
// Parameters are not kept: the events page and the I/O stream re-read the few events they show
// from the file (engine/reread.ts), like Wireshark does.
//
// A chunk holds about 8 bytes per event plus sparse lists (measured on the benchmark capture:
// ~10 B/event, against 33 for plain typed arrays per attribute):
// - ts: u32 ns offsets from a base kept per TS_BLOCK events; the few times that lie more than
//   2^32 - 2 ns below their block's latest (metadata events at time 0, idle gaps) are kept apart
//   as exceptions;
// - `te`: a u8 or u16 code into the chunk's palette of (type key, errno, flags) combinations;
// - `cx`: a u8 or u16 code into the chunk's palette of (thread entity, fd entity, fd number): a chunk
//   has at most CHUNK events, so at most CHUNK distinct combinations of either kind;
// - lat and bytes: only for the events that have them (ascending positions + values);
// - one block offset per OFFSET_STRIDE events.
// Readers use the accessors below; scans over a chunk read the palettes directly.

export const CHUNK_BITS = 16;
export const CHUNK = 1 << CHUNK_BITS;
export const CHUNK_MASK = CHUNK - 1;
/** One file offset is kept per this many events; re-reading walks forward from it. */
export const OFFSET_STRIDE = 64;
/** Events sharing one ts base. */
const TS_BLOCK_BITS = 8;
const TS_BLOCK = 1 << TS_BLOCK_BITS;
/** tsOff value of an exception (its time is in tsExcVal). */
const TS_EXC = 0xffffffff;
const TS_SPAN = TS_EXC - 1;

/** Flag bits of the `flags` column. */
export const enum EvFlag {
  /** A state-only event (EVF flag): replayed for state, never shown or counted. */
  HIDDEN = 1,
  /** The event's fd fields apply (an fd event on a known thread). */
  FD_VALID = 2,
}

export interface EventChunk {
  n: number;
  /** ts (ns since the capture's first event) = tsBase[k >> TS_BLOCK_BITS] + tsOff[k], or when
   *  tsOff[k] is TS_EXC the value at k in (tsExcPos, tsExcVal): read it with chunkTs(). */
  tsBase: Float64Array;
  tsOff: Uint32Array;
  tsExcPos: Uint16Array;
  tsExcVal: Float64Array;
  /** Latest ts of each block (exceptions included). */
  tsMax: Float64Array;
  /** (type key, errno, flags) code per event and the palette. Type key: the event code, or for
   *  generic syscall events GENERIC_KEY_BASE + 2*syscall id + dir. errno: -res of a failed exit. */
  te: Uint8Array | Uint16Array;
  typeOf: Uint16Array;
  errOf: Uint16Array;
  flagsOf: Uint8Array;
  /** (thread entity, fd entity, fd number) code per event and the palette. Entity 0: none; the fd
   *  number (-1 none) is what re-rendering resolves fd parameters with. */
  cx: Uint8Array | Uint16Array;
  thrOf: Uint32Array;
  fdOf: Uint32Array;
  fdNumOf: Int32Array;
  /** evt.latency of exits; for sched switches the CPU time of the thread switched out; for
   *  procinfo the CPU time since the previous one. ns, float32; only non-zero values. */
  latPos: Uint16Array;
  latVal: Float32Array;
  /** evt.buflen of I/O exits; only non-zero values. */
  bytesPos: Uint16Array;
  bytesVal: Uint32Array;
  /** Block offset of events k*OFFSET_STRIDE of the chunk. */
  offset: Float64Array;
}

/** Index of the first position >= k in the ascending list a (a.length when none). */
function lowerPos(a: Uint16Array, k: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** ts of event k of chunk c. */
export function chunkTs(c: EventChunk, k: number): number {
  const o = c.tsOff[k]!;
  return o !== TS_EXC ? c.tsBase[k >>> TS_BLOCK_BITS]! + o : c.tsExcVal[lowerPos(c.tsExcPos, k)]!;
}

/** Whether block b (TS_BLOCK events from b * TS_BLOCK) of chunk c has its times in
 *  [tsBase[b], tsMax[b]] without exceptions, and its event range. */
export function tsBlock(c: EventChunk, b: number): { lo: number; hi: number; plain: boolean } {
  const lo = b << TS_BLOCK_BITS;
  const hi = Math.min(c.n, lo + TS_BLOCK);
  const q = lowerPos(c.tsExcPos, lo);
  return { lo, hi, plain: q === c.tsExcPos.length || c.tsExcPos[q]! >= hi };
}

/** Value of event k in a sparse (positions, values) list, 0 when absent. The cursor makes
 *  ascending reads (scans) O(1) each. */
class SparseReader {
  private chunk: EventChunk | undefined;
  private q = 0;
  constructor(private readonly which: 'lat' | 'bytes') {}
  get(c: EventChunk, k: number): number {
    const pos = this.which === 'lat' ? c.latPos : c.bytesPos;
    let q = this.q;
    if (c !== this.chunk || q > pos.length || (q > 0 && pos[q - 1]! >= k)) q = lowerPos(pos, k);
    else {
      // Ascending access: walk forward a little, else search.
      let steps = 0;
      while (q < pos.length && pos[q]! < k && steps < 8) {
        q++;
        steps++;
      }
      if (q < pos.length && pos[q]! < k) q = lowerPos(pos, k);
    }
    this.chunk = c;
    if (q < pos.length && pos[q] === k) {
      this.q = q + 1;
      return this.which === 'lat' ? c.latVal[q]! : c.bytesVal[q]!;
    }
    this.q = q;
    return 0;
  }
}

export class EventColumns {
  readonly chunks: EventChunk[] = [];
  length = 0;
  private readonly latR = new SparseReader('lat');
  private readonly bytesR = new SparseReader('bytes');

  /** Columns of the given chunks (handed over from another thread). */
  static of(chunks: readonly EventChunk[], length: number): EventColumns {
    const c = new EventColumns();
    for (const ch of chunks) c.chunks.push(ch);
    c.length = length;
    return c;
  }

  chunkOf(i: number): EventChunk {
    return this.chunks[i >>> CHUNK_BITS]!;
  }

  ts(i: number): number {
    return chunkTs(this.chunks[i >>> CHUNK_BITS]!, i & CHUNK_MASK);
  }
  type(i: number): number {
    const c = this.chunks[i >>> CHUNK_BITS]!;
    return c.typeOf[c.te[i & CHUNK_MASK]!]!;
  }
  err(i: number): number {
    const c = this.chunks[i >>> CHUNK_BITS]!;
    return c.errOf[c.te[i & CHUNK_MASK]!]!;
  }
  flags(i: number): number {
    const c = this.chunks[i >>> CHUNK_BITS]!;
    return c.flagsOf[c.te[i & CHUNK_MASK]!]!;
  }
  thread(i: number): number {
    const c = this.chunks[i >>> CHUNK_BITS]!;
    return c.thrOf[c.cx[i & CHUNK_MASK]!]!;
  }
  fd(i: number): number {
    const c = this.chunks[i >>> CHUNK_BITS]!;
    return c.fdOf[c.cx[i & CHUNK_MASK]!]!;
  }
  fdNum(i: number): number {
    const c = this.chunks[i >>> CHUNK_BITS]!;
    return c.fdNumOf[c.cx[i & CHUNK_MASK]!]!;
  }
  lat(i: number): number {
    return this.latR.get(this.chunks[i >>> CHUNK_BITS]!, i & CHUNK_MASK);
  }
  bytes(i: number): number {
    return this.bytesR.get(this.chunks[i >>> CHUNK_BITS]!, i & CHUNK_MASK);
  }
  /** Block offset of the stride holding event i (i rounded down to OFFSET_STRIDE). */
  offset(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]!.offset[(i & CHUNK_MASK) / OFFSET_STRIDE]!;
  }

  /** Bytes held by the columns. */
  memoryBytes(): number {
    let s = 0;
    for (const c of this.chunks)
      for (const a of [
        c.tsBase,
        c.tsOff,
        c.tsExcPos,
        c.tsExcVal,
        c.tsMax,
        c.te,
        c.typeOf,
        c.errOf,
        c.flagsOf,
        c.cx,
        c.thrOf,
        c.fdOf,
        c.fdNumOf,
        c.latPos,
        c.latVal,
        c.bytesPos,
        c.bytesVal,
        c.offset,
      ])
        s += a.byteLength;
    return s;
  }
}

const HASH_BITS = 17;
const HASH_MASK = (1 << HASH_BITS) - 1;

/**
 * The build-time side: one chunk's events in full-width scratch arrays (reused), palettes found
 * through hash tables stamped per chunk (no clearing), packed into an EventChunk when full.
 */
export class ColumnWriter {
  readonly cols = new EventColumns();
  /** Position of the next event in the current chunk. */
  private k = 0;
  private chunkNo = 1;
  private readonly ts = new Float64Array(CHUNK);
  private readonly te = new Uint16Array(CHUNK);
  private readonly cx = new Uint16Array(CHUNK);
  private readonly offset = new Float64Array(CHUNK / OFFSET_STRIDE);
  private readonly latPos = new Uint16Array(CHUNK);
  private readonly latVal = new Float32Array(CHUNK);
  private nLat = 0;
  private readonly bytesPos = new Uint16Array(CHUNK);
  private readonly bytesVal = new Uint32Array(CHUNK);
  private nBytes = 0;
  // (type key, errno = 0, flags) → te code: direct table over key*4 + flags.
  private readonly teStamp = new Int32Array(0x10000 * 4);
  private readonly teCode = new Uint16Array(0x10000 * 4);
  // Other (type, errno, flags): a map per chunk (failed exits only).
  private teMap = new Map<number, number>();
  private readonly typeOf = new Uint16Array(CHUNK);
  private readonly excPos = new Uint16Array(CHUNK);
  private readonly excVal = new Float64Array(CHUNK);
  private readonly errOf = new Uint16Array(CHUNK);
  private readonly flagsOf = new Uint8Array(CHUNK);
  private nTe = 0;
  // (thread, fd, fd number) → cx code: open addressing, stamped.
  private readonly cxStamp = new Int32Array(1 << HASH_BITS);
  private readonly cxSlot = new Uint16Array(1 << HASH_BITS);
  private readonly thrOf = new Uint32Array(CHUNK);
  private readonly fdOf = new Uint32Array(CHUNK);
  private readonly fdNumOf = new Int32Array(CHUNK);
  private nCx = 0;
  private lastThr = -1;
  private lastFd = -1;
  private lastFdNum = -2;
  private lastCx = 0;

  get length(): number {
    return this.cols.length;
  }

  /** Appends one event. `lat` is stored as float32 (pass Math.fround(lat) to use the stored value). */
  push(
    ts: number,
    key: number,
    errno: number,
    flags: number,
    thr: number,
    fd: number,
    fdNum: number,
    lat: number,
    bytes: number,
    offset: number,
  ): void {
    const k = this.k;
    this.ts[k] = ts;
    if ((k & (OFFSET_STRIDE - 1)) === 0) this.offset[k / OFFSET_STRIDE] = offset;
    this.te[k] = errno === 0 ? this.teOf(key, flags) : this.teSlow(key, errno, flags);
    if (thr !== this.lastThr || fd !== this.lastFd || fdNum !== this.lastFdNum) {
      this.lastThr = thr;
      this.lastFd = fd;
      this.lastFdNum = fdNum;
      this.lastCx = this.cxOf(thr, fd, fdNum);
    }
    this.cx[k] = this.lastCx;
    if (lat !== 0) {
      this.latPos[this.nLat] = k;
      this.latVal[this.nLat++] = lat;
    }
    if (bytes !== 0) {
      this.bytesPos[this.nBytes] = k;
      this.bytesVal[this.nBytes++] = bytes;
    }
    this.cols.length++;
    if (++this.k === CHUNK) this.pack();
  }

  private teOf(key: number, flags: number): number {
    const h = (key << 2) | (flags & 3);
    if (this.teStamp[h] === this.chunkNo) return this.teCode[h]!;
    const c = this.newTe(key, 0, flags);
    this.teStamp[h] = this.chunkNo;
    this.teCode[h] = c;
    return c;
  }

  private teSlow(key: number, errno: number, flags: number): number {
    const h = (errno * 4 + (flags & 3)) * 0x10000 + key;
    let c = this.teMap.get(h);
    if (c === undefined) {
      c = this.newTe(key, errno, flags);
      this.teMap.set(h, c);
    }
    return c;
  }

  private newTe(key: number, errno: number, flags: number): number {
    const c = this.nTe++;
    this.typeOf[c] = key;
    this.errOf[c] = errno;
    this.flagsOf[c] = flags;
    return c;
  }

  private cxOf(thr: number, fd: number, fdNum: number): number {
    let h = (Math.imul(thr, 0x9e3779b1) ^ Math.imul(fd + 1, 0x85ebca6b) ^ Math.imul(fdNum, 0xc2b2ae35)) >>> 0;
    h = (h ^ (h >>> 15)) & HASH_MASK;
    const stamp = this.chunkNo;
    for (;;) {
      if (this.cxStamp[h] !== stamp) {
        const c = this.nCx++;
        this.thrOf[c] = thr;
        this.fdOf[c] = fd;
        this.fdNumOf[c] = fdNum;
        this.cxStamp[h] = stamp;
        this.cxSlot[h] = c;
        return c;
      }
      const c = this.cxSlot[h]!;
      if (this.thrOf[c] === thr && this.fdOf[c] === fd && this.fdNumOf[c] === fdNum) return c;
      h = (h + 1) & HASH_MASK;
    }
  }

  /** Packs the current chunk (full or, at the end, partial) and starts the next. */
  private pack(): void {
    const n = this.k;
    if (n === 0) return;
    // ts: a base per block, the minimum of its times within TS_SPAN of the block's latest
    // (timestamps across CPUs are not strictly ordered); earlier ones are exceptions.
    const nb = (n + TS_BLOCK - 1) >>> TS_BLOCK_BITS;
    const ts = this.ts;
    const tsBase = new Float64Array(nb);
    const tsMax = new Float64Array(nb);
    const tsOff = new Uint32Array(n);
    // Exceptions in scratch typed arrays: a number[] switching to doubles on the first one (rare,
    // often past the first chunks) changes its map and throws this function's optimised code away.
    const excPos = this.excPos;
    const excVal = this.excVal;
    let nExc = 0;
    for (let b = 0; b < nb; b++) {
      const lo = b << TS_BLOCK_BITS;
      const hi = Math.min(n, lo + TS_BLOCK);
      let mx = -Infinity;
      for (let k = lo; k < hi; k++) if (ts[k]! > mx) mx = ts[k]!;
      tsMax[b] = mx;
      const floor = mx - TS_SPAN;
      let mn = mx;
      for (let k = lo; k < hi; k++) if (ts[k]! < mn && ts[k]! >= floor) mn = ts[k]!;
      tsBase[b] = mn;
      for (let k = lo; k < hi; k++) {
        const t = ts[k]!;
        if (t >= mn) tsOff[k] = t - mn;
        else {
          tsOff[k] = TS_EXC;
          excPos[nExc] = k;
          excVal[nExc++] = t;
        }
      }
    }
    this.cols.chunks.push({
      n,
      tsBase,
      tsOff,
      tsExcPos: excPos.slice(0, nExc),
      tsExcVal: excVal.slice(0, nExc),
      tsMax,
      te: narrow(this.te, n, this.nTe),
      typeOf: this.typeOf.slice(0, this.nTe),
      errOf: this.errOf.slice(0, this.nTe),
      flagsOf: this.flagsOf.slice(0, this.nTe),
      cx: narrow(this.cx, n, this.nCx),
      thrOf: this.thrOf.slice(0, this.nCx),
      fdOf: this.fdOf.slice(0, this.nCx),
      fdNumOf: this.fdNumOf.slice(0, this.nCx),
      latPos: this.latPos.slice(0, this.nLat),
      latVal: this.latVal.slice(0, this.nLat),
      bytesPos: this.bytesPos.slice(0, this.nBytes),
      bytesVal: this.bytesVal.slice(0, this.nBytes),
      offset: this.offset.slice(0, Math.ceil(n / OFFSET_STRIDE)),
    });
    this.k = 0;
    this.chunkNo++;
    this.nTe = 0;
    this.teMap = new Map();
    this.nCx = 0;
    this.lastThr = -1;
    this.nLat = 0;
    this.nBytes = 0;
  }

  /** Packs the last, partial chunk (end of indexing). */
  finish(): EventColumns {
    this.pack();
    return this.cols;
  }
}

/** The first n codes, in bytes when the palette has at most 256 entries. */
function narrow(codes: Uint16Array, n: number, paletteSize: number): Uint8Array | Uint16Array {
  if (paletteSize > 256) return codes.slice(0, n);
  // set() converts element by element in native code (from() would iterate in JS).
  const a = new Uint8Array(n);
  a.set(codes.subarray(0, n));
  return a;
}

/** Generic syscall events are keyed by their syscall id so each syscall is its own row. */
export const GENERIC_KEY_BASE = 0x4000;
