// The first steps of libsinsp's tracer parser (sinsp_tracerparser::process_event_data). libsinsp
// tries to read every write to a "/dev/null" fd as a sysdig tracer string (">:id:tags:args:" or
// a JSON array). The outcome changes what sysdig shows: an incomplete string (TRUNCATED) hides the
// write and is buffered per thread until more data arrives; anything that cannot be a tracer
// (FAILED) marks the fd as not a tracer fd for good. Strings that get past the first characters of
// either grammar are real tracer candidates; those are not decoded here (COMPLEX).

import type { TracerState } from './thread.js';

export const enum TracerResult {
  FAILED = 0,
  TRUNCATED = 1,
  COMPLEX = 2,
}

/** MAX_USER_EVT_BUFFER: a fragment past this is dropped. */
const MAX_FRAGMENT = 65536;

const SPACE = 0x20;

/** Classifies the C string at the start of `s` by the grammars' first characters. */
function classify(s: Uint8Array, n: number): TracerResult {
  let end = 0;
  while (end < n && s[end] !== 0) end++;
  const at = (k: number): number => (k < end ? s[k]! : 0);
  const c0 = at(0);
  if (c0 === 0x3e || c0 === 0x3c) {
    // parse_simple: '>' or '<', then ':'.
    const c1 = at(1);
    if (c1 === 0) return TracerResult.TRUNCATED;
    return c1 === 0x3a ? TracerResult.COMPLEX : TracerResult.FAILED;
  }
  // parse_json: spaces, '[', then a quoted type string.
  let k = 0;
  while (at(k) === SPACE) k++;
  if (at(k) !== 0x5b) return TracerResult.FAILED;
  const q = at(k + 1);
  if (q === 0) return TracerResult.TRUNCATED;
  if (q !== 0x22) return TracerResult.FAILED;
  // parsestr: the type string runs to a '"' not preceded by '\\'; the end first means truncated.
  for (let j = k + 2; ; j++) {
    const c = at(j);
    if (c === 0) return TracerResult.TRUNCATED;
    if (c === 0x22 && at(j - 1) !== 0x5c) return TracerResult.COMPLEX;
  }
}

/** process_event_data's bookkeeping for one write of `data` (arena[o, o+len)). */
export function tracerWrite(st: TracerState, a: Uint8Array, o: number, len: number): TracerResult {
  const storlen = st.fragSize + len;
  if (st.storage.length < storlen + 1) {
    const bigger = new Uint8Array(Math.max(storlen + 1, st.storage.length * 2, 64));
    bigger.set(st.storage.subarray(0, st.fragSize));
    st.storage = bigger;
  }
  st.storage.set(a.subarray(o, o + len), st.fragSize);
  st.storage[storlen] = 0;
  if (st.fragSize !== 0) {
    let e = 0;
    while (st.storage[e] !== 0) e++;
    st.full = st.storage.slice(0, e);
  }
  const res = storlen > 0 ? classify(st.storage, storlen) : TracerResult.FAILED;
  if (res === TracerResult.TRUNCATED) {
    if (st.fragSize > MAX_FRAGMENT) {
      st.fragSize = 0;
      return res;
    }
    if (st.full.length === 0) {
      st.storage.set(a.subarray(o, o + len), 0);
      st.storage[len] = 0;
      st.fragSize += len;
    } else {
      st.storage.set(st.full, 0);
      st.fragSize = st.full.length;
    }
    return res;
  }
  st.fragSize = 0;
  st.full = new Uint8Array(0);
  return res;
}
