// Text helpers the Lua chisels print with (common.lua's format_bytes, format_time_interval,
// extend_string; Lua's tostring of numbers; LuaJIT's string.format conversions), reproduced to the
// byte. Chisel values are Lua numbers (doubles), so these take JS numbers.

/**
 * LuaJIT's `%.<digits>f` of a double (lj_strfmt_num.c): the exact decimal expansion of the binary
 * value rounded half away from zero (5 is added below the last digit), so 90.625 gives "90.63"
 * where glibc's printf would give "90.62". Number.toFixed has the same rule (exact value, ties to
 * the larger magnitude); only the sign of -0 differs.
 */
export function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (Math.abs(v) >= 1e21) return BigInt(v).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  const s = v.toFixed(digits);
  return Object.is(v, -0) ? '-' + s : s;
}

/** LuaJIT's integer conversions (%d, %u) of a double: C truncation toward zero. */
export function trunc(v: number): number {
  return Math.trunc(v);
}

/** Lua's tostring / `..` of a number (LUAI_NUMFFORMAT "%.14g"). */
export function luaNum(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e14) return Object.is(v, -0) ? '-0' : String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  return g14(v);
}

/** `%.14g`. */
function g14(v: number): string {
  const P = 14;
  const expText = v.toExponential(P - 1);
  const e = Number(expText.slice(expText.indexOf('e') + 1));
  if (e < -4 || e >= P) {
    const [m, ex] = expText.split('e') as [string, string];
    const n = Number(ex);
    return `${stripZeros(m)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return stripZeros(fixed(v, P - 1 - e));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

const KB = 1024;
const MB = KB * 1024;
const GB = MB * 1024;
const TB = GB * 1024;
const PB = TB * 1024;

/** common.lua format_bytes: 1230 -> "1.20KB"; strict `>` thresholds, so 1024 stays "1024B". */
export function formatBytes(v: number): string {
  if (v > PB) return fixed(v / PB, 2) + 'P';
  if (v > TB) return fixed(v / TB, 2) + 'T';
  if (v > GB) return fixed(v / GB, 2) + 'G';
  if (v > MB) return fixed(v / MB, 2) + 'M';
  if (v > KB) return fixed(v / KB, 2) + 'KB';
  return trunc(v) + 'B';
}

const S = 1e9;
const MS = 1e6;
const US = 1e3;

function pad2(n: number): string {
  return String(trunc(n)).padStart(2, '0');
}

/** common.lua format_time_interval: ns -> "1.10s", "12ms", "1.50ms", "20us", "1.50us", "800ns". */
export function formatTimeInterval(v: number): string {
  if (v >= S) return `${trunc(Math.floor(v / S))}.${pad2((v % S) / 1e7)}s`;
  if (v >= S / 100) return `${trunc(Math.floor(v / (S / 1000)))}ms`;
  if (v >= S / 1000) return `${trunc(Math.floor(v / (S / 1000)))}.${pad2((v % MS) / 1e4)}ms`;
  if (v >= S / 100000) return `${trunc(Math.floor(v / (S / 1e6)))}us`;
  if (v >= S / 1e6) return `${trunc(Math.floor(v / (S / 1e6)))}.${pad2((v % US) / 10)}us`;
  return `${trunc(v)}ns`;
}

/** common.lua extend_string: pad with spaces to `len`, or cut to len-1 chars plus a space. */
export function extendString(s: string, len: number): string {
  if (s.length < len) return s + ' '.repeat(len - s.length);
  return len > 0 ? s.slice(0, len - 1) + ' ' : '';
}

/** printf `%-W.Ps` (left-justified, cut to P chars). */
export function leftCut(s: string, width: number, precision = Infinity): string {
  const t = s.length > precision ? s.slice(0, precision) : s;
  return t.length < width ? t + ' '.repeat(width - t.length) : t;
}

/** ANSI colours as ansiterminal.lua makes them (ESC [ n m), or '' with colours disabled. */
export interface Colors {
  reset: string;
  red: string;
  yellow: string;
  green: string;
  blue: string;
  cyan: string;
}

export function colors(enabled: boolean): Colors {
  const c = (n: number): string => (enabled ? `\x1b[${n}m` : '');
  return { reset: c(0), red: c(31), green: c(32), yellow: c(33), blue: c(34), cyan: c(36) };
}

// LuaJIT's tonumber() of a string (lj_strscan): blanks around; a sign; decimal with an optional
// exponent; hex with an optional fraction and binary exponent; 0b binary; inf, infinity and nan
// in any case.
const LUA_NUMBER =
  /^[ \t\n\v\f\r]*([+-]?)(?:(inf(?:inity)?)|(nan)|0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?|0b([01]+)|((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))[ \t\n\v\f\r]*$/i;

/** LuaJIT's tonumber(text): the number, or undefined for nil. */
export function luaToNumber(text: string): number | undefined {
  const m = LUA_NUMBER.exec(text);
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  if (m[2] !== undefined) return sign * Infinity;
  if (m[3] !== undefined) return NaN;
  if (m[7] !== undefined) return sign * parseInt(m[7], 2);
  if (m[8] !== undefined) return sign * Number(m[8]);
  const int = m[4] ?? '';
  const frac = m[5] ?? '';
  if (int === '' && frac === '') return undefined;
  const mantissa = parseInt(int + frac, 16) / 16 ** frac.length;
  return sign * mantissa * 2 ** Number(m[6] ?? 0);
}
