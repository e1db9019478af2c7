// iobytes_net.lua / iobytes_file.lua: bytes read and written per one-second interval. The line is
// printed when an event crosses into a new second and is stamped with that event's evt.time.s, so it
// carries the previous second's totals; the last partial second is never printed.
import type { EventContext } from '../fields/context.js';
import { isIoRead, rawArgRes, timeS } from './fields.js';
import { luaNum } from './luafmt.js';
import type { Chisel } from './runner.js';
import { fileIo, netIo } from './tops.js';

export class IoBytes implements Chisel {
  readonly intervalNs = 1_000_000_000n;
  private tot = 0;
  private totIn = 0;
  private totOut = 0;

  constructor(
    readonly filter: (c: EventContext) => boolean,
    private readonly write: (s: string) => void,
  ) {}

  onEvent(c: EventContext): void {
    const bytes = rawArgRes(c);
    if (bytes === undefined || bytes <= 0) return;
    this.tot += bytes;
    if (isIoRead(c)) this.totIn += bytes;
    else this.totOut += bytes;
  }

  onInterval(c: EventContext): void {
    this.write(`${timeS(c)} in:${luaNum(this.totIn)} out:${luaNum(this.totOut)} tot:${luaNum(this.tot)}\n`);
    this.tot = this.totIn = this.totOut = 0;
  }
}

export const ioBytesNet = (write: (s: string) => void): IoBytes => new IoBytes(netIo, write);
export const ioBytesFile = (write: (s: string) => void): IoBytes => new IoBytes(fileIo, write);
