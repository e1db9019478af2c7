// The event export that around.lua and spy_logs.lua (with dump_file_name) run at the end of the
// capture: they remember (time, thread) of each event they showed, then call sysdig.run_app with
// `-F -r<source> -w<file> (evt.around[T]=MS and thread.tid=TID) or ...`, i.e. sysdig itself writes
// the events of those threads within MS milliseconds of each one, in fatfile mode. The argument
// string is built exactly as the Lua builds it and handed to the command line to run.
import type { EventContext } from '../fields/context.js';
import { evtTs, threadTid } from './fields.js';

/** What a chisel may ask of the program that runs it. */
export interface ChiselHost {
  /** sysdig.get_evtsource_name(): the capture file being read. */
  readonly source: string;
  /** sysdig.get_filter(): the command line's filter text ("" for none). */
  readonly filter: string;
  /** sysdig.run_app(args): run the command line again with these arguments once this run ends. */
  runApp(args: string): void;
}

export class EventDump {
  private readonly entries: [ts: bigint, tid: number][] = [];

  constructor(
    readonly file: string,
    /** dump_range_ms as the user typed it (the Lua keeps it a string). */
    private readonly rangeMs: string,
    private readonly host: ChiselHost,
  ) {}

  get count(): number {
    return this.entries.length;
  }

  add(c: EventContext): void {
    this.entries.push([evtTs(c), threadTid(c)]);
  }

  /** Runs the export (sysdig.run_app with appArgs) once this run ends. */
  run(): void {
    this.host.runApp(this.appArgs());
  }

  /** spy_logs' and spy_syslog's end: how many entries, then the export. */
  exportLogEntries(write: (s: string) => void): void {
    write(`Writing events for ${this.count} log entries\n`);
    this.run();
  }

  /** The run_app argument string (ts_to_str prints the time as seconds then 9 digits of ns). */
  appArgs(): string {
    let args = `-F -r${this.host.source} -w${this.file} `;
    this.entries.forEach(([ts, tid], i) => {
      if (i !== 0) args += ' or ';
      const s = ts / 1_000_000_000n;
      const ns = String(ts % 1_000_000_000n).padStart(9, '0');
      args += `(evt.around[${s}${ns}]=${this.rangeMs} and thread.tid=${tid})`;
    });
    return args;
  }
}
