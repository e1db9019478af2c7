// How sysdig drives a chisel (sinsp_chisel::run / do_timeout / on_capture_end of libs e5c53d64):
// every event that passes the command-line filter goes to run(): first the interval check, then
// the chisel's own filter, then on_event. Events the command-line filter drops still reach the
// interval check (chisels_do_timeout). Intervals are driven by event timestamps, never the clock.
import type { EventContext } from '../fields/context.js';
import { evtTs } from './fields.js';

/** An on_interval that failed (sysdig: "<chisel> chisel error: calling on_interval() failed"); the
 *  capture stops with it. */
export class IntervalError extends Error {}

/** End-of-capture figures on_capture_end receives. */
export interface CaptureEnd {
  /** Timestamp of the first event read. */
  firstTs: bigint;
  /** Timestamp of the last event read (m_lastevent_ts). */
  lastTs: bigint;
  /** lastTs - firstTs. */
  delta: bigint;
}

/** A chisel: Lua callbacks as methods. Output goes to the sink the chisel was made with. */
export interface Chisel {
  /** chisel.set_filter: events failing it skip on_event. */
  filter?(c: EventContext): boolean;
  /** on_event. */
  onEvent?(c: EventContext): void;
  /** chisel.set_interval_s / set_interval_ns, in ns: on_interval is called on sample boundaries. */
  readonly intervalNs?: bigint;
  /** on_interval: `c` is the event that crossed the boundary. It may be one the command-line filter
   *  rejected by its type alone, whose state the tracker never filled: read its time only. */
  onInterval?(c: EventContext, tsS: number, tsNs: number, delta: number): void;
  /** Its Lua on_interval reads the event (evt.field): before any event reached run() the chisel
   *  API has no event to read, and sysdig stops with a chisel error. */
  readonly intervalReadsEvent?: boolean;
  /** on_capture_start: sysdig calls it once the capture is open (never when opening failed). */
  onCaptureStart?(): void;
  /** on_capture_end. */
  onCaptureEnd?(end: CaptureEnd): void;
  /** Set by the chisel (sysdig.end_capture()): the capture stops after the current event. */
  endCapture?: boolean;
  /** Its Lua on_capture_end prints even when no capture ran: sysdig calls it when the command-line
   *  filter does not compile (most chisels' on_capture_end raises then, which sysdig ignores). */
  readonly endsUnstarted?: boolean;
}

/** The per-chisel bookkeeping sinsp_chisel keeps around the Lua callbacks. */
export class ChiselRunner {
  private firstEvent = true;
  // Whether an event went to run(): libsinsp hands the chisel API its event pointer there only.
  private ran = false;
  private lastSampleTime = 0n;
  private lastIntervalTs = 0n;
  private readonly iv: bigint;
  private readonly hasInterval: boolean;
  // The current sample window [lastSampleTime, lastSampleTime + interval) as 32-bit halves, so the
  // per-event check reads the timestamp column without making a bigint.
  private winLoHi = 0;
  private winLoLo = 0;
  private winHiHi = 0;
  private winHiLo = 0;
  private view: Uint32Array | null = null;
  private viewOf: BigInt64Array | null = null;

  constructor(readonly chisel: Chisel) {
    this.iv = chisel.intervalNs ?? 0n;
    this.hasInterval = this.iv !== 0n;
  }

  /** An event that passed the command-line filter. Returns false once the chisel ended the capture. */
  run(c: EventContext): boolean {
    this.ran = true;
    if (this.hasInterval) this.timeout(c);
    const ch = this.chisel;
    if (ch.filter && !ch.filter(c)) return true;
    ch.onEvent?.(c);
    return !ch.endCapture;
  }

  private setWindow(start: bigint): void {
    this.lastSampleTime = start;
    const end = start + this.iv;
    this.winLoHi = Number(BigInt.asUintN(32, start >> 32n));
    this.winLoLo = Number(BigInt.asUintN(32, start));
    this.winHiHi = Number(BigInt.asUintN(32, end >> 32n));
    this.winHiLo = Number(BigInt.asUintN(32, end));
  }

  /** The interval check alone (do_timeout): for events the command-line filter dropped. */
  timeout(c: EventContext): void {
    if (!this.hasInterval) return;
    const tsCol = c.batch.ts;
    if (tsCol !== this.viewOf) {
      this.viewOf = tsCol;
      this.view = new Uint32Array(tsCol.buffer, tsCol.byteOffset, tsCol.length * 2);
    }
    if (!this.firstEvent) {
      // Inside the window: compare high words first, the low ones only on a tie.
      const v = this.view!;
      const hi = v[2 * c.i + 1]!;
      if (hi > this.winLoHi && hi < this.winHiHi) return;
      const lo = v[2 * c.i]!;
      const afterStart = hi > this.winLoHi || (hi === this.winLoHi && lo >= this.winLoLo);
      const beforeEnd = hi < this.winHiHi || (hi === this.winHiHi && lo < this.winHiLo);
      if (afterStart && beforeEnd) return;
    }
    const iv = this.iv;
    const ts = evtTs(c);
    const sample = ts - (ts % iv);
    if (this.firstEvent) {
      this.firstEvent = false;
      this.setWindow(sample);
      return;
    }
    if (sample === this.lastSampleTime) return;
    let delta = 0n;
    if (this.lastIntervalTs !== 0n) {
      delta = ts - this.lastIntervalTs;
      if (delta === 0n) return;
    }
    if (!this.ran && this.chisel.intervalReadsEvent === true) {
      throw new IntervalError('invalid call to evt.field()');
    }
    this.chisel.onInterval?.(c, Number(ts / 1_000_000_000n), Number(ts % 1_000_000_000n), Number(delta));
    this.setWindow(sample);
    this.lastIntervalTs = ts;
  }

  end(firstTs: bigint, lastTs: bigint): void {
    this.chisel.onCaptureEnd?.({ firstTs, lastTs, delta: lastTs - firstTs });
  }
}
