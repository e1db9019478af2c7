// Time is bigint nanoseconds since the epoch everywhere; these render it at the edge, in the local
// zone (the process's TZ, as sysdig does) or UTC.

const NS = 1_000_000_000n;

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** Split ns-since-epoch into whole seconds and the 0..1e9 remainder (floor for negatives). */
export function splitNs(ts: bigint): { sec: number; ns: number } {
  let sec = ts / NS;
  let ns = ts % NS;
  if (ns < 0n) {
    ns += NS;
    sec -= 1n;
  }
  return { sec: Number(sec), ns: Number(ns) };
}

let cacheSec = NaN;
let cacheClock = '';
let cacheDate = '';

function fill(sec: number): void {
  if (sec === cacheSec) return;
  const d = new Date(sec * 1000);
  cacheSec = sec;
  cacheClock = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  cacheDate = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** sinsp_utils::ts_to_string: `HH:MM:SS[.nnnnnnnnn]`, optionally prefixed by `YYYY-MM-DD `. */
export function tsToString(ts: bigint, withDate: boolean, withNs: boolean): string {
  const { sec, ns } = splitNs(ts);
  fill(sec);
  let s = withDate ? cacheDate + ' ' + cacheClock : cacheClock;
  if (withNs) s += '.' + String(ns).padStart(9, '0');
  return s;
}

/** sinsp_utils::ts_to_iso_8601: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` in UTC. */
export function tsToIso8601(ts: bigint): string {
  const { sec, ns } = splitNs(ts);
  const d = new Date(sec * 1000);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.` +
    `${String(ns).padStart(9, '0')}Z`
  );
}

/** `S.nnnnnnnnn` of a non-negative ns duration. */
export function durationText(ns: bigint): string {
  return `${ns / NS}.${String(ns % NS).padStart(9, '0')}`;
}
