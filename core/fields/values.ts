// Field values as text, the way libsinsp's rawval_to_string prints them in `-p` output, and the
// mapping from a field type to the representation extractors return (ValueKind).
import { ipToString } from '../net/addr.js';
import { PF, PT } from '../schema/types.js';
import { ValueKind, type FieldValue } from './types.js';

const KIND: Partial<Record<PT, ValueKind>> = {
  [PT.CHARBUF]: ValueKind.STRING,
  [PT.FSPATH]: ValueKind.STRING,
  [PT.FSRELPATH]: ValueKind.STRING,
  [PT.SOCKADDR]: ValueKind.STRING,
  [PT.BYTEBUF]: ValueKind.BUFFER,
  [PT.ABSTIME]: ValueKind.TIME,
  [PT.RELTIME]: ValueKind.TIME,
  [PT.BOOL]: ValueKind.BOOL,
  [PT.IPV4ADDR]: ValueKind.IP,
  [PT.IPV6ADDR]: ValueKind.IP,
  [PT.IPADDR]: ValueKind.IP,
  [PT.IPV4NET]: ValueKind.IPNET,
  [PT.IPV6NET]: ValueKind.IPNET,
  [PT.IPNET]: ValueKind.IPNET,
  [PT.DOUBLE]: ValueKind.DOUBLE,
  [PT.PORT]: ValueKind.PORT,
};

/** How values of a field of this type are represented (everything else is an integer). */
export function valueKind(type: PT): ValueKind {
  return KIND[type] ?? ValueKind.INT;
}

const SIGNED = new Set<PT>([PT.INT8, PT.INT16, PT.INT32, PT.INT64, PT.PID, PT.ERRNO, PT.FD]);
const WIDE = new Set<PT>([PT.INT64, PT.PID, PT.ERRNO, PT.FD, PT.UINT64, PT.RELTIME, PT.ABSTIME]);

/** Decimal text of an integer value (number or bigint). */
function dec(v: number | bigint): string {
  return typeof v === 'bigint' ? v.toString() : String(v);
}

/**
 * Text of `v` for a field of type `type` printed with format `fmt` (rawval_to_string): PF_HEX is
 * upper-case hex for signed and 64-bit types but decimal for unsigned 8/16/32-bit ones (libsinsp's
 * quirk), PF_10_PADDED_DEC pads to 9 digits, doubles print with one decimal, booleans as true/false.
 */
export function toText(v: FieldValue, type: PT, fmt: PF): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // A bool holding another byte (see ThreadInfo.exeWritableRaw) prints as true.
  if (type === PT.BOOL) return v !== 0 && v !== 0n ? 'true' : 'false';
  if (v instanceof Uint8Array) {
    const kind = valueKind(type);
    if (kind === ValueKind.IP || kind === ValueKind.IPNET) return ipToString(v);
    return bytesToLatin1(v);
  }
  if (type === PT.DOUBLE) return (v as number).toFixed(1);
  if (fmt === PF.HEX && (SIGNED.has(type) || WIDE.has(type))) {
    let b = BigInt(v);
    if (b < 0n) b = BigInt.asUintN(SIGNED.has(type) && !WIDE.has(type) ? 32 : 64, b);
    return b.toString(16).toUpperCase();
  }
  if (fmt === PF.OCT) {
    const b = BigInt(v);
    return (b < 0n ? BigInt.asUintN(64, b) : b).toString(8);
  }
  if (fmt === PF.PADDED_DEC && WIDE.has(type)) {
    const s = dec(v);
    return s.startsWith('-') ? '-' + s.slice(1).padStart(8, '0') : s.padStart(9, '0');
  }
  return dec(v);
}

/** Bytes as a string with one char per byte (what a C string of them would print as). */
export function bytesToLatin1(b: Uint8Array): string {
  let s = '';
  const CH = 8192;
  for (let k = 0; k < b.length; k += CH) {
    s += String.fromCharCode.apply(null, b.subarray(k, Math.min(b.length, k + CH)) as unknown as number[]);
  }
  return s;
}
