// sysdig's default event line, `*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir
// %evt.type %evt.info`, and its -j JSON form, rendered directly (the hot path of `capsight -r`)
// rather than through the generic field formatter.
import type { EventContext } from '../fields/context.js';
import { SYSCALL_NAMES } from '../schema/index.js';
import { u16 } from '../bytes.js';
import { tsToString } from '../time.js';
import { renderArgs, type ParamEnv } from './params.js';
import { syslogInfoLine } from '../state/syslog.js';

export type TimeType = 'h' | 'a' | 'r' | 'd' | 'D';

/**
 * evt.type: the event name, or for generic events the syscall's name from their ID parameter;
 * undefined for an ID past 0.29.3's syscall table (newer drivers number more syscalls: libsinsp
 * reads past its table there and finds no name).
 */
export function eventTypeValue(ctx: EventContext): string | undefined {
  const code = ctx.info.code;
  if ((code === 0 || code === 1) && ctx.batch.paramBase[ctx.i + 1]! > ctx.batch.paramBase[ctx.i]!) {
    const off = ctx.batch.paramOff[ctx.batch.paramBase[ctx.i]!]!;
    return SYSCALL_NAMES[u16(ctx.batch.arena, off)];
  }
  return ctx.info.name;
}

/** evt.type as text: <NA> where it has no value. */
export function eventTypeName(ctx: EventContext): string {
  return eventTypeValue(ctx) ?? '<NA>';
}

/** State for evt.outputtime's -t modes that depend on earlier events. */
export class OutputTime {
  private lastD = 0n;
  constructor(readonly mode: TimeType) {}

  /** evt.outputtime text for event `ts` (`latency` is the thread's last latency, for -t d). */
  text(ts: bigint, firstTs: bigint, latency: bigint | undefined): string {
    switch (this.mode) {
      case 'h':
        return tsToString(ts, false, true);
      case 'a':
        // sysdig prints the fraction without zero padding here.
        return `${ts / 1_000_000_000n}.${ts % 1_000_000_000n}`;
      case 'r':
        return secNs(ts - firstTs);
      case 'd':
        return latency === undefined ? '0.000000000' : secNs(latency);
      case 'D': {
        if (this.lastD === 0n) this.lastD = ts;
        const d = ts - this.lastD;
        this.lastD = ts;
        return secNs(d);
      }
    }
  }
}

function secNs(v: bigint): string {
  const u = BigInt.asUintN(64, v);
  return `${u / 1_000_000_000n}.${String(u % 1_000_000_000n).padStart(9, '0')}`;
}

export function defaultLine(
  ctx: EventContext,
  env: ParamEnv,
  time: OutputTime,
  latency: bigint | undefined,
): string {
  const b = ctx.batch;
  const i = ctx.i;
  const t = ctx.state.thread;
  return (
    ctx.num +
    ' ' +
    time.text(b.ts[i]!, ctx.firstTs, latency) +
    ' ' +
    b.cpu[i] +
    ' ' +
    (t ? t.comm : '<NA>') +
    ' (' +
    b.tid[i] +
    ') ' +
    ctx.info.dir +
    ' ' +
    eventTypeName(ctx) +
    ' ' +
    eventInfoText(ctx, env)
  );
}

/** evt.info: the arguments, or on an fd the syslog decoder watches, the message this event wrote
 *  (get_info_line). */
export function eventInfoText(ctx: EventContext, env: ParamEnv): string {
  const m = ctx.state.syslog;
  return m ? syslogInfoLine(m) : renderArgs(ctx.info, ctx.batch, ctx.i, env);
}

/**
 * JSON string literal as JsonCpp 1.9.5's FastWriter (the library sysdig 0.29.3 links) writes it:
 * short escapes, other control characters and every non-ASCII code point as \uXXXX (lowercase hex,
 * surrogate pairs above the BMP), the bytes decoded as UTF-8 with U+FFFD for invalid sequences.
 * The input is latin1 (one char per capture byte).
 */
export function jsonString(s: string): string {
  let r = '"';
  const n = s.length;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x20 && c < 0x80) {
      r += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : s[k];
      continue;
    }
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) {
      r += short;
      continue;
    }
    let cp: number;
    if (c < 0x80) cp = c;
    else if (c < 0xe0) {
      if (n - k < 2) cp = 0xfffd;
      else {
        cp = ((c & 0x1f) << 6) | (s.charCodeAt(k + 1) & 0x3f);
        k += 1;
        if (cp < 0x80) cp = 0xfffd;
      }
    } else if (c < 0xf0) {
      if (n - k < 3) cp = 0xfffd;
      else {
        cp = ((c & 0x0f) << 12) | ((s.charCodeAt(k + 1) & 0x3f) << 6) | (s.charCodeAt(k + 2) & 0x3f);
        k += 2;
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp < 0x800) cp = 0xfffd;
      }
    } else if (c < 0xf8) {
      if (n - k < 4) cp = 0xfffd;
      else {
        cp =
          ((c & 0x07) << 18) |
          ((s.charCodeAt(k + 1) & 0x3f) << 12) |
          ((s.charCodeAt(k + 2) & 0x3f) << 6) |
          (s.charCodeAt(k + 3) & 0x3f);
        k += 3;
        if (cp < 0x10000) cp = 0xfffd;
      }
    } else cp = 0xfffd;
    if (cp >= 0x20 && cp <= 0x7f) r += String.fromCharCode(cp);
    else if (cp < 0x10000) r += '\\u' + hex4(cp);
    else {
      cp -= 0x10000;
      r += '\\u' + hex4((cp >> 10) + 0xd800) + '\\u' + hex4((cp & 0x3ff) + 0xdc00);
    }
  }
  return r + '"';
}

const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t' };

function hex4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

const jsonOrNull = (s: string | undefined): string => (s === undefined ? 'null' : jsonString(s));

/** -j with the default format: JsonCpp object, keys sorted. */
export function defaultJson(ctx: EventContext, env: ParamEnv): string {
  const b = ctx.batch;
  const i = ctx.i;
  const t = ctx.state.thread;
  return (
    '{"evt.cpu":' +
    b.cpu[i] +
    ',"evt.dir":' +
    jsonString(ctx.info.dir) +
    ',"evt.info":' +
    jsonString(eventInfoText(ctx, env)) +
    ',"evt.num":' +
    ctx.num +
    ',"evt.outputtime":' +
    b.ts[i] +
    ',"evt.type":' +
    jsonOrNull(eventTypeValue(ctx)) +
    ',"proc.name":' +
    (t ? jsonString(t.comm) : 'null') +
    ',"thread.tid":' +
    b.tid[i] +
    '}'
  );
}
