// subsecoffset.lua and spectrogram.lua: heat maps drawn with ANSI escapes, one row per interval,
// as wide as the terminal. Both parse their refresh_time argument first (common.lua's
// parse_numeric_input: a message and os.exit() with status 0 when it is not a number), then
// refuse to run unless stdout is a terminal. Arithmetic follows LuaJIT on doubles: `%` is
// a - floor(a/b)*b, and evt.rawtime reaches Lua as the nearest double.
import type { EventContext } from '../fields/context.js';
import { ChiselExit } from './exit.js';
import { ChiselError } from './spyusers.js';
import { evtTs } from './fields.js';
import { formatTimeInterval, luaNum, luaToNumber } from './luafmt.js';
import type { Chisel } from './runner.js';

/** The terminal size sysdig.get_terminal_info() reads (TIOCGWINSZ on stdout; -1 when unknown). */
export interface TerminalSize {
  width: number;
  height: number;
}

type Write = (s: string) => void;

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const MOVE_UP_1 = `${ESC}1F`;
const fg = (c: number): string => `${ESC}38;5;${luaNum(c)}m`;
const bg = (c: number): string => `${ESC}48;5;${luaNum(c)}m`;

const COL_PALETTE = [22, 28, 64, 34, 2, 76, 46, 118, 154, 191, 227, 226, 11, 220, 209, 208, 202, 197, 9, 1];
// " ", "░", "▒", "░" as the UTF-8 bytes the Lua source holds (output is written byte per char).
const CHAR_PALETTE = [' ', '\xe2\x96\x91', '\xe2\x96\x92', '\xe2\x96\x91'];
const LOG10_1_6 = Math.log10(1.6);

/** mkcol(n): [fg, bg, char] of a bucket hit n times in the interval. */
function cell(n: number, refreshPerSec: number): string {
  let col = Math.log10(n * refreshPerSec + 1) / LOG10_1_6;
  if (col < 1) col = 1;
  else if (col > COL_PALETTE.length) col = COL_PALETTE.length;
  const low = Math.floor(col);
  const high = Math.ceil(col);
  const delta = col - low;
  const ch = CHAR_PALETTE[Math.floor(1 + delta * CHAR_PALETTE.length) - 1]!;
  // Over 75%: a 25% fill with the colours swapped fakes a 75% one.
  const [f, b] =
    delta > 0.75
      ? [COL_PALETTE[high - 1]!, COL_PALETTE[low - 1]!]
      : [COL_PALETTE[low - 1]!, COL_PALETTE[high - 1]!];
  return fg(f) + bg(b) + ch;
}

/** The heat map row of on_interval: buckets 1..w, then the colour reset. `empty` draws a 0 bucket. */
function heatRow(freq: Map<number, number>, w: number, refreshPerSec: number, empty: string): string {
  let out = MOVE_UP_1;
  for (let x = 1; x <= w; x++) {
    const fr = freq.get(x);
    out += fr === undefined || fr === 0 ? empty : cell(fr, refreshPerSec);
  }
  return out + RESET + '\n';
}

/** Lua's `a % b` on numbers. */
const luaMod = (a: number, b: number): number => a - Math.floor(a / b) * b;

/** The refresh_time argument in ns (ms * 1e6), undefined when it is not a Lua number. */
function refreshArg(arg: string | undefined, defaultNs: number): number | undefined {
  if (arg === undefined) return defaultNs;
  const v = luaToNumber(arg);
  return v === undefined ? undefined : v * 1_000_000;
}

abstract class HeatMap implements Chisel {
  readonly intervalNs: bigint;
  protected readonly w: number;
  protected readonly refreshPerSec: number;
  protected freq = new Map<number, number>();

  constructor(
    protected readonly write: Write,
    protected readonly refreshNs: number,
    size: TerminalSize,
  ) {
    this.w = size.width;
    this.refreshPerSec = 1_000_000_000 / refreshNs;
    // chisel.set_interval_ns takes an integer.
    this.intervalNs = BigInt(Math.trunc(refreshNs));
  }

  protected count(bucket: number): void {
    this.freq.set(bucket, (this.freq.get(bucket) ?? 0) + 1);
  }

  /**
   * One refresh: the heat row (`empty` drawn for an empty bucket), then the axis, where
   * `labelAt(x)` is the label starting at column x or undefined for a blank; then the counts
   * start over.
   */
  protected drawRow(empty: string, labelAt: (x: number) => string | undefined): void {
    let out = heatRow(this.freq, this.w, this.refreshPerSec, empty);
    for (let x = 0; x < this.w;) {
      const label = labelAt(x);
      if (label === undefined) {
        out += ' ';
        x++;
      } else {
        out += label;
        x += label.length;
      }
    }
    this.write(out + '\n');
    this.freq = new Map();
  }
}

/** spectrogram.lua: syscall latencies, log10 buckets from 1ns to 100s, every refresh_time (500ms). */
export class Spectrogram extends HeatMap {
  constructor(
    write: Write,
    refreshNs: number,
    size: TerminalSize,
    latency: (c: EventContext) => number | undefined,
  ) {
    super(write, refreshNs, size);
    this.latency = latency;
    write(HIDE_CURSOR);
  }

  private readonly latency: (c: EventContext) => number | undefined;

  filter(c: EventContext): boolean {
    return (c.info.code & 1) === 1;
  }

  onEvent(c: EventContext): void {
    const latency = this.latency(c);
    if (latency === 0) return;
    // evt.latency is nil only for internal events, none of which is an exit event.
    if (latency === undefined)
      throw new ChiselError("spectrogram: bad argument #1 to 'log10' (number expected, got nil)");
    let l = Math.log10(latency);
    if (l > 11) l = 11;
    this.count(Math.floor((l * this.w) / 11) + 1);
  }

  onInterval(): void {
    const w = this.w;
    // A label at each of the 11 decades: 1ns, 10ns, ... 100s.
    this.drawRow(fg(0) + bg(0) + ' ', (x) => {
      const cur = Math.floor((x * 11) / w);
      return cur !== Math.floor(((x - 1) * 11) / w) ? '|' + formatTimeInterval(10 ** cur) : undefined;
    });
  }

  onCaptureEnd(): void {
    // The last, partial sample is drawn too.
    this.onInterval();
    this.write(RESET + '\n' + SHOW_CURSOR);
  }
}

/** subsecoffset.lua: syscall entries by their offset within refresh_time (1s). */
export class SubsecOffset extends HeatMap {
  private readonly maxLabelLen: number;

  constructor(write: Write, refreshNs: number, size: TerminalSize) {
    super(write, refreshNs, size);
    this.maxLabelLen = `|${luaNum((0.9 * refreshNs) / 10_000_000)}ms`.length;
    write(HIDE_CURSOR);
    write('Tracing syscalls... red (hot) == high frequency <-> green == low frequency.\n\n');
  }

  filter(c: EventContext): boolean {
    return (c.info.code & 1) === 0;
  }

  onEvent(c: EventContext): void {
    const t = Number(evtTs(c));
    this.count(Math.floor((luaMod((t * 1000) / this.refreshNs, 1000) / 1000) * this.w));
  }

  onInterval(): void {
    const w = this.w;
    // An empty bucket sets the background twice (the Lua's slip), never the foreground.
    // A label at each tenth of refresh_time, where it still fits.
    this.drawRow(bg(0) + bg(0) + ' ', (x) =>
      Math.floor((x * 10) / w) !== Math.floor(((x - 1) * 10) / w) && x <= w - this.maxLabelLen
        ? `|${luaNum((Math.floor((10 * x) / w) * this.refreshNs) / 10_000_000)}ms`
        : undefined,
    );
  }

  onCaptureEnd(): void {
    this.write(RESET + '\n' + SHOW_CURSOR);
  }
}

/** What subsecoffset / spectrogram do before reading events: a ChiselExit, or the chisel. */
export function heatMapChisel(
  name: 'subsecoffset' | 'spectrogram',
  args: readonly string[],
  write: Write,
  terminal: TerminalSize | undefined,
  latency: (c: EventContext) => number | undefined,
): Chisel | ChiselExit {
  const refreshNs = refreshArg(args[0], name === 'spectrogram' ? 500_000_000 : 1_000_000_000);
  if (refreshNs === undefined) return new ChiselExit(0, 'Input refresh_time must be a number.\n');
  if (terminal === undefined)
    return new ChiselExit(
      1,
      'This chisel only works on ANSI terminals. Aborting.\n',
      `init() for chisel ${name} failed.\n`,
    );
  // A refresh time under 1ns (or not finite) gives no interval at all: not reproduced.
  if (!(refreshNs >= 1 && Number.isFinite(refreshNs)))
    return new ChiselExit(1, '', `${name}: a refresh time under 1ns is not supported by capsight\n`);
  return name === 'spectrogram'
    ? new Spectrogram(write, refreshNs, terminal, latency)
    : new SubsecOffset(write, refreshNs, terminal);
}
