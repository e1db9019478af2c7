// Parameter encoders: a value as a scenario or exporter states it → the bytes one parameter holds
// inside an event (SCAP_FORMAT.md §3.1). One encoder per PT type, chosen from a table.

import { PT, type DynParam, type ParamInfo } from '../schema/types.js';
import { ByteWriter, textBytes } from './bytes.js';
import { ipBytes, ipv4Bytes, ipv6Bytes } from './ip.js';

/** PPM_AF_* socket families as the driver stores them. */
export const AF = { UNSPEC: 0, UNIX: 1, INET: 2, INET6: 10 } as const;

export type SockAddr =
  | { family: 'inet'; ip: string; port: number }
  | { family: 'inet6'; ip: string; port: number }
  | { family: 'unix'; path: string }
  | { family: 'unspec' };

export type SockTuple =
  | { family: 'inet'; sip: string; sport: number; dip: string; dport: number }
  | { family: 'inet6'; sip: string; sport: number; dip: string; dport: number }
  | { family: 'unix'; source: bigint; dest: bigint; path: string };

export interface FdListItem {
  fd: number;
  flags: number;
}

export interface DynValue {
  /** Index into the parameter's dyn table. */
  index: number;
  value: ParamValue;
}

export type ParamValue =
  | number
  | bigint
  | string
  | boolean
  | Uint8Array
  | SockAddr
  | SockTuple
  | readonly FdListItem[]
  | DynValue
  | null;

type Encoder = (v: ParamValue, info: Pick<ParamInfo, 'type' | 'dyn'>) => Uint8Array;

function int(v: ParamValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new TypeError(`integer expected, got ${v}`);
    return BigInt(v);
  }
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new TypeError(`integer expected, got ${typeof v}`);
}

function fixed(size: 1 | 2 | 4 | 8): Encoder {
  return (v) => {
    const n = BigInt.asUintN(size * 8, int(v));
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    if (size === 1) dv.setUint8(0, Number(n));
    else if (size === 2) dv.setUint16(0, Number(n), true);
    else if (size === 4) dv.setUint32(0, Number(n), true);
    else dv.setBigUint64(0, n, true);
    return out;
  };
}

/** NUL-terminated text. `null` stays a zero-length parameter (the driver's "absent"). */
const cstring: Encoder = (v) => {
  if (v === null) return new Uint8Array(0);
  const b = typeof v === 'string' ? textBytes(v) : v instanceof Uint8Array ? v : null;
  if (b === null) throw new TypeError('string expected');
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
};

/** Raw bytes, no terminator; strings are taken as UTF-8. */
const bytebuf: Encoder = (v) => {
  if (v === null) return new Uint8Array(0);
  if (typeof v === 'string') return textBytes(v);
  if (v instanceof Uint8Array) return v.slice();
  throw new TypeError('bytes expected');
};

function isObj(v: ParamValue): v is Exclude<ParamValue, number | bigint | string | boolean | null> {
  return typeof v === 'object' && v !== null;
}

const sockaddr: Encoder = (v) => {
  if (v === null) return new Uint8Array(0);
  if (!isObj(v) || !('family' in v)) throw new TypeError('sockaddr expected');
  const w = new ByteWriter(32);
  switch (v.family) {
    case 'inet':
      if (!('port' in v) || !('ip' in v)) throw new TypeError('inet sockaddr needs ip and port');
      w.u8(AF.INET).bytes(ipv4Bytes(v.ip)).u16(v.port);
      break;
    case 'inet6':
      if (!('port' in v) || !('ip' in v)) throw new TypeError('inet6 sockaddr needs ip and port');
      w.u8(AF.INET6).bytes(ipv6Bytes(v.ip)).u16(v.port);
      break;
    case 'unix':
      w.u8(AF.UNIX).bytes(textBytes(v.path)).u8(0);
      break;
    case 'unspec':
      w.u8(AF.UNSPEC);
      break;
  }
  return w.toBytes();
};

const socktuple: Encoder = (v) => {
  if (v === null) return new Uint8Array(0);
  if (!isObj(v) || !('family' in v)) throw new TypeError('socktuple expected');
  const w = new ByteWriter(48);
  if (v.family === 'inet' && 'sip' in v) {
    w.u8(AF.INET).bytes(ipv4Bytes(v.sip)).u16(v.sport).bytes(ipv4Bytes(v.dip)).u16(v.dport);
  } else if (v.family === 'inet6' && 'sip' in v) {
    w.u8(AF.INET6).bytes(ipv6Bytes(v.sip)).u16(v.sport).bytes(ipv6Bytes(v.dip)).u16(v.dport);
  } else if (v.family === 'unix' && 'source' in v) {
    w.u8(AF.UNIX).u64(v.source).u64(v.dest).bytes(textBytes(v.path)).u8(0);
  } else {
    throw new TypeError(`bad socktuple family ${v.family}`);
  }
  return w.toBytes();
};

const fdlist: Encoder = (v) => {
  if (!Array.isArray(v)) throw new TypeError('fd list expected');
  const items = v as readonly FdListItem[];
  const w = new ByteWriter(2 + items.length * 10);
  w.u16(items.length);
  for (const it of items) w.u64(it.fd).u16(it.flags);
  return w.toBytes();
};

const double: Encoder = (v) => {
  if (typeof v !== 'number') throw new TypeError('number expected');
  return new ByteWriter(8).f64(v).toBytes();
};

function addr(parse: (s: string) => Uint8Array): Encoder {
  return (v) => {
    if (typeof v === 'string') return parse(v);
    if (v instanceof Uint8Array) return v.slice();
    throw new TypeError('address expected');
  };
}

const u8 = fixed(1);
const u16 = fixed(2);
const u32 = fixed(4);
const u64 = fixed(8);

const dyn: Encoder = (v, info) => {
  if (!isObj(v) || !('index' in v)) throw new TypeError('dyn value {index, value} expected');
  const sub: DynParam | undefined = info.dyn?.[v.index];
  if (!sub) throw new RangeError(`dyn index ${v.index} not in the parameter's table`);
  const body = encodeParam({ type: sub.type }, v.value);
  const out = new Uint8Array(1 + body.length);
  out[0] = v.index;
  out.set(body, 1);
  return out;
};

/** Encoders by PT value. CHARBUFARRAY/CHARBUF_PAIR_ARRAY hold pointers and never appear in files. */
const ENCODERS: Partial<Record<PT, Encoder>> = {
  [PT.INT8]: u8,
  [PT.INT16]: u16,
  [PT.INT32]: u32,
  [PT.INT64]: u64,
  [PT.UINT8]: u8,
  [PT.UINT16]: u16,
  [PT.UINT32]: u32,
  [PT.UINT64]: u64,
  [PT.CHARBUF]: cstring,
  [PT.BYTEBUF]: bytebuf,
  [PT.ERRNO]: u64,
  [PT.SOCKADDR]: sockaddr,
  [PT.SOCKTUPLE]: socktuple,
  [PT.FD]: u64,
  [PT.PID]: u64,
  [PT.FDLIST]: fdlist,
  [PT.FSPATH]: cstring,
  [PT.SYSCALLID]: u16,
  [PT.SIGTYPE]: u8,
  [PT.RELTIME]: u64,
  [PT.ABSTIME]: u64,
  [PT.PORT]: u16,
  [PT.L4PROTO]: u8,
  [PT.SOCKFAMILY]: u8,
  [PT.BOOL]: u32,
  [PT.IPV4ADDR]: addr(ipv4Bytes),
  [PT.DYN]: dyn,
  [PT.FLAGS8]: u8,
  [PT.FLAGS16]: u16,
  [PT.FLAGS32]: u32,
  [PT.UID]: u32,
  [PT.GID]: u32,
  [PT.DOUBLE]: double,
  [PT.SIGSET]: u32,
  [PT.IPV4NET]: addr(ipv4Bytes),
  [PT.IPV6ADDR]: addr(ipv6Bytes),
  [PT.IPV6NET]: addr(ipv6Bytes),
  [PT.IPADDR]: addr(ipBytes),
  [PT.IPNET]: addr(ipBytes),
  [PT.MODE]: u32,
  [PT.FSRELPATH]: cstring,
  [PT.ENUMFLAGS8]: u8,
  [PT.ENUMFLAGS16]: u16,
  [PT.ENUMFLAGS32]: u32,
  [PT.FD32]: u32,
  [PT.PID32]: u32,
};

/**
 * Bytes of one parameter of the given type. A Uint8Array for a non-buffer type is taken as the
 * already-encoded parameter (so callers can pass raw bytes through); `null` for a string-like or
 * address type gives a zero-length parameter.
 */
export function encodeParam(info: Pick<ParamInfo, 'type' | 'dyn'>, value: ParamValue): Uint8Array {
  const enc = ENCODERS[info.type];
  if (!enc) throw new TypeError(`no encoder for parameter type ${info.type}`);
  const raw =
    info.type !== PT.BYTEBUF &&
    info.type !== PT.CHARBUF &&
    info.type !== PT.FSPATH &&
    info.type !== PT.FSRELPATH &&
    !ADDRESS_TYPES.has(info.type);
  if (value instanceof Uint8Array && raw) return value.slice();
  if (value === null && NULLABLE.has(info.type)) return new Uint8Array(0);
  return enc(value, info);
}

const ADDRESS_TYPES = new Set<PT>([PT.IPV4ADDR, PT.IPV4NET, PT.IPV6ADDR, PT.IPV6NET, PT.IPADDR, PT.IPNET]);
const NULLABLE = new Set<PT>([
  PT.CHARBUF,
  PT.BYTEBUF,
  PT.FSPATH,
  PT.FSRELPATH,
  PT.SOCKADDR,
  PT.SOCKTUPLE,
  PT.FDLIST,
  PT.DYN,
]);
