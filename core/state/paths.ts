// Path joining exactly as libsinsp does it (sinsp_utils::concatenate_paths and its helpers): the
// second path is copied byte by byte, non-printable bytes become '.', "./" is dropped, "../" rewinds
// to the previous '/', runs of '/' collapse and a trailing '/' is removed. The first path (a cwd or a
// directory fd name) is taken verbatim. Every string of the state holds one character per byte
// (latin1, header text included: the native reader gives it as bytes), so byte rules apply one to
// one.

import { SCAP_MAX_PATH_SIZE } from './codes.js';

const SLASH = 0x2f;
const DOT = 0x2e;

/** libsinsp's g_invalidchar: anything outside printable ASCII. */
function invalid(c: number): boolean {
  return c < 0x20 || c > 0x7e;
}

/** Remove the characters libsinsp's sanitize_string drops (non-printable bytes). */
export function sanitizeString(s: string): string {
  let clean = true;
  for (let i = 0; i < s.length; i++) {
    if (invalid(s.charCodeAt(i))) {
      clean = false;
      break;
    }
  }
  if (clean) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) if (!invalid(s.charCodeAt(i))) out += s[i];
  return out;
}

/**
 * concatenate_paths(path1, path2). `len2` is the byte length libsinsp passes for path2, which for an
 * event parameter includes its NUL terminator; it only matters for the length check and the
 * "empty second path" test.
 */
export function concatenatePaths(path1: string, path2: string, len2: number = path2.length): string {
  const len1 = path1.length;
  if (SCAP_MAX_PATH_SIZE < len1 + len2 + 1) return '/PATH_TOO_LONG';
  const relative = len2 !== 0 && path2.charCodeAt(0) !== SLASH;
  // Most paths need no rewriting: then the result is a plain concatenation.
  if (isClean(path2)) return relative ? path1 + path2 : path2;
  const out: number[] = [];
  if (len2 !== 0 && path2.charCodeAt(0) !== SLASH) {
    for (let i = 0; i < path1.length; i++) out.push(path1.charCodeAt(i));
  }
  copyAndSanitize(out, path2);
  return String.fromCharCode.apply(null, out);
}

/**
 * True when copy_and_sanitize_path would copy `p` unchanged: printable bytes only, no "//",
 * no '.' followed by '.', '/' or the end, and no trailing '/'.
 */
function isClean(p: string): boolean {
  const n = p.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = p.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
    if (c === DOT) {
      const d = i + 1 < n ? p.charCodeAt(i + 1) : 0;
      if (d === DOT || d === SLASH || d === 0) return false;
    } else if (c === SLASH && i + 1 < n && p.charCodeAt(i + 1) === SLASH) {
      return false;
    }
  }
  return p.charCodeAt(n - 1) !== SLASH;
}

// Mirrors copy_and_sanitize_path: `out` holds the target buffer, its current length is the write
// position (tc); position 0 is the target base.
function copyAndSanitize(out: number[], path: string): void {
  let tc = out.length;
  let pc = 0;
  const n = path.length;
  const at = (k: number): number => {
    if (k >= n) return 0;
    const c = path.charCodeAt(k);
    return c;
  };
  const rewind = (delta: number): void => {
    if (tc <= 1) {
      pc += delta;
      return;
    }
    tc--;
    while (tc >= 1 && out[tc - 1] !== SLASH) tc--;
    pc += delta;
  };
  for (;;) {
    const c = at(pc);
    if (c === 0) {
      if (tc > 1 && out[tc - 1] === SLASH) tc--;
      out.length = tc;
      return;
    }
    if (invalid(c)) {
      out[tc++] = DOT;
      pc++;
    } else if (c === DOT && at(pc + 1) === DOT && at(pc + 2) === SLASH) {
      rewind(3);
    } else if (c === DOT && at(pc + 1) === DOT) {
      if (at(pc + 2) === 0) {
        rewind(2);
      } else {
        out[tc++] = DOT;
        out[tc++] = DOT;
        pc += 2;
      }
    } else if (c === DOT && at(pc + 1) === SLASH) {
      pc += 2;
    } else if (c === DOT) {
      if (at(pc + 1) === 0) {
        pc++;
      } else {
        out[tc++] = c;
        pc++;
      }
    } else if (c === SLASH) {
      if (tc > 0 && out[tc - 1] === SLASH) {
        pc++;
      } else {
        out[tc++] = c;
        pc++;
      }
    } else {
      out[tc++] = c;
      pc++;
    }
  }
}
