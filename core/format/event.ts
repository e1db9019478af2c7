// sysdig's default event line, `*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir
// %evt.type %evt.info`, and its -j JSON form, rendered directly (the hot path of `capsight -r`)
// rather than through the generic field formatter.
import type { EventContext } from '../fields/context.js';
import { SYSCALL_NAMES } from '../schema/index.js';
import { u16 } from '../bytes.js';
import { tsToString } from '../time.js';
import { renderArgs, type ParamEnv } from './params.js';

export type TimeType = 'h' | 'a' | 'r' | 'd' | 'D';

/** evt.type: the event name, or for generic events the syscall's name from their ID parameter. */
export function eventTypeName(ctx: EventContext): string {
  const code = ctx.info.code;
  if ((code === 0 || code === 1) && ctx.batch.paramBase[ctx.i + 1]! > ctx.batch.paramBase[ctx.i]!) {
    const off = ctx.batch.paramOff[ctx.batch.paramBase[ctx.i]!]!;
    return SYSCALL_NAMES[u16(ctx.batch.arena, off)] ?? '';
  }
  return ctx.info.name;
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

export function defaultLine(ctx: EventContext, env: ParamEnv, time: OutputTime, latency: bigint | undefined): string {
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
    renderArgs(ctx.info, b, i, env)
  );
}

/** JSON string literal as JsonCpp's FastWriter writes it (bytes >= 0x80 pass through). */
export function jsonString(s: string): string {
  let r = '"';
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x22) r += '\\"';
    else if (c === 0x5c) r += '\\\\';
    else if (c === 0x08) r += '\\b';
    else if (c === 0x0c) r += '\\f';
    else if (c === 0x0a) r += '\\n';
    else if (c === 0x0d) r += '\\r';
    else if (c === 0x09) r += '\\t';
    else if (c < 0x20) r += '\\u' + c.toString(16).padStart(4, '0');
    else r += s[k];
  }
  return r + '"';
}

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
    jsonString(renderArgs(ctx.info, b, i, env)) +
    ',"evt.num":' +
    ctx.num +
    ',"evt.outputtime":' +
    b.ts[i] +
    ',"evt.type":' +
    jsonString(eventTypeName(ctx)) +
    ',"proc.name":' +
    (t ? jsonString(t.comm) : 'null') +
    ',"thread.tid":' +
    b.tid[i] +
    '}'
  );
}
