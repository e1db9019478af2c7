// spy_syslog.lua: every successful write to /dev/log, as `facility.severity proc[tid] message`
// from the syslog.* fields (core/fields/other.ts); on a terminal coloured by severity (warn yellow,
// worse red, containers blue, else green). With dump_file_name the events around each message are
// exported at the end (core/chisels/dump.ts).
import type { EventContext } from '../fields/context.js';
import {
  containerId,
  containerName,
  isExit,
  isIoWrite,
  fdName,
  failed,
  procName,
  threadTid,
  boundField,
} from './fields.js';
import { colors, type Colors } from './luafmt.js';
import type { Chisel } from './runner.js';
import { ChiselError } from './spyusers.js';
import type { EventDump } from './dump.js';

const FAC = boundField('syslog.facility.str');
const SEV = boundField('syslog.severity.str');
const SEVCODE = boundField('syslog.severity');

/** tostring() of a field value as LuaJIT's string.format %s writes it (nil: "nil"). */
const str = (v: unknown): string => (v === undefined ? 'nil' : String(v));

export class SpySyslog implements Chisel {
  private readonly col: Colors;

  constructor(
    private readonly write: (s: string) => void,
    disableArg: string | undefined,
    private readonly isTty: boolean,
    private readonly printContainer: boolean,
    private readonly dump?: EventDump,
  ) {
    this.col = colors(disableArg !== 'disable_color');
  }

  /** "fd.name contains /dev/log and evt.is_io_write=true and evt.dir=< and evt.failed=false" */
  filter(c: EventContext): boolean {
    return (fdName(c)?.includes('/dev/log') ?? false) && isIoWrite(c) && isExit(c) && !failed(c);
  }

  onEvent(c: EventContext): void {
    const fac = str(FAC.extract(c));
    const sev = str(SEV.extract(c));
    const sevcode = SEVCODE.extract(c) as number | undefined;
    // evt.field hands Lua the whole message, NULs included.
    const msg = c.state.syslog ? c.state.syslog.message : 'nil';
    const tid = threadTid(c);
    const pname = str(procName(c));
    const cname = str(containerName(c));
    const cid = str(containerId(c));
    let color = '';
    if (this.isTty) {
      const k = this.col;
      if (sevcode === undefined) throw new ChiselError('spy_syslog: attempt to compare nil with number');
      color = sevcode === 4 ? k.yellow : sevcode < 4 ? k.red : cname !== 'host' ? k.blue : k.green;
    }
    const pad = (s: string): string => s.padEnd(20);
    let line: string;
    if (this.printContainer) {
      // The Lua's own argument orders: on a terminal id, name, fac.sev; otherwise fac, id, name.sev.
      line = this.isTty
        ? `${color}${pad(cid)} ${pad(cname)} ${fac}.${sev} ${pname}[${tid}] ${msg}`
        : `${pad(fac)} ${pad(cid)} ${cname}.${sev} ${pname}[${tid}] ${msg}`;
    } else line = `${color}${fac}.${sev} ${pname}[${tid}] ${msg}`;
    this.write(line + '\n');
    this.dump?.add(c);
  }

  onCaptureEnd(): void {
    if (this.isTty) this.write(this.col.reset + '\n');
    this.dump?.exportLogEntries(this.write);
  }
}
