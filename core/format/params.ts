// One event parameter as text, exactly as libsinsp's sinsp_evt::get_param_as_str renders it
// (libs e5c53d64, the library of sysdig 0.29.3), and evt.info built from those. Every string here
// is latin1 (one char per capture byte) so the CLI can write bytes back unchanged.
import { portText, type PortProto } from '../net/ports.js';
import { PT, PF, type EventInfo, type ParamInfo } from '../schema/types.js';
import type { EventBatch } from '../capture.js';
import type { ThreadInfo } from '../state/types.js';
import { ERRNO_NAMES, SIGNAL_NAMES, SYSCALL_NAMES } from '../schema/index.js';
import { i8, i16, i32, i64str, u8, u16, u32, u64str, cstr, i64, latin1 } from '../bytes.js';
import { fmtAltOctal, fmtG } from './printf.js';
import { ipv4ToString, ipv6ToString, isIpv4MappedIpv6 } from '../net/addr.js';
import { fdTypeTag } from './fdtag.js';
import { resolvePath, sanitize } from './paths.js';

/** sinsp_evt::param_fmt bits: how byte buffers are shown. */
export const enum BufFmt {
  NORMAL = 1,
  JSON = 2,
  SIMPLE = 4,
  HEX = 8,
  HEXASCII = 16,
  EOLS = 32,
  EOLS_COMPACT = 64,
  BASE64 = 128,
  JSONEOLS = 256,
  JSONHEX = 512,
  JSONHEXASCII = 1024,
  JSONBASE64 = 2048,
}

/** What rendering needs besides the bytes: state lookups and output options. */
export interface ParamEnv {
  /** The event's thread (fd names, cwd); undefined when unknown. */
  thread: ThreadInfo | undefined;
  threadOf(tid: number): ThreadInfo | undefined;
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
  bufFormat: number;
  /** Buffers longer than this are cut to it with a trailing "..." (sysdig: 80 unless -v); 0 = no cut. */
  maxBufLen: number;
  /**
   * Size of libsinsp's m_paramstr_storage, the one text buffer sysdig's event object renders every
   * parameter into (1024 at start). It only grows: a longer string parameter resizes it to its
   * length and a buffer that does not fit doubles it; path parameters are cut to it. Undefined:
   * no cut (callers that want whole paths).
   */
  strStorage?: number;
  /** Directory an FSRELPATH parameter resolves against (set per parameter by renderParam). */
  pathBase?: string | undefined;
  /** With port names on (-R): the protocol of the event's fd, which names the ports of tuple and
   *  address parameters (libsinsp passes m_fdinfo's l4 protocol to port_to_string). */
  portProto?: PortProto;
}

/** Result of one rendering: the raw value and, when libsinsp resolves it, the resolved text. */
export interface Rendered {
  value: string;
  resolved: string;
}

const AT_FDCWD = -100;
const PPM_SC_MAX = SYSCALL_NAMES.length;

type Renderer = (
  a: Uint8Array,
  off: number,
  len: number,
  p: ParamInfo,
  fmt: PF,
  env: ParamEnv,
  out: Rendered,
) => void;

function errnoName(code: number): string {
  // libsinsp looks up -code among the errno names; positive or unknown codes have none.
  const n = -code;
  return n > 0 ? (ERRNO_NAMES.get(n) ?? '') : '';
}

function intText(v: number, fmt: PF, bits: number, signedText: boolean): string {
  // SET_NUMERIC_FORMAT: octal %#o, hex %X, padded %09d, else %d. Unsigned values printed with %d
  // show negative when the top bit is set, as in libsinsp.
  if (fmt === PF.OCT) return fmtAltOctal(v < 0 ? v + 2 ** bits : v);
  if (fmt === PF.HEX) return (v < 0 ? v + 2 ** bits : v).toString(16).toUpperCase();
  const dec = signedText && bits === 32 ? String(v | 0) : String(v);
  if (fmt === PF.PADDED_DEC) return v < 0 ? '-' + String(-v).padStart(8, '0') : dec.padStart(9, '0');
  return dec;
}

function int64Text(a: Uint8Array, off: number, fmt: PF): string {
  if (fmt === PF.OCT) return fmtAltOctal(BigInt.asUintN(64, BigInt(u64str(a, off))));
  if (fmt === PF.HEX) return BigInt(u64str(a, off)).toString(16).toUpperCase();
  const s = i64str(a, off);
  if (fmt === PF.PADDED_DEC)
    return s.startsWith('-') ? '-' + s.slice(1).padStart(8, '0') : s.padStart(9, '0');
  return s;
}

function flagsText(val: number, p: ParamInfo, out: Rendered): void {
  out.value = String(val);
  const table = p.flags;
  if (!table) return;
  // Walk the table like libsinsp: stop at an entry equal to the whole value and append it; otherwise
  // collect every entry whose bits are all set, clearing them as they are named.
  let res = '';
  let sep = '';
  let rest = val;
  let k = 0;
  for (; k < table.length && table[k]!.value !== val; k++) {
    const f = table[k]!;
    if (
      (f.value === 0 && val === 0) ||
      (f.value !== 0 && (rest & f.value) >>> 0 === f.value >>> 0 && rest !== 0)
    ) {
      res += sep + f.name;
      sep = '|';
      rest = (rest & ~f.value) >>> 0;
    }
  }
  if (k < table.length) res += sep + table[k]!.name;
  out.resolved = res;
}

function renderFd(fd: number, fdText: string, env: ParamEnv, out: Rendered): void {
  out.value = fdText;
  const t = env.thread;
  if (!t) return;
  if (fd >= 0) {
    const info = t.fds.get(fd);
    if (info) out.resolved = `<${fdTypeTag(info, env.bufFormat)}>${sanitize(info.name)}`;
  } else if (fd === AT_FDCWD) {
    out.resolved = 'AT_FDCWD';
  } else {
    out.resolved = errnoName(fd | 0);
  }
}

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;

/** Byte -> itself when printable ASCII, else '.' (binary_buffer_to_string_dots). */
const DOTS = Uint8Array.from({ length: 256 }, (_, c) => (isPrint(c) ? c : 0x2e));

function bufDots(a: Uint8Array, s: number, e: number): string {
  // Map into a scratch array, then one fromCharCode per 4 KiB: buffers are the bulk of -A/-X-less
  // output, and per-character concatenation made them the allocation hot spot.
  const n = e - s;
  const tmp = n <= DOT_SCRATCH.length ? DOT_SCRATCH : new Uint8Array(n);
  for (let k = 0; k < n; k++) tmp[k] = DOTS[a[s + k]!]!;
  return latin1(tmp, 0, n);
}
const DOT_SCRATCH = new Uint8Array(1 << 16);

function bufAsciiOnly(a: Uint8Array, s: number, e: number, leadingEol: boolean): string {
  let r = leadingEol ? '\n' : '';
  for (let k = s; k < e; k++) {
    const c = a[k]!;
    if (isPrint(c)) r += String.fromCharCode(c);
    else if (c === 0x0d) r += '\n';
    else if (c === 0x0a && k > s && a[k - 1] !== 0x0d) r += '\n';
  }
  return r;
}

function hex2(n: number): string {
  return (n < 16 ? '0' : '') + n.toString(16);
}

function bufHex(a: Uint8Array, s: number, e: number, withAscii: boolean): string {
  let r = '';
  const len = e - s;
  for (let j = 0; j < len; j += 16) {
    let row = '\n\t0x' + j.toString(16).padStart(4, '0') + ':';
    let chunks = 0;
    let p = s + j;
    while (chunks < 8 && p < e) {
      row += p === e - 1 ? ' ' + hex2(a[p]!) : ' ' + hex2(a[p]!) + hex2(a[p + 1]!);
      chunks++;
      p += 2;
    }
    if (withAscii) {
      for (; chunks < 8; chunks++) row += '     ';
      row += '  ';
      for (let q = s + j; q < s + j + 16 && q < e; q++) {
        const c = a[q]!;
        row += isPrint(c) ? String.fromCharCode(c) : '.';
      }
    }
    r += row;
  }
  return r + '\n';
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function bufBase64(a: Uint8Array, s: number, e: number): string {
  let r = '';
  for (let k = s; k < e; k += 3) {
    const n = (a[k]! << 16) | ((k + 1 < e ? a[k + 1]! : 0) << 8) | (k + 2 < e ? a[k + 2]! : 0);
    r += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const pad = [0, 2, 1][(e - s) % 3]!;
  return pad ? r.slice(0, r.length - pad) + '='.repeat(pad) : r;
}

/** A byte buffer in the given sinsp param_fmt (binary_buffer_to_string). */
export function renderBuffer(a: Uint8Array, s: number, e: number, f: number): string {
  if (e <= s) return '';
  if (f & (BufFmt.HEX | BufFmt.HEXASCII)) return bufHex(a, s, e, (f & BufFmt.HEXASCII) !== 0);
  if (f & BufFmt.BASE64) return bufBase64(a, s, e);
  if (f & (BufFmt.JSONHEX | BufFmt.JSONHEXASCII)) return bufHex(a, s, e, (f & BufFmt.JSONHEXASCII) !== 0);
  if (f & BufFmt.JSONEOLS) return bufAsciiOnly(a, s, e, true);
  if (f & BufFmt.JSONBASE64) return bufBase64(a, s, e);
  if (f & BufFmt.JSON) return bufDots(a, s, e);
  if (f & (BufFmt.EOLS | BufFmt.EOLS_COMPACT)) return bufAsciiOnly(a, s, e, f !== BufFmt.EOLS_COMPACT);
  return bufDots(a, s, e);
}

function sockaddrText(a: Uint8Array, off: number, len: number, proto: PortProto): string {
  if (len === 0) return 'NULL';
  const fam = a[off]!;
  if (fam === 1) return sanitize(cstr(a, off + 1, off + len));
  if (fam === 2) {
    if (len !== 7) return 'INVALID IPv4';
    return `${ipv4ToString(a, off + 1)}:${portText(u16(a, off + 5), proto)}`;
  }
  if (fam === 10) {
    if (len !== 19) return 'INVALID IPv6';
    return `${ipv6ToString(a, off + 1)}:${portText(u16(a, off + 17), proto)}`;
  }
  return `family ${(fam << 24) >> 24}`;
}

function socktupleText(a: Uint8Array, off: number, len: number, proto: PortProto): string {
  if (len === 0) return 'NULL';
  const fam = a[off]!;
  if (fam === 2) {
    if (len !== 13) return 'INVALID IPv4';
    return `${ipv4ToString(a, off + 1)}:${portText(u16(a, off + 5), proto)}->${ipv4ToString(a, off + 7)}:${portText(u16(a, off + 11), proto)}`;
  }
  if (fam === 10) {
    if (len !== 37) return 'INVALID IPv6';
    if (isIpv4MappedIpv6(a, off + 1) && isIpv4MappedIpv6(a, off + 19)) {
      return `${ipv4ToString(a, off + 13)}:${portText(u16(a, off + 17), proto)}->${ipv4ToString(a, off + 31)}:${portText(u16(a, off + 35), proto)}`;
    }
    return `${ipv6ToString(a, off + 1)}:${portText(u16(a, off + 17), proto)}->${ipv6ToString(a, off + 19)}:${portText(u16(a, off + 35), proto)}`;
  }
  if (fam === 1) {
    if (len < 17) return '';
    const src = BigInt(u64str(a, off + 1)).toString(16);
    const dst = BigInt(u64str(a, off + 9)).toString(16);
    return `${src}->${dst} ${sanitize(cstr(a, off + 17, off + len))}`;
  }
  return `family ${(fam << 24) >> 24}`;
}

function uidGid(val: number, name: string | undefined, out: Rendered): void {
  if (val < 0xffffffff) {
    out.value = String(val | 0);
    out.resolved = name !== undefined ? sanitize(name) : '<NA>';
  } else {
    out.value = '-1';
    out.resolved = '<NONE>';
  }
}

function sigsetText(val: number): string {
  const names: string[] = [];
  for (let sig = 0; sig < 32; sig++) {
    if (val & (1 << sig)) {
      const n = SIGNAL_NAMES.get(sig + 1);
      if (n) names.push(n);
    }
  }
  return names.join(' ');
}

/** Renderers indexed by PT. Types libsinsp 0.29.3 has no case for print "(n.a.)". */
const RENDER: Renderer[] = [];
const na: Renderer = (_a, _o, _l, _p, _f, _e, out) => {
  out.value = '(n.a.)';
};
for (let t = 0; t < 64; t++) RENDER[t] = na;
RENDER[PT.INT8] = (a, o, _l, _p, f, _e, out) => void (out.value = intText(i8(a, o), f, 8, true));
RENDER[PT.INT16] = (a, o, _l, _p, f, _e, out) => void (out.value = intText(i16(a, o), f, 16, true));
RENDER[PT.INT32] = (a, o, _l, _p, f, _e, out) => void (out.value = intText(i32(a, o), f, 32, true));
RENDER[PT.INT64] = (a, o, _l, _p, f, _e, out) => void (out.value = int64Text(a, o, f));
RENDER[PT.UINT8] = (a, o, _l, _p, f, _e, out) => void (out.value = intText(u8(a, o), f, 8, false));
RENDER[PT.UINT16] = (a, o, _l, _p, f, _e, out) => void (out.value = intText(u16(a, o), f, 16, false));
RENDER[PT.UINT32] = (a, o, _l, _p, f, _e, out) => {
  const v = u32(a, o);
  out.value = f === PF.OCT || f === PF.HEX ? intText(v, f, 32, false) : intText(v | 0, f, 32, true);
};
RENDER[PT.UINT64] = (a, o, _l, _p, f, _e, out) => void (out.value = int64Text(a, o, f));
RENDER[PT.FD] = (a, o, _l, _p, _f, env, out) => renderFd(i64(a, o), i64str(a, o), env, out);
RENDER[PT.PID] = (a, o, _l, _p, _f, env, out) => {
  out.value = i64str(a, o);
  const t = env.threadOf(i64(a, o));
  if (t) out.resolved = t.comm;
};
RENDER[PT.ERRNO] = (a, o, _l, _p, _f, _e, out) => {
  out.value = i64str(a, o);
  const v = i64(a, o);
  if (v < 0) out.resolved = errnoName(v | 0);
};
RENDER[PT.CHARBUF] = (a, o, l, _p, _f, env, out) => {
  if (env.strStorage !== undefined && l > env.strStorage) env.strStorage = l;
  out.value = cstr(a, o, o + l);
};
const pathRenderer: Renderer = (a, o, l, _p, _f, env, out) => {
  const raw = cstr(a, o, o + l);
  // strcpy_sanitized into the storage: at most its size less the NUL.
  const size = env.strStorage;
  out.value = size !== undefined && l > size ? sanitize(raw).slice(0, size - 1) : sanitize(raw);
  if (env.thread && l > 0 && !raw.startsWith('<NA>'))
    out.resolved = resolvePath(env.pathBase ?? env.thread.cwd, raw);
};
RENDER[PT.FSPATH] = pathRenderer;
RENDER[PT.FSRELPATH] = pathRenderer;
RENDER[PT.BYTEBUF] = (a, o, l, _p, _f, env, out) => {
  let s = renderBuffer(a, o, o + l, env.bufFormat);
  if (env.strStorage !== undefined) while (s.length >= env.strStorage - 1) env.strStorage *= 2;
  if (env.maxBufLen !== 0 && s.length > env.maxBufLen && env.bufFormat === BufFmt.NORMAL) {
    s = env.maxBufLen > 3 ? s.slice(0, env.maxBufLen - 3) + '...' : s.slice(0, env.maxBufLen);
  }
  out.value = s;
};
RENDER[PT.SOCKADDR] = (a, o, l, _p, _f, e, out) => void (out.value = sockaddrText(a, o, l, e.portProto));
RENDER[PT.SOCKTUPLE] = (a, o, l, _p, _f, e, out) => void (out.value = socktupleText(a, o, l, e.portProto));
RENDER[PT.FDLIST] = (a, o, l, _p, _f, env, out) => {
  const t = env.thread;
  if (!t) return; // libsinsp leaves the previous parameter's text in place; handled by the caller
  const n = l >= 2 ? u16(a, o) : 0;
  const parts: string[] = [];
  for (let k = 0, pos = o + 2; k < n && pos + 10 <= o + l; k++, pos += 10) {
    const fd = i64(a, pos);
    const info = t.fds.get(fd);
    const fl = i16(a, pos + 8) >>> 0;
    parts.push(`${u64str(a, pos)}:${info ? info.typeChar : '?'}${fl.toString(16)}`);
  }
  out.value = parts.join(' ');
};
RENDER[PT.SYSCALLID] = (a, o, _l, _p, _f, _e, out) => {
  const id = u16(a, o);
  if (id >= PPM_SC_MAX) {
    out.value = '<unknown syscall>';
    return;
  }
  out.value = String(id);
  out.resolved = SYSCALL_NAMES[id] ?? '';
};
RENDER[PT.SIGTYPE] = (a, o, _l, _p, _f, _e, out) => {
  const v = u8(a, o);
  out.value = String(v);
  out.resolved = SIGNAL_NAMES.get(v) ?? '';
};
RENDER[PT.RELTIME] = (a, o, _l, _p, _f, _e, out) => {
  const s = u64str(a, o);
  if (s === '18446744073709551615') {
    out.value = 'none';
    return;
  }
  out.value = s;
  out.resolved = fmtG(Number(s) / 1e9) + 's';
};
const flagsRenderer =
  (read: (a: Uint8Array, o: number) => number): Renderer =>
  (a, o, _l, p, _f, _e, out) =>
    flagsText(read(a, o), p, out);
RENDER[PT.FLAGS8] = flagsRenderer(u8);
RENDER[PT.FLAGS16] = flagsRenderer(u16);
RENDER[PT.FLAGS32] = flagsRenderer(u32);
RENDER[PT.MODE] = (a, o, _l, p, f, _e, out) => {
  const v = u32(a, o);
  flagsText(v, p, out);
  out.value = f === PF.OCT || f === PF.HEX ? intText(v, f, 32, false) : intText(v | 0, f, 32, true);
};
const invalidDyn: Renderer = (_a, _o, _l, _p, _f, _e, out) => void (out.value = 'INVALID DYNAMIC PARAMETER');
RENDER[PT.ABSTIME] = invalidDyn;
RENDER[PT.DYN] = invalidDyn;
RENDER[PT.UID] = (a, o, _l, _p, _f, env, out) => uidGid(u32(a, o), env.userName(u32(a, o)), out);
RENDER[PT.GID] = (a, o, _l, _p, _f, env, out) => uidGid(u32(a, o), env.groupName(u32(a, o)), out);
RENDER[PT.SIGSET] = (a, o, _l, _p, _f, _e, out) => void (out.value = sigsetText(u32(a, o)));

/**
 * Render parameter j of event i into `out` (value + resolved). `prev` is the previous parameter's
 * value text (libsinsp leaves it in place for an FDLIST with no thread).
 */
export function renderParam(
  info: EventInfo,
  batch: EventBatch,
  i: number,
  j: number,
  env: ParamEnv,
  out: Rendered,
  prev = '',
): void {
  const slot = batch.paramBase[i]! + j;
  const a = batch.arena;
  let off = batch.paramOff[slot]!;
  let len = batch.paramLen[slot]!;
  let p = info.params[j]!;
  const fmt = p.fmt;
  out.value = prev;
  out.resolved = '';
  if (p.type === PT.DYN && p.dyn && len !== 0) {
    const idx = a[off]!;
    if (idx < p.dyn.length) {
      p = { ...p.dyn[idx]!, name: p.name };
      off++;
      len--;
    }
  }
  env.pathBase = undefined;
  if (p.type === PT.FSRELPATH && env.thread) env.pathBase = dirfdBase(info, batch, i, p, env.thread);
  RENDER[p.type]!(a, off, len, p, fmt, env, out);
}

/** get_base_dir: the directory an FSRELPATH is relative to (cwd, or the dirfd's path + '/'). */
function dirfdBase(
  info: EventInfo,
  batch: EventBatch,
  i: number,
  p: ParamInfo,
  t: ThreadInfo,
): string | undefined {
  const k = p.dirfdParam;
  if (k === undefined || k >= info.params.length || info.params[k]!.type !== PT.FD) return undefined;
  const nparams = batch.paramBase[i + 1]! - batch.paramBase[i]!;
  if (k >= nparams) return undefined;
  const slot = batch.paramBase[i]! + k;
  const dirfd = i64(batch.arena, batch.paramOff[slot]!);
  if (dirfd === AT_FDCWD) return undefined;
  const fdi = t.fds.get(dirfd);
  if (!fdi || fdi.name === '') return '';
  return sanitize(fdi.name) + '/';
}

/** Parameters an event carries that the table knows (older captures may carry fewer). */
export function paramCount(info: EventInfo, batch: EventBatch, i: number): number {
  const n = batch.paramBase[i + 1]! - batch.paramBase[i]!;
  return n < info.params.length ? n : info.params.length;
}

const scratch: Rendered = { value: '', resolved: '' };

/** evt.info / evt.args: `name=value ` or `name=value(resolved) ` for each parameter. */
export function renderArgs(info: EventInfo, batch: EventBatch, i: number, env: ParamEnv): string {
  // Generic events (syscalls without a dedicated event) keep their arguments internal.
  if (info.code === 0 || info.code === 1) return '';
  const n = paramCount(info, batch, i);
  let s = '';
  let prev = '';
  for (let j = 0; j < n; j++) {
    renderParam(info, batch, i, j, env, scratch, prev);
    prev = scratch.value;
    s +=
      info.params[j]!.name +
      '=' +
      scratch.value +
      (scratch.resolved === '' ? ' ' : '(' + scratch.resolved + ') ');
  }
  return s;
}

/** The text of a parameter as %evt.arg.NAME shows it: the resolved form when there is one. */
export function renderArgText(
  info: EventInfo,
  batch: EventBatch,
  i: number,
  j: number,
  env: ParamEnv,
): string {
  renderParam(info, batch, i, j, env, scratch);
  return scratch.resolved !== '' ? scratch.resolved : scratch.value;
}
