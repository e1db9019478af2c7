// print_sorted_table's JSON form (sysdig -j with a top-N chisel): dkjson.lua's encoder with
// indent = true. dkjson walks Lua tables with pairs(), whose order for string keys changes from run
// to run in sysdig 0.29.3; here objects keep one fixed order (the one sysdig printed most often).
import { luaNum } from './luafmt.js';
import { KEY_SEP, type TopTable } from './topn.js';

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** dkjson's escapeutf8 of one (possibly multi-byte) character given as latin1 bytes. */
function escapeUtf8(u: string): string {
  const short = SHORT[u];
  if (short !== undefined) return short;
  const [a = 0, b = 0, c = 0, d = 0] = [...u].map((ch) => ch.charCodeAt(0));
  let v: number;
  if (a <= 0x7f) v = a;
  else if (a >= 0xc0 && a <= 0xdf && b >= 0x80) v = (a - 0xc0) * 0x40 + b - 0x80;
  else if (a >= 0xe0 && a <= 0xef && b >= 0x80 && c >= 0x80)
    v = ((a - 0xe0) * 0x40 + b - 0x80) * 0x40 + c - 0x80;
  else if (a >= 0xf0 && a <= 0xf7 && b >= 0x80 && c >= 0x80 && d >= 0x80)
    v = (((a - 0xf0) * 0x40 + b - 0x80) * 0x40 + c - 0x80) * 0x40 + d - 0x80;
  else return '';
  const hex = (n: number): string => '\\u' + n.toString(16).padStart(4, '0');
  if (v <= 0xffff) return hex(v);
  if (v <= 0x10ffff) {
    v -= 0x10000;
    return hex(0xd800 + Math.floor(v / 0x400)) + hex(0xdc00 + (v % 0x400));
  }
  return '';
}

// quotestring's patterns, on latin1 strings (one char per byte).
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON escapes
const CONTROL = /[\x00-\x1f"\\\x7f]/g;
const SPECIAL = [
  /\xc2[\x80-\x9f\xad]/g,
  /\xd8[\x80-\x84]/g,
  /\xdc\x8f/g,
  /\xe1\x9e[\xb4\xb5]/g,
  /\xe2\x80[\x8c-\x8f\xa8-\xaf]/g,
  /\xe2\x81[\xa0-\xaf]/g,
  /\xef\xbb\xbf/g,
  /\xef\xbf[\xb0-\xbf]/g,
];

export function quoteString(s: string): string {
  let v = s.replace(CONTROL, escapeUtf8);
  if (/[\xc2\xd8\xdc\xe1\xe2\xef]/.test(v)) for (const re of SPECIAL) v = v.replace(re, escapeUtf8);
  return '"' + v + '"';
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/** dkjson encode2 with indentation: objects put each pair on a new line, arrays stay inline. */
function encode(v: Json, level: number): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? luaNum(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return quoteString(v);
  const inner = level + 1;
  if (Array.isArray(v)) return '[' + v.map((x) => encode(x, inner)).join(',') + ']';
  let out = '{';
  let prev = false;
  for (const [k, x] of Object.entries(v)) {
    if (prev) out += ',';
    out += '\n' + '  '.repeat(inner) + quoteString(k) + ':' + encode(x, inner);
    prev = true;
  }
  return out + '\n' + '  '.repeat(level) + '}';
}

/**
 * The JSON text print_sorted_table prints (plus print's newline): {info, ts, data}. `info` holds the
 * keys at 1..n and the value at index 3 whatever n is (a hole prints as null).
 */
export function renderJsonTable(
  t: TopTable,
  keyFields: readonly string[],
  keyDescs: readonly string[],
  valueField: string,
  valueDesc: string,
  top: number,
  tsSec: bigint,
): string {
  const rows = t.entries().sort((a, b) => b[1] - a[1]);
  const n = top === 0 ? rows.length : Math.min(top, rows.length);
  const data: Json[] = rows.slice(0, n).map(([k, v]) => [...k.split(KEY_SEP), v]);
  const info: Json[] = keyFields.map((name, i) => ({ is_key: true, name, desc: keyDescs[i] ?? null }));
  while (info.length < 2) info.push(null);
  info[2] = { is_key: false, name: valueField, desc: valueDesc };
  return encode({ info, ts: (tsSec * 1_000_000_000n).toString(), data }, 0) + '\n';
}
