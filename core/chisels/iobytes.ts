// iobytes_net.lua / iobytes_file.lua: bytes read and written per one-second interval. The line is
// printed when an event crosses into a new second and is stamped with that event's evt.time.s, so it
// carries the previous second's totals; the last partial second is never printed. The totals are
// the Connections / Files views' BYTES IN and BYTES OUT columns, summed as the index sums them.
import type { EventContext } from '../fields/context.js';
import { isIo, rawArgRes, timeS } from './fields.js';
import { luaNum } from './luafmt.js';
import type { Chisel } from './runner.js';
import { CONN_BYTES, FILE_BYTES, eventBytesMetric, fileIo, netIo } from './tops.js';
import { IN_METRICS, OUT_METRICS } from '../views/metrics.js';

export class IoBytes implements Chisel {
  readonly intervalNs = 1_000_000_000n;
  // on_interval prints evt.field(ftime).
  readonly intervalReadsEvent = true;
  private tot = 0;
  private totIn = 0;
  private totOut = 0;

  constructor(
    /** The chisel's own filter (its set_filter), which also decides which events move the clock. */
    readonly filter: (c: EventContext) => boolean,
    /** The view byte metrics it totals (core/views/metrics.ts). */
    private readonly metrics: number,
    private readonly write: (s: string) => void,
  ) {}

  onEvent(c: EventContext): void {
    const m = eventBytesMetric(c);
    if (m < 0 || !(this.metrics & (1 << m))) return;
    const bytes = rawArgRes(c);
    if (bytes === undefined || bytes <= 0) return;
    this.tot += bytes;
    if (IN_METRICS & (1 << m)) this.totIn += bytes;
    else this.totOut += bytes;
  }

  onInterval(c: EventContext): void {
    this.write(`${timeS(c)} in:${luaNum(this.totIn)} out:${luaNum(this.totOut)} tot:${luaNum(this.tot)}\n`);
    this.tot = this.totIn = this.totOut = 0;
  }
}

export const ioBytesNet = (write: (s: string) => void): IoBytes => new IoBytes(netIo, CONN_BYTES, write);
export const ioBytesFile = (write: (s: string) => void): IoBytes => new IoBytes(fileIo, FILE_BYTES, write);
/** iobytes: every I/O call's bytes (evt.is_io=true), whatever the fd. */
export const ioBytesAll = (write: (s: string) => void): IoBytes =>
  new IoBytes(isIo, IN_METRICS | OUT_METRICS, write);
