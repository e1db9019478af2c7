// around.lua: prints `evt.time proc.name(tid)` for each event matching the command line's filter,
// then writes the events of the same threads within dump_range_ms (default 1000) of each match to
// dump_file_name, through a second run of the command line (core/chisels/dump.ts).
import type { EventContext } from '../fields/context.js';
import { procName, threadTid, time } from './fields.js';
import type { Chisel } from './runner.js';
import { EventDump, type ChiselHost } from './dump.js';

export class Around implements Chisel {
  private readonly dump: EventDump;

  constructor(
    host: ChiselHost,
    private readonly write: (s: string) => void,
    file: string,
    rangeMs: string | undefined,
    private readonly isTty: boolean,
  ) {
    this.dump = new EventDump(file, rangeMs ?? '1000', host);
  }

  onEvent(c: EventContext): void {
    this.write(`${time(c)} ${procName(c) ?? '<NA>'}(${threadTid(c)})\n`);
    this.dump.add(c);
  }

  onCaptureEnd(): void {
    // terminal.reset, printed on a terminal before the export starts.
    if (this.isTty) this.write('\x1b[0m\n');
    this.write(`\nSaving events around ${this.dump.count} syslog entries to ${this.dump.file}\n`);
    this.dump.run();
  }
}
