// A streaming scap writer: the inverse of the reader. It lays out a file the way libscap's dumper
// does (SHB 1.2, MI, IL_V2, UL_V2, PL_V9, FDL_V2 per thread, then EV_V2/EVF_V2/*_LARGE blocks)
// and hands the bytes to a sink in chunks, so a caller can stream gigabytes without holding them.
// Pure TypeScript: the sink decides where bytes go (a file, gzip, memory).

import type { CaptureHeader, EventBatch } from '../capture.js';
import { EF, EVENTS } from '../schema/index.js';
import { ByteWriter } from './bytes.js';
import { BLOCK, EVENT_HEADER_V2, IL_TYPES, READER_BUF_SIZE, UL_TYPES } from './blocktypes.js';
import {
  headerHas,
  writeFdList,
  writeInterfaceList,
  writeMachineInfo,
  writeProcList,
  writeSectionHeader,
  writeUserList,
} from './blocks.js';

/** One event to write, parameters already encoded (see params.ts encodeParam). */
export interface RawEvent {
  type: number;
  ts: bigint;
  tid: bigint | number;
  cpu: number;
  /** Event block flags (bit 0 = SCAP_DF_STATE_ONLY); non-zero selects an EVF block. */
  flags?: number;
  params: readonly Uint8Array[];
}

export interface WriterOptions {
  /** Receives the file's bytes in order. Chunks are fresh copies the sink may keep. */
  sink: (chunk: Uint8Array) => void;
  /** Per event code: true when the type has EF_LARGE_PAYLOAD (u32 parameter lengths, *_LARGE
   *  block). Default: the codes flagged so in the event table (see DEFAULT_LARGE_PAYLOAD). */
  largePayload?: (type: number) => boolean;
  /** Bytes buffered before a chunk goes to the sink (default 1 MiB). */
  chunkSize?: number;
}

/** Event codes the event table flags EF_LARGE_PAYLOAD (PLUGINEVENT_E, CONTAINER_JSON_2_E, ASYNCEVENT_E). */
export const DEFAULT_LARGE_PAYLOAD: ReadonlySet<number> = new Set(
  EVENTS.filter((e) => (e.flags & EF.LARGE_PAYLOAD) !== 0).map((e) => e.code),
);

export class ScapWriter {
  private readonly w: ByteWriter;
  private readonly sink: (chunk: Uint8Array) => void;
  private readonly large: (type: number) => boolean;
  private readonly chunkSize: number;
  private headerWritten = false;
  private closed = false;
  private eventCount = 0;
  private bytesOut = 0;

  constructor(opts: WriterOptions) {
    this.sink = opts.sink;
    this.large = opts.largePayload ?? ((t) => DEFAULT_LARGE_PAYLOAD.has(t));
    this.chunkSize = opts.chunkSize ?? 1 << 20;
    this.w = new ByteWriter(Math.min(this.chunkSize + 4096, 1 << 21));
  }

  /** Events written so far. */
  get events(): number {
    return this.eventCount;
  }

  /** Bytes handed to the sink plus bytes still buffered. */
  get bytesWritten(): number {
    return this.bytesOut + this.w.length;
  }

  /**
   * The metadata blocks. IL and UL are written when the source had them or they are non-empty;
   * PL when there are threads; one FDL block per `header.fdlists` entry, in order (libscap writes
   * one per thread — give every thread an entry, possibly empty, to get the same layout).
   */
  writeHeader(header: CaptureHeader): void {
    if (this.headerWritten) throw new Error('header already written');
    this.headerWritten = true;
    const w = this.w;
    writeSectionHeader(w, 1, 2);
    if (header.machine) writeMachineInfo(w, header.machine);
    if (headerHas(header, IL_TYPES, header.interfaces.length > 0)) writeInterfaceList(w, header.interfaces);
    if (headerHas(header, UL_TYPES, header.users.length + header.groups.length > 0)) {
      writeUserList(w, header.users, header.groups);
    }
    if (header.procs.length > 0) writeProcList(w, header.procs);
    for (const fl of header.fdlists) {
      writeFdList(w, fl);
      this.maybeFlush();
    }
    this.maybeFlush();
  }

  /** One event block from encoded parameters. */
  writeEvent(ev: RawEvent): void {
    this.checkOpen();
    const large = this.large(ev.type);
    let sum = 0;
    for (const p of ev.params) sum += p.length;
    const len = EVENT_HEADER_V2 + ev.params.length * (large ? 4 : 2) + sum;
    const flags = ev.flags ?? 0;
    this.checkSize(len, large, flags);
    const w = this.w;
    const start = this.beginEvent(ev.cpu, flags, large);
    w.u64(ev.ts).u64(ev.tid).u32(len).u16(ev.type).u32(ev.params.length);
    for (const p of ev.params) {
      if (large) w.u32(p.length);
      else w.u16(p.length);
    }
    for (const p of ev.params) w.bytes(p);
    this.endEvent(start);
  }

  /**
   * Events [from, to) of a batch, copying each parameter's bytes straight from the arena (no
   * decode/re-encode): the path for `-w` export and for generating large benchmark files.
   * `tsShift` is added to every timestamp (to lay copies of a capture end to end in time);
   * `flagsOr` is or-ed into each event's flags (SCAP_DF_STATE_ONLY = 1 for fatfile state events).
   */
  writeBatch(batch: EventBatch, from = 0, to = batch.count, tsShift = 0n, flagsOr = 0): void {
    this.checkOpen();
    const w = this.w;
    const { paramBase, paramOff, paramLen, arena } = batch;
    for (let i = from; i < to; i++) {
      const type = batch.type[i] ?? 0;
      const large = this.large(type);
      const p0 = paramBase[i] ?? 0;
      const p1 = paramBase[i + 1] ?? p0;
      const n = p1 - p0;
      let sum = 0;
      for (let j = p0; j < p1; j++) sum += paramLen[j] ?? 0;
      const len = EVENT_HEADER_V2 + n * (large ? 4 : 2) + sum;
      const flags = (batch.flags[i] ?? 0) | flagsOr;
      this.checkSize(len, large, flags);
      // The whole block is sized up front and filled in place (the export hot path).
      const pre = 8 + 2 + (flags !== 0 ? 4 : 0);
      const total = (pre + len + 3 + 4) & ~3;
      const at = w.claim(total);
      const dv = w.dv;
      const raw = w.raw;
      dv.setUint32(
        at,
        flags !== 0 ? (large ? BLOCK.EVF_V2_LARGE : BLOCK.EVF_V2) : large ? BLOCK.EV_V2_LARGE : BLOCK.EV_V2,
        true,
      );
      dv.setUint32(at + 4, total, true);
      dv.setUint16(at + 8, batch.cpu[i] ?? 0, true);
      if (flags !== 0) dv.setUint32(at + 10, flags, true);
      let o = at + pre;
      dv.setBigUint64(o, BigInt.asUintN(64, (batch.ts[i] ?? 0n) + tsShift), true);
      dv.setBigInt64(o + 8, batch.tid[i] ?? 0n, true);
      dv.setUint32(o + 16, len, true);
      dv.setUint16(o + 20, type, true);
      dv.setUint32(o + 22, n, true);
      o += EVENT_HEADER_V2;
      for (let j = p0; j < p1; j++) {
        if (large) {
          dv.setUint32(o, paramLen[j] ?? 0, true);
          o += 4;
        } else {
          dv.setUint16(o, paramLen[j] ?? 0, true);
          o += 2;
        }
      }
      for (let j = p0; j < p1; j++) {
        const off = paramOff[j] ?? 0;
        const l = paramLen[j] ?? 0;
        raw.set(arena.subarray(off, off + l), o);
        o += l;
      }
      const end = at + total - 4;
      raw.fill(0, o, end);
      dv.setUint32(end, total, true);
      this.eventCount++;
      this.maybeFlush();
    }
  }

  /** Flushes what is buffered. The writer cannot be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('writer closed');
    if (!this.headerWritten) throw new Error('writeHeader must come before events');
  }

  /** Non-LARGE parameter lengths are u16, and libscap reads such a block body (total − 8 bytes)
   *  into a 64 KiB buffer; larger events must be LARGE types. */
  private checkSize(len: number, large: boolean, flags: number): void {
    const body = ((2 + (flags !== 0 ? 4 : 0) + len + 3) & ~3) + 4;
    if (large ? len > 0xfffffff0 : body > READER_BUF_SIZE) {
      throw new RangeError(`event of ${len} bytes is too large for its block type`);
    }
  }

  private beginEvent(cpu: number, flags: number, large: boolean): number {
    const w = this.w;
    const start = w.length;
    const type =
      flags !== 0 ? (large ? BLOCK.EVF_V2_LARGE : BLOCK.EVF_V2) : large ? BLOCK.EV_V2_LARGE : BLOCK.EV_V2;
    w.u32(type).u32(0).u16(cpu);
    if (flags !== 0) w.u32(flags);
    return start;
  }

  private endEvent(start: number): void {
    const w = this.w;
    w.padTo4(start);
    const total = w.length - start + 4;
    w.u32(total);
    w.patchU32(start + 4, total);
    this.eventCount++;
    this.maybeFlush();
  }

  private maybeFlush(): void {
    if (this.w.length >= this.chunkSize) this.flush();
  }

  private flush(): void {
    if (this.w.length === 0) return;
    const chunk = this.w.toBytes();
    this.bytesOut += chunk.length;
    this.w.reset();
    this.sink(chunk);
  }
}

/** Whole file in memory: header plus encoded events, as one byte array. */
export function encodeCapture(header: CaptureHeader, events: Iterable<RawEvent>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const wr = new ScapWriter({ sink: (c) => chunks.push(c) });
  wr.writeHeader(header);
  for (const ev of events) wr.writeEvent(ev);
  wr.close();
  return concatChunks(chunks);
}

export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
