// memcachelog.lua: memcached get/set requests from I/O buffers, `evt.datetime method=M size=NB
// key=K`, taken from the space-separated words of evt.arg[1] as Lua's split makes them (so a
// request's "\r\n" shows as ".." on its key). The chisel sets the inspector's filter itself
// (GLOBAL_FILTERS), so it cannot be combined with a command-line filter, as in sysdig.
import type { EventContext } from '../fields/context.js';
import { datetime, boundField } from './fields.js';
import { luaToNumber } from './luafmt.js';
import type { Chisel } from './runner.js';
import { ChiselError } from './spyusers.js';

const ARG1 = boundField('evt.arg[1]');

const GET_OR_SET = /^[gs]et/;

export class MemcacheLog implements Chisel {
  /** tonumber(size argument): undefined is nil. */
  private readonly minSize: number | undefined;

  constructor(
    private readonly write: (s: string) => void,
    private readonly method: string | undefined,
    size: string | undefined,
  ) {
    this.minSize = size === undefined ? undefined : luaToNumber(size);
  }

  onEvent(c: EventContext): void {
    const data = ARG1.text(c);
    // split(nil, " ") concatenates nil: a Lua error.
    if (data === undefined) throw new ChiselError('memcachelog: attempt to concatenate a nil value (data)');
    const line = data.split(' ');
    const method = line[0]!;
    if (!GET_OR_SET.test(method)) return;
    const key = line[1];
    const size = (line[4] === undefined ? undefined : luaToNumber(line[4])) ?? 0;
    if (key === undefined) return;
    if (this.method !== undefined && this.method !== method) return;
    if (this.method === 'set') {
      if (this.minSize === undefined)
        throw new ChiselError('memcachelog: attempt to compare number with nil');
      if (size < this.minSize) return;
    }
    // %d truncates a fractional size.
    this.write(`${datetime(c)} method=${method} size=${Math.trunc(size)}B key=${key}\n`);
  }
}
