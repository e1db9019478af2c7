// fileslower.lua: file I/O exits slower than min_ms (all of them with 0), /dev files skipped.
// The header is printed when the chisel initialises; each row starts with a colour: green for
// host processes, blue otherwise (anything whose container.name is not "host").
import type { EventContext } from '../fields/context.js';
import { eventTypeName } from '../format/event.js';
import { datetime, fdName, isExit, procName, type ChiselEnv } from './fields.js';
import { colors, leftCut, luaNum, type Colors } from './luafmt.js';
import type { Chisel } from './runner.js';
import { fileIo, latency } from './tops.js';

/** container.name: "host" outside containers, the container's name, undefined when unknown. */
export function containerName(c: EventContext): string | undefined {
  const t = c.state.thread;
  if (t === undefined) return undefined;
  if (t.containerId === '') return 'host';
  return c.lookup.container(t.containerId)?.name;
}

const s = (v: string | undefined): string => v ?? 'nil';

export class FilesLower implements Chisel {
  private readonly col: Colors;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
    private readonly minMs: number,
    disableArg: string | undefined,
  ) {
    this.col = colors(disableArg !== 'disable_color');
    write(
      `${leftCut('evt.datetime', 23, 23)} ${leftCut('proc.name', 12, 12)} ${leftCut('evt.type', 8)} ${leftCut('LATENCY(ms)', 12)} fd.name\n`,
    );
    write(`${'-'.repeat(23)} ${'-'.repeat(12)} ${'-'.repeat(8)} ${'-'.repeat(12)} ${'-'.repeat(41)}\n`);
  }

  readonly filter = fileIo;

  onEvent(c: EventContext): void {
    const lat = (latency(c, this.env) ?? 0) / 1_000_000;
    const fn = fdName(c);
    if (!isExit(c) || !(lat > this.minMs)) return;
    if (fn !== undefined && fn.slice(0, 5) === '/dev/') return;
    const color = containerName(c) !== 'host' ? this.col.blue : this.col.green;
    const latText = luaNum(Math.trunc(lat)).padStart(12, ' ');
    this.write(
      `${color}${leftCut(datetime(c), 23, 23)} ${leftCut(s(procName(c)), 12, 12)} ${leftCut(eventTypeName(c), 8)} ${latText} ${s(fn)}\n`,
    );
  }
}
