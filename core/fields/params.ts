// Access to an event's raw parameters from the columnar batch, by index or by name, with per-code
// name lookups cached in typed arrays (computed on first use per event code, so nothing per event).
import { i16, i32, i64, u16, u32, u8 } from '../bytes.js';
import { EVENTS, eventInfo, PT, type ParamInfo } from '../schema/index.js';
import type { EventContext } from './context.js';

const UNKNOWN = -2;

/** Index cache for one parameter name: index per event code, -1 when the event has none. */
export class ParamIndex {
  private readonly idx: Int16Array;
  constructor(readonly name: string) {
    this.idx = new Int16Array(Math.max(EVENTS.length, 1024)).fill(UNKNOWN);
  }
  of(code: number): number {
    if (code >= this.idx.length) return eventInfo(code).params.findIndex((p) => p.name === this.name);
    let k = this.idx[code]!;
    if (k === UNKNOWN) {
      k = eventInfo(code).params.findIndex((p) => p.name === this.name);
      this.idx[code] = k;
    }
    return k;
  }
}

const byName = new Map<string, ParamIndex>();

/** The shared index cache for parameter `name`. */
export function paramIndex(name: string): ParamIndex {
  let p = byName.get(name);
  if (p === undefined) {
    p = new ParamIndex(name);
    byName.set(name, p);
  }
  return p;
}

export const RES = paramIndex('res');
export const FD = paramIndex('fd');
export const DATA = paramIndex('data');

/** Parameters the event carries that the table describes. */
export function paramCount(ctx: EventContext): number {
  const b = ctx.batch;
  const n = b.paramBase[ctx.i + 1]! - b.paramBase[ctx.i]!;
  const t = ctx.info.params.length;
  return n < t ? n : t;
}

/** Arena slot of parameter j, or -1 when the event does not carry it. */
export function slot(ctx: EventContext, j: number): number {
  if (j < 0) return -1;
  const b = ctx.batch;
  const base = b.paramBase[ctx.i]!;
  return base + j < b.paramBase[ctx.i + 1]! && j < ctx.info.params.length ? base + j : -1;
}

/** Parameter j as a signed integer of its stored width (1, 2, 4 or 8 bytes); undefined if absent. */
export function paramInt(ctx: EventContext, j: number): number | undefined {
  const s = slot(ctx, j);
  if (s < 0) return undefined;
  const b = ctx.batch;
  const o = b.paramOff[s]!;
  switch (b.paramLen[s]) {
    case 8:
      return i64(b.arena, o);
    case 4:
      return i32(b.arena, o);
    case 2:
      return i16(b.arena, o);
    case 1:
      return (b.arena[o]! << 24) >> 24;
    default:
      return undefined;
  }
}

/** Raw bytes of parameter j (a view into the arena), or undefined. */
export function paramBytes(ctx: EventContext, j: number): Uint8Array | undefined {
  const s = slot(ctx, j);
  if (s < 0) return undefined;
  const b = ctx.batch;
  const o = b.paramOff[s]!;
  return b.arena.subarray(o, o + b.paramLen[s]!);
}

/**
 * Parameter j decoded by its table type into a field value (evt.rawarg): integers as numbers
 * (unsigned types read unsigned), strings up to their NUL, byte buffers and addresses as bytes.
 */
export function paramValue(
  ctx: EventContext,
  j: number,
  p: ParamInfo,
): number | string | Uint8Array | undefined {
  const s = slot(ctx, j);
  if (s < 0) return undefined;
  const b = ctx.batch;
  const a = b.arena;
  const o = b.paramOff[s]!;
  const len = b.paramLen[s]!;
  switch (p.type) {
    case PT.INT8:
      return len >= 1 ? (a[o]! << 24) >> 24 : undefined;
    case PT.INT16:
      return len >= 2 ? i16(a, o) : undefined;
    case PT.INT32:
    case PT.FD32:
    case PT.PID32:
      return len >= 4 ? i32(a, o) : undefined;
    case PT.UINT8:
    case PT.FLAGS8:
    case PT.ENUMFLAGS8:
    case PT.SIGTYPE:
    case PT.L4PROTO:
    case PT.SOCKFAMILY:
      return len >= 1 ? u8(a, o) : undefined;
    case PT.UINT16:
    case PT.FLAGS16:
    case PT.ENUMFLAGS16:
    case PT.PORT:
    case PT.SYSCALLID:
      return len >= 2 ? u16(a, o) : undefined;
    case PT.UINT32:
    case PT.FLAGS32:
    case PT.ENUMFLAGS32:
    case PT.MODE:
    case PT.UID:
    case PT.GID:
    case PT.SIGSET:
    case PT.BOOL:
      return len >= 4 ? u32(a, o) : undefined;
    case PT.INT64:
    case PT.FD:
    case PT.PID:
    case PT.ERRNO:
      return len >= 8 ? i64(a, o) : undefined;
    case PT.UINT64:
      return len >= 8 ? u32(a, o + 4) * 4294967296 + u32(a, o) : undefined;
    case PT.CHARBUF:
    case PT.FSPATH:
    case PT.FSRELPATH: {
      let e = o;
      const end = o + len;
      while (e < end && a[e] !== 0) e++;
      let str = '';
      for (let k = o; k < e; k++) str += String.fromCharCode(a[k]!);
      return str;
    }
    default:
      return a.subarray(o, o + len);
  }
}
