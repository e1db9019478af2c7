// Re-reading single events from the capture file: the index keeps one block offset per
// OFFSET_STRIDE events (not the parameters), so showing a page of events or an I/O stream reads
// those few blocks again, Wireshark-style. Gzip captures are re-inflated from the nearest access
// point before the wanted bytes (native/src/gzstream.h): the points are recorded while the
// indexer reads the file, or by one inflating pass on the first re-read when none were given.
import { closeSync, openSync, readSync } from 'node:fs';
import type { EventBatch } from '../core/capture.js';
import { EVENTS } from '../core/schema/index.js';
import { EF } from '../core/schema/types.js';
import { buildGzipIndex, readGzipRange } from '../native/index.js';

const EV = new Set([0x204, 0x8010abcd]);
const EVF = new Set([0x208]);
const EV_V2 = new Set([0x216, 0x221]);
const EVF_V2 = new Set([0x217, 0x222]);
const WINDOW = 256 * 1024;

/** One decoded event: a one-event EventBatch whose arena is the block's bytes. */
export type OneEvent = EventBatch;

export class Rereader {
  private fd = -1;

  /** `gzipIndex`: access points from the reader that indexed a gzip capture (CaptureReader.gzipIndex). */
  constructor(
    private readonly path: string,
    private readonly compressed: boolean,
    private gzipIndex: Uint8Array | null = null,
  ) {}

  /** Up to `length` bytes of the (inflated) stream at `offset`, into `into`; the count read. */
  private fetch(into: Uint8Array, offset: number, length: number): number {
    if (this.compressed) {
      this.gzipIndex ??= buildGzipIndex(this.path);
      const got = readGzipRange(this.path, this.gzipIndex, offset, length);
      into.set(got);
      return got.length;
    }
    if (this.fd < 0) this.fd = openSync(this.path, 'r');
    return readSync(this.fd, into, 0, length, offset);
  }

  private read(offset: number, length: number): Uint8Array {
    // Walking forward from a stride offset reads many small blocks: serve them from a window.
    if (offset >= this.winStart && offset + length <= this.winStart + this.winLen) {
      return this.win.subarray(offset - this.winStart, offset - this.winStart + length);
    }
    if (length > WINDOW / 2) {
      const buf = new Uint8Array(length);
      return buf.subarray(0, this.fetch(buf, offset, length));
    }
    this.winStart = offset;
    this.winLen = this.fetch(this.win, offset, WINDOW);
    return this.win.subarray(0, Math.min(length, this.winLen));
  }

  private readonly win = new Uint8Array(WINDOW);
  private winStart = 0;
  private winLen = 0;

  /**
   * Events number `skip` .. `skip + count - 1` counted from the event block at `offset`
   * (non-event blocks in between are stepped over).
   */
  events(offset: number, skip: number, count: number): OneEvent[] {
    const out: OneEvent[] = [];
    let pos = offset;
    let seen = 0;
    while (out.length < count) {
      const head = this.read(pos, 8);
      if (head.length < 8) break;
      const dv = new DataView(head.buffer, head.byteOffset, 8);
      const type = dv.getUint32(0, true);
      const total = dv.getUint32(4, true);
      if (total < 12) break;
      const isEvent = EV.has(type) || EVF.has(type) || EV_V2.has(type) || EVF_V2.has(type);
      if (isEvent) {
        if (seen >= skip) {
          // A copy: the read window is reused by the next read.
          const block = this.read(pos, total).slice();
          if (block.length < total) break;
          const e = decodeEventBlock(block, type, pos);
          if (e === undefined) break;
          out.push(e);
        }
        seen++;
      }
      pos += total;
    }
    return out;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.winLen = 0;
  }
}

/** Decodes the event in an event block (SCAP_FORMAT §2.6), bounds-checked; undefined if damaged. */
export function decodeEventBlock(block: Uint8Array, blockType: number, offset: number): OneEvent | undefined {
  const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const withFlags = EVF.has(blockType) || EVF_V2.has(blockType);
  const v2 = EV_V2.has(blockType) || EVF_V2.has(blockType);
  let p = 8;
  if (block.length < p + 2) return undefined;
  const cpu = dv.getUint16(p, true);
  p += 2;
  let flags = 0;
  if (withFlags) {
    if (block.length < p + 4) return undefined;
    flags = dv.getUint32(p, true);
    p += 4;
  }
  const hdr = p;
  const hlen = v2 ? 26 : 22;
  if (block.length < hdr + hlen) return undefined;
  const ts = dv.getBigUint64(hdr, true);
  const tid = dv.getBigInt64(hdr + 8, true);
  let len = dv.getUint32(hdr + 16, true);
  const code = dv.getUint16(hdr + 20, true);
  const info = EVENTS[code];
  const large = info !== undefined && (info.flags & EF.LARGE_PAYLOAD) !== 0;
  const lw = large ? 4 : 2;
  if (!v2 && (code === 280 || code === 286)) len -= 3;
  if (hdr + len > block.length) return undefined;
  let nparams: number;
  if (v2) nparams = dv.getUint32(hdr + 22, true);
  else {
    // V1: the largest table count whose lengths fit the event length exactly.
    nparams = -1;
    for (let n = info?.params.length ?? 0; n >= 0; n--) {
      if (hdr + hlen + lw * n > hdr + len) continue;
      let sum = 0;
      for (let j = 0; j < n; j++)
        sum += lw === 4 ? dv.getUint32(hdr + hlen + 4 * j, true) : dv.getUint16(hdr + hlen + 2 * j, true);
      if (hlen + lw * n + sum === len) {
        nparams = n;
        break;
      }
    }
    if (nparams < 0) return undefined;
  }
  if (nparams > 1024 || hdr + hlen + lw * nparams > hdr + len) return undefined;
  const paramOff = new Uint32Array(nparams);
  const paramLen = new Uint32Array(nparams);
  let q = hdr + hlen + lw * nparams;
  for (let j = 0; j < nparams; j++) {
    const l = lw === 4 ? dv.getUint32(hdr + hlen + 4 * j, true) : dv.getUint16(hdr + hlen + 2 * j, true);
    if (q + l > hdr + len) return undefined;
    paramOff[j] = q;
    paramLen[j] = l;
    q += l;
  }
  return {
    count: 1,
    firstNum: 0,
    ts: BigInt64Array.of(BigInt.asIntN(64, ts)),
    tid: BigInt64Array.of(tid),
    type: Uint16Array.of(code),
    cpu: Uint16Array.of(cpu),
    flags: Uint32Array.of(flags),
    offset: Float64Array.of(offset),
    paramBase: Uint32Array.of(0, nparams),
    paramOff,
    paramLen,
    arena: block,
  };
}
