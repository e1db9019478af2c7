// Per-event compact columns, stored in fixed-size chunks so growing never copies (peak RSS) and a
// chunk can be scanned as plain typed arrays. Parameters are not kept: the events page and the I/O
// stream re-read the few events they show from the file (engine/reread.ts), like Wireshark does.

export const CHUNK_BITS = 16;
export const CHUNK = 1 << CHUNK_BITS;
export const CHUNK_MASK = CHUNK - 1;
/** One file offset is kept per this many events; re-reading walks forward from it. */
export const OFFSET_STRIDE = 64;

/** Flag bits of the `flags` column. */
export const enum EvFlag {
  /** A state-only event (EVF flag): replayed for state, never shown or counted. */
  HIDDEN = 1,
  /** The event's fd fields apply (an fd event on a known thread). */
  FD_VALID = 2,
}

export interface EventChunk {
  /** ns since the capture's first event (exact in a double for 104 days). */
  ts: Float64Array;
  /** Event code, or for generic syscall events GENERIC_KEY_BASE + 2*syscall id + dir. */
  type: Uint16Array;
  /** Thread entity id (0 = no thread). */
  thread: Uint32Array;
  /** fd entity id (0 = none). */
  fd: Uint32Array;
  /** evt.buflen for I/O exits, else 0. */
  bytes: Uint32Array;
  /** The fd number the event used (-1 none): re-rendering resolves fd parameters with it. */
  fdNum: Int32Array;
  /** evt.latency for exits; for sched switches the CPU time of the thread switched out. ns. */
  lat: Float32Array;
  /** errno of a failed exit (-res), else 0. */
  err: Uint16Array;
  flags: Uint8Array;
  /** Block offset of events k*OFFSET_STRIDE of the chunk. */
  offset: Float64Array;
}

function newChunk(): EventChunk {
  return {
    ts: new Float64Array(CHUNK),
    type: new Uint16Array(CHUNK),
    thread: new Uint32Array(CHUNK),
    fd: new Uint32Array(CHUNK),
    bytes: new Uint32Array(CHUNK),
    fdNum: new Int32Array(CHUNK),
    lat: new Float32Array(CHUNK),
    err: new Uint16Array(CHUNK),
    flags: new Uint8Array(CHUNK),
    offset: new Float64Array(CHUNK / OFFSET_STRIDE),
  };
}

export class EventColumns {
  readonly chunks: EventChunk[] = [];
  length = 0;

  /** The chunk push() last appended to. */
  cur: EventChunk = newChunk();

  /** Appends an event slot and returns its position in `cur`; the caller fills the columns. */
  push(): number {
    const k = this.length & CHUNK_MASK;
    if (k === 0) {
      if (this.length !== 0) this.cur = newChunk();
      this.chunks.push(this.cur);
    }
    this.length++;
    return k;
  }

  chunkOf(i: number): EventChunk {
    return this.chunks[i >>> CHUNK_BITS]!;
  }

  ts(i: number): number {
    return this.chunks[i >>> CHUNK_BITS]!.ts[i & CHUNK_MASK]!;
  }

  /** Shrinks the last chunk to its used length (after indexing), releasing the unused tail. */
  trim(): void {
    const last = this.chunks.length - 1;
    if (last < 0) return;
    const n = this.length - last * CHUNK;
    const c = this.chunks[last]!;
    this.chunks[last] = {
      ts: c.ts.slice(0, n),
      type: c.type.slice(0, n),
      thread: c.thread.slice(0, n),
      fd: c.fd.slice(0, n),
      bytes: c.bytes.slice(0, n),
      fdNum: c.fdNum.slice(0, n),
      lat: c.lat.slice(0, n),
      err: c.err.slice(0, n),
      flags: c.flags.slice(0, n),
      offset: c.offset.slice(0, Math.ceil(n / OFFSET_STRIDE)),
    };
  }

  /** Bytes held by the columns. */
  bytes(): number {
    let s = 0;
    for (const c of this.chunks) s += c.ts.length * 33 + c.offset.byteLength;
    return s;
  }
}

/** Generic syscall events are keyed by their syscall id so each syscall is its own row. */
export const GENERIC_KEY_BASE = 0x4000;
