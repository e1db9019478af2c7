// fileslower.lua, netlower.lua, scallslower.lua: calls slower than min_ms. The header is printed
// when the chisel initialises; each row starts with a colour: green for host processes, blue
// otherwise (anything whose container.name is not "host").
import type { EventContext } from '../fields/context.js';
import { eventTypeValue } from '../format/event.js';
import {
  containerCells,
  containerCellsOf,
  containerName,
  datetime,
  fdName,
  isExit,
  procName,
  type ChiselEnv,
} from './fields.js';
import { colors, leftCut, luaNum, type Colors } from './luafmt.js';
import type { Chisel } from './runner.js';
import { fileIo, latency, netIo } from './tops.js';

const s = (v: string | undefined): string => v ?? 'nil';
const dashes = (n: number): string => '-'.repeat(n);

/** fileslower / netlower: I/O exits on files (skipping /dev) or sockets. */
export class IoSlower implements Chisel {
  private readonly col: Colors;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
    private readonly minMs: number,
    disableArg: string | undefined,
    readonly filter: (c: EventContext) => boolean,
    private readonly skipDev: boolean,
  ) {
    this.col = colors(disableArg !== 'disable_color');
    // Under -pc two container columns follow the time (the header's dashes are cut to 20).
    const pc = (id: string, name: string): string =>
      env.printContainer === true ? containerCells(id, name) : '';
    const row = (a: string, id: string, name: string, b: string, c: string, d: string, e: string): string =>
      `${leftCut(a, 23, 23)} ${pc(id, name)}${leftCut(b, 12, 12)} ${leftCut(c, 8)} ${leftCut(d, 12)} ${e}\n`;
    write(
      row(
        'evt.datetime',
        'container.id',
        'container.name',
        'proc.name',
        'evt.type',
        'LATENCY(ms)',
        'fd.name',
      ),
    );
    write(row(dashes(23), dashes(30), dashes(30), dashes(12), dashes(8), dashes(12), dashes(41)));
  }

  onEvent(c: EventContext): void {
    const lat = (latency(c, this.env) ?? 0) / 1_000_000;
    const fn = fdName(c);
    if (!isExit(c) || !(lat > this.minMs)) return;
    if (this.skipDev && fn !== undefined && fn.slice(0, 5) === '/dev/') return;
    const color = containerName(c) !== 'host' ? this.col.blue : this.col.green;
    const latText = luaNum(Math.trunc(lat)).padStart(12, ' ');
    const pc = this.env.printContainer === true ? containerCellsOf(c) : '';
    this.write(
      `${color}${leftCut(datetime(c), 23, 23)} ${pc}${leftCut(s(procName(c)), 12, 12)} ${leftCut(s(eventTypeValue(c)), 8)} ${latText} ${s(fn)}\n`,
    );
  }
}

export const filesLower = (
  env: ChiselEnv,
  write: (s: string) => void,
  minMs: number,
  disable: string | undefined,
): IoSlower => new IoSlower(env, write, minMs, disable, fileIo, true);

export const netLower = (
  env: ChiselEnv,
  write: (s: string) => void,
  minMs: number,
  disable: string | undefined,
): IoSlower => new IoSlower(env, write, minMs, disable, netIo, false);

/** scallslower: any event whose evt.latency exceeds min_ms, the latency printed as a Lua number. */
export class ScallSlower implements Chisel {
  private readonly col: Colors;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
    private readonly minMs: number,
    disableArg: string | undefined,
  ) {
    this.col = colors(disableArg !== 'disable_color');
    const row = (a: string, b: string, c: string, d: string, pc = ''): string =>
      `${leftCut(a, 23, 23)} ${pc}${leftCut(b, 23, 23)} ${leftCut(c, 20)} ${d}\n`;
    if (env.printContainer === true) {
      // The Lua's -pc header has two spaces between the container columns; its dashes one.
      write(
        row(
          'evt.datetime',
          'proc.name',
          'LATENCY(ms)',
          'evt.type',
          `${leftCut('container.id', 20, 20)}  ${leftCut('container.name', 20, 20)} `,
        ),
      );
      write(row(dashes(23), dashes(23), dashes(20), dashes(20), containerCells(dashes(20), dashes(20))));
    } else {
      write(row('evt.datetime', 'proc.name', 'LATENCY(ms)', 'evt.type'));
      write(row(dashes(23), dashes(23), dashes(20), dashes(20)));
    }
  }

  onEvent(c: EventContext): void {
    const l = latency(c, this.env);
    if (l === undefined) return;
    const lat = l / 1_000_000;
    if (!(lat > this.minMs)) return;
    const color = containerName(c) !== 'host' ? this.col.blue : this.col.green;
    const pc = this.env.printContainer === true ? containerCellsOf(c) : '';
    this.write(
      `${color}${leftCut(datetime(c), 23, 23)} ${pc}${leftCut(s(procName(c)), 23, 23)} ${leftCut(luaNum(lat), 20)} ${s(eventTypeValue(c))}\n`,
    );
  }
}
