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

/** A sinsp_exception raised while a value is printed (libsinsp has no text for the type): sysdig
 *  prints the message and exits with status 1. */
export class FieldRenderError extends Error {}

const enum Case {
  /** 8-32 bit integers: only octal, decimal/id and hex formats print. */
  SMALL,
  /** INT64, PID, ERRNO: any format prints (decimal by default). */
  SIGNED64,
  /** UINT64, RELTIME, ABSTIME: octal, decimal/id, padded and hex print. */
  UNSIGNED64,
  /** Printed as is (strings, buffers, addresses, booleans, doubles). */
  PLAIN,
  /** No text (rawval_to_string returns NULL). */
  NONE,
}

/** rawval_to_string's cases by type; a type it has no case for raises "wrong event type N". */
const CASES: Partial<Record<PT, Case>> = {
  [PT.INT8]: Case.SMALL,
  [PT.INT16]: Case.SMALL,
  [PT.INT32]: Case.SMALL,
  [PT.UINT8]: Case.SMALL,
  [PT.UINT16]: Case.SMALL,
  [PT.UINT32]: Case.SMALL,
  [PT.L4PROTO]: Case.SMALL,
  [PT.PORT]: Case.SMALL,
  [PT.INT64]: Case.SIGNED64,
  [PT.PID]: Case.SIGNED64,
  [PT.ERRNO]: Case.SIGNED64,
  [PT.UINT64]: Case.UNSIGNED64,
  [PT.RELTIME]: Case.UNSIGNED64,
  [PT.ABSTIME]: Case.UNSIGNED64,
  [PT.CHARBUF]: Case.PLAIN,
  [PT.FSPATH]: Case.PLAIN,
  [PT.FSRELPATH]: Case.PLAIN,
  [PT.BYTEBUF]: Case.PLAIN,
  [PT.BOOL]: Case.PLAIN,
  [PT.IPV4ADDR]: Case.PLAIN,
  [PT.IPV6ADDR]: Case.PLAIN,
  [PT.IPADDR]: Case.PLAIN,
  [PT.DOUBLE]: Case.PLAIN,
  // Filter-only in sysdig (never printed there); Capsight's views print them.
  [PT.IPV4NET]: Case.PLAIN,
  [PT.IPV6NET]: Case.PLAIN,
  [PT.IPNET]: Case.PLAIN,
  [PT.SOCKADDR]: Case.NONE,
  [PT.SOCKFAMILY]: Case.NONE,
};

function caseOf(type: PT): Case {
  const c = CASES[type];
  if (c === undefined) throw new FieldRenderError(`wrong event type ${type}`);
  return c;
}

/** Whether rawval_to_string prints a value of this type and format at all. */
function printable(c: Case, fmt: PF): boolean {
  switch (c) {
    case Case.SMALL:
      return fmt === PF.OCT || fmt === PF.DEC || fmt === PF.ID || fmt === PF.HEX;
    case Case.UNSIGNED64:
      return fmt === PF.OCT || fmt === PF.DEC || fmt === PF.ID || fmt === PF.PADDED_DEC || fmt === PF.HEX;
    case Case.NONE:
      return false;
    default:
      return true;
  }
}

/**
 * Text of `v` for a field of type `type` printed with format `fmt` (rawval_to_string): PF_HEX is
 * upper-case hex for signed and 64-bit types but decimal for unsigned 8/16/32-bit ones (libsinsp's
 * quirk), PF_10_PADDED_DEC pads to 9 digits, doubles print with one decimal, booleans as true/false.
 * Undefined where libsinsp has no text: an integer whose format has no case (evt.rawarg's PF_NA)
 * or an address; a type without a case throws FieldRenderError, as libsinsp does.
 */
export function toText(v: FieldValue, type: PT, fmt: PF): string | undefined {
  if (!printable(caseOf(type), fmt)) return undefined;
  return valueText(v, type, fmt);
}

/** How rawval_to_json shows a value: a JSON number, a string (the text rawval_to_string gives, or
 *  the field's display text), a boolean, or null. */
export const enum JsonKind {
  NUMBER,
  STRING,
  BOOL,
  NULL,
}

/**
 * rawval_to_json's choice for a type and format: integers in decimal/id format are numbers, in
 * other formats the string rawval_to_string gives (or null where that has none). Throws
 * FieldRenderError for types it has no case for (PT_ERRNO among them).
 */
export function jsonKind(type: PT, fmt: PF): JsonKind {
  if (type === PT.BOOL) return JsonKind.BOOL;
  // libsinsp raises on doubles here (sysdig -j aborts); Capsight prints the number.
  if (type === PT.DOUBLE) return JsonKind.NUMBER;
  const c = type === PT.ERRNO ? undefined : CASES[type];
  if (c === undefined) throw new FieldRenderError(`wrong event type ${type}`);
  const numeric = fmt === PF.DEC || fmt === PF.ID;
  switch (c) {
    case Case.SMALL:
    case Case.UNSIGNED64:
    case Case.SIGNED64:
      if (numeric) return JsonKind.NUMBER;
      return printable(c, fmt) ? JsonKind.STRING : JsonKind.NULL;
    case Case.NONE:
      return JsonKind.NULL;
    default:
      return JsonKind.STRING;
  }
}

function valueText(v: FieldValue, type: PT, fmt: PF): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // A bool holding another byte (see ThreadInfo.exeWritableRaw) prints as true.
  if (type === PT.BOOL) return v !== 0 && v !== 0n ? 'true' : 'false';
  if (v instanceof Uint8Array) {
    const kind = valueKind(type);
    if (kind === ValueKind.IP || kind === ValueKind.IPNET) return ipToString(v);
    // A C string: a buffer prints up to its first NUL.
    const nul = type === PT.BYTEBUF ? v.indexOf(0) : -1;
    return bytesToLatin1(nul < 0 ? v : v.subarray(0, nul));
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
