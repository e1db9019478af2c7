// Per-event records from the state side of the indexer (reader, StateTracker, entities, marks) to
// the index side (columns, bucket logs, lists): what the index side needs of an event, decided by
// the state side, in typed arrays. A ring of slots of SLOT_EVENTS records each; in the two-thread
// build the ring lives in a SharedArrayBuffer and the slots are handed over with Atomics.

import { CHUNK, OFFSET_STRIDE } from './columns.js';

/** Records per slot: a quarter of a column chunk (CHUNK; small slots keep the ring in cache).
 *  Slots are handed over full (the last one apart), so every slot starts at a multiple of
 *  SLOT_EVENTS, and of OFFSET_STRIDE. */
export const SLOT_EVENTS = CHUNK >> 2;
/** The columns keep one block offset per 2^OFF_BITS events. */
export const OFF_BITS = 31 - Math.clz32(OFFSET_STRIDE);

/** Bits of Records.misc: errno (16 bits), EvFlag bits, the fd entity's IoClass, the error metric. */
export const MISC_FLAGS_SHIFT = 16;
export const MISC_IO_SHIFT = 18;
export const MISC_ERRM_SHIFT = 20;

/** Bytes per record: rel (f64); lat (f32); bytes (u32); key, misc, thr, fd, fdNum (i32); and per
 *  2^OFF_BITS records one offset (f64). */
const RECORD_BYTES = 8 + 4 + 4 + 5 * 4;
const SLOT_BYTES = SLOT_EVENTS * RECORD_BYTES + (SLOT_EVENTS >> OFF_BITS) * 8;

/** One slot's columns (views into the ring's buffer). */
export class Records {
  /** ns since t0 (never negative). */
  readonly rel: Float64Array;
  /** File offset of the block of events k << OFF_BITS (the only ones the columns keep). */
  readonly off: Float64Array;
  /** The latency (or switch / procinfo CPU time) as stored: already float32. */
  readonly lat: Float32Array;
  /** evt.buflen of I/O exits (0: none). */
  readonly bytes: Uint32Array;
  /** Type key (columns.ts). */
  readonly key: Int32Array;
  readonly misc: Int32Array;
  /** Thread and fd entities (0: none) and the fd number (-1: none). */
  readonly thr: Int32Array;
  readonly fd: Int32Array;
  readonly fdNum: Int32Array;

  constructor(buf: ArrayBufferLike, slot: number) {
    const n = SLOT_EVENTS;
    let o = slot * SLOT_BYTES;
    const f64 = (): Float64Array => {
      const a = new Float64Array(buf, o, n);
      o += 8 * n;
      return a;
    };
    const i32 = (): Int32Array => {
      const a = new Int32Array(buf, o, n);
      o += 4 * n;
      return a;
    };
    this.rel = f64();
    this.off = new Float64Array(buf, o, n >> OFF_BITS);
    o += 8 * (n >> OFF_BITS);
    this.lat = new Float32Array(buf, o, n);
    o += 4 * n;
    this.bytes = new Uint32Array(buf, o, n);
    o += 4 * n;
    this.key = i32();
    this.misc = i32();
    this.thr = i32();
    this.fd = i32();
    this.fdNum = i32();
  }
}

/** Bytes of a ring of `slots` slots. */
export function ringBytes(slots: number): number {
  return slots * SLOT_BYTES;
}

/** Slots of the shared ring: the state side runs at most this many slots ahead. */
export const RING_SLOTS = 8;

/** A waiting index side is woken when this many slots are ready (or at the end), not for each:
 *  every wake-up is a futex call on this thread and, on a busy 2-core machine, often a switch
 *  away from it (measured: up to 0.3 s per 300 MB when every slot woke the worker). */
export const WAKE_SLOTS = 4;

/** Int32 cells of the shared control array. */
export const enum CTL {
  /** Slots published by the state side (monotonic). */
  PUBLISHED,
  /** Slots consumed by the index side (monotonic). */
  CONSUMED,
  /** How far the index side got (DONE). */
  DONE,
  /** The state side saw procinfo events (set before the end marker is published). */
  HAS_CPU,
  /** The state side gave up (cancelled or failed): the index side stops. */
  ABORT,
  /** 1: the index worker started (and will consume every slot); -1: the state side gave up
   *  waiting for it and consumes the slots itself. Whoever sets it first decides. */
  STARTED,
  /** 1 while the index side waits for slots (the state side only wakes it then). */
  INDEX_WAITING,
  /** 1 while the state side waits for a free slot (the index side only wakes it then). */
  STATE_WAITING,
  /** Event count of each slot from here on (RING_SLOTS cells). */
  SIZE,
}

/** Values of CTL.DONE: the pair parts were posted, the rest too; or the index side failed. */
export const enum DONE {
  FAILED = -1,
  RUNNING = 0,
  PAIRS = 1,
  REST = 2,
}

/** The slot count that marks the end of the capture. */
export const SLOT_END = -1;
