// The chisels that echo I/O payloads: echo_fds, spy_ip, spy_port, spy_file (sysdig 0.29.3 Lua).
// Colours are ANSI escapes, on unless the chisel's disable_color argument says otherwise, whatever
// stdout is. Payload text is evt.arg.data in the command line's buffer format (-A/-X/-x/-b), uncut.
import type { EventContext } from '../fields/context.js';
import { BufFmt } from '../format/params.js';
import { jsonString } from '../format/event.js';
import {
  argData,
  containerId,
  containerName,
  failed,
  fdName,
  isFile,
  isIo,
  isIoRead,
  isIoWrite,
  isExit,
  procName,
  procPid,
  rawArgRes,
  rawRes,
  time,
  type ChiselEnv,
} from './fields.js';
import { colors, formatBytes, luaNum, type Colors } from './luafmt.js';
import type { EventDump } from './dump.js';
import type { Chisel } from './runner.js';
import { ChiselExit } from './exit.js';
import { tryCompileFilter } from '../filter/compile.js';

type Write = (s: string) => void;

/** Lua's string.format("%s", v) under LuaJIT: nil prints as "nil", numbers as tostring does. */
function s(v: string | number | undefined): string {
  return v === undefined ? 'nil' : typeof v === 'number' ? luaNum(v) : v;
}

/** echo_fds.lua: a coloured header per successful read/write, then the data (its event formatter). */
export class EchoFds implements Chisel {
  readonly endsUnstarted = true;
  private readonly col: Colors;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: Write,
    args: readonly string[],
  ) {
    // The Lua compares with "disable_color" here (the description says "disable_colors").
    this.col = colors(args[0] !== 'disable_color');
  }

  filter(c: EventContext): boolean {
    if (!isIo(c) || !isExit(c)) return false;
    const r = rawRes(c);
    return r !== undefined && r > 0;
  }

  onEvent(c: EventContext): void {
    const res = rawArgRes(c);
    const name = fdName(c) ?? '<NA>';
    const pname = procName(c);
    if (res === undefined || res <= 0) return;
    const col = isIoRead(c) ? this.col.red : this.col.blue;
    const namePname = `${col} ${name} (${s(pname)})`;
    // -pc: the container between the direction and the fd, green for the host, cyan otherwise.
    let container = '';
    if (this.env.printContainer === true) {
      const cname = containerName(c);
      container = `${cname === 'host' ? this.col.green : this.col.cyan} [${s(cname)}] [${s(containerId(c))}]`;
    }
    const info = isIoRead(c)
      ? `${col}------ Read ${formatBytes(res)} from ${container} ${namePname}`
      : `${col}------ Write ${formatBytes(res)} to ${container} ${namePname}`;
    // chisel.set_event_formatter("%evt.arg.data"): printed when the field has a value.
    const data = argData(c, this.env);
    if (data === undefined) this.write(info + '\n');
    else if (this.env.json) this.write(info + '\n{"evt.arg.data":' + jsonString(data) + '}\n');
    else this.write(info + '\n' + data + '\n');
  }

  onCaptureEnd(): void {
    this.write(this.col.reset + '\n');
  }
}

const DIR_READ = 1;
const DIR_WRITE = 2;

/**
 * spy_ip.lua / spy_port.lua: the payloads exchanged with an address or port, with a header line
 * each time the direction changes. Between changes the Lua prints its previous header again (a
 * global it does not reset), and spy_ip labels writes "Read" too; both kept.
 */
export class SpyEndpoint implements Chisel {
  readonly endsUnstarted = true;
  private readonly col: Colors;
  private direction = 0;
  private info: string | undefined;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: Write,
    readonly filter: (c: EventContext) => boolean,
    private readonly writeLabel: string,
    disableArg: string | undefined,
  ) {
    this.col = colors(disableArg !== 'disable_colors');
  }

  onEvent(c: EventContext): void {
    const res = rawArgRes(c);
    if (res === undefined || res <= 0) return;
    // Rendered only for events that print it (the Lua reads both fields first; neither has effects).
    const data = argData(c, this.env);
    if (data === undefined) return;
    const isread = isIoRead(c);
    if (isread && this.direction !== DIR_READ) {
      this.info = `${this.col.red}------ Read ${formatBytes(res)}`;
      this.direction = DIR_READ;
    } else if (!isread && this.direction !== DIR_WRITE) {
      this.info = `${this.col.blue}------ ${this.writeLabel} ${formatBytes(res)}`;
      this.direction = DIR_WRITE;
    }
    this.write(s(this.info) + '\n' + data + '\n');
  }

  onCaptureEnd(): void {
    this.write(this.col.reset + '\n');
  }
}

/**
 * spy_ip / spy_port: the Lua's own filter, `evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6) and
 * fd.ip=ADDR` (fd.port=PORT), with the argument pasted in as text. When it does not compile, on_init
 * fails: sysdig reports it, still runs on_capture_end (the colour reset) and exits with 1.
 */
export function spyEndpoint(
  name: 'spy_ip' | 'spy_port',
  env: ChiselEnv,
  write: Write,
  arg: string,
  disableArg: string | undefined,
): SpyEndpoint | ChiselExit {
  const field = name === 'spy_ip' ? 'fd.ip' : 'fd.port';
  const text = `evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6) and ${field}=${arg}`;
  const r = tryCompileFilter(text, { sysdigCompat: true });
  if ('error' in r) {
    return new ChiselExit(
      1,
      colors(disableArg !== 'disable_colors').reset + '\n',
      `invalid filter in chisel ${name}: ${r.error.message}\n${name}: error in init(): C++ exception\n`,
    );
  }
  const { predicate, typeMask } = r.filter;
  const filter =
    typeMask === null ? predicate : (c: EventContext) => typeMask[c.info.code] === 1 && predicate(c);
  return new SpyEndpoint(env, write, filter, name === 'spy_ip' ? 'Read' : 'Write', disableArg);
}

/**
 * spy_file.lua: every successful read/write on a file (all files but terminals, or the one named),
 * one line each: `evt.time proc.name(pid) R|W size fd.name data`, data as text (the chisel switches
 * the buffer format to ascii).
 */
export class SpyFile implements Chisel {
  private readonly nameIs: string | undefined;
  private readonly mode: 'r' | 'w' | 'rw';

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: Write,
    args: readonly string[],
  ) {
    const rw = args[0];
    this.mode = rw === 'R' || rw === 'r' ? 'r' : rw === 'W' || rw === 'w' ? 'w' : 'rw';
    this.nameIs = args[1] !== undefined && args[1] !== '' ? args[1] : undefined;
    // sysdig.set_output_format("ascii"), which yields to a format chosen on the command line.
    if (env.paramEnv.bufFormat === BufFmt.NORMAL) env.paramEnv.bufFormat = BufFmt.EOLS;
  }

  filter(c: EventContext): boolean {
    const fd = c.state.fd;
    const name = fdName(c);
    if (this.nameIs !== undefined) {
      if (name !== this.nameIs) return false;
    } else if (name === undefined || name.includes('/dev/pt') || name.includes('/dev/tty')) return false;
    const io = this.mode === 'r' ? isIoRead(c) : this.mode === 'w' ? isIoWrite(c) : isIo(c);
    return io && isFile(fd) && isExit(c) && !failed(c);
  }

  onEvent(c: EventContext): void {
    const data = argData(c, this.env);
    const rw = isIoWrite(c) ? 'W' : 'R';
    const res = rawArgRes(c);
    const line = `${time(c)} ${s(procName(c))}(${s(procPid(c))}) ${rw} ${res === undefined ? 'nil' : formatBytes(res)} ${s(fdName(c))} ${s(data)}`;
    this.write(line + '\n');
  }
}

/** spy_logs' FILE_FILTER: log-looking names, compressed ones excluded. */
function isLogName(n: string | undefined): boolean {
  if (n === undefined) return false;
  const log = n.includes('.log') || n.includes('_log') || n.includes('/var/log');
  return log && !n.includes('.gz') && !n.includes('.tgz');
}

/**
 * spy_logs.lua: every successful write to a log file, one line per non-empty text line written,
 * `proc.name fd.name text`; on a terminal the line is coloured by content (warn yellow, err red,
 * else green). With dump_file_name, the events around each write are exported at the end
 * (core/chisels/dump.ts).
 */
export class SpyLogs implements Chisel {
  private readonly col: Colors;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: Write,
    disableArg: string | undefined,
    private readonly isTty: boolean,
    private readonly dump?: EventDump,
  ) {
    this.col = colors(disableArg !== 'disable_color');
    // sysdig.set_output_format("ascii"), unless the command line chose a format.
    if (env.paramEnv.bufFormat === BufFmt.NORMAL) env.paramEnv.bufFormat = BufFmt.EOLS;
  }

  filter(c: EventContext): boolean {
    return isLogName(fdName(c)) && isIoWrite(c) && isExit(c) && !failed(c);
  }

  onEvent(c: EventContext): void {
    const buf = argData(c, this.env) ?? '';
    const info = `${s(procName(c))} ${s(fdName(c))} `;
    // -pc: the container name leads each line (blue for containers on a terminal).
    const pc = this.env.printContainer === true;
    const cname = pc ? s(containerName(c)) : '';
    let out = '';
    for (const msg of buf.split('\n')) {
      if (msg.length === 0) continue;
      if (this.isTty) {
        const lower = msg.toLowerCase();
        const color = lower.includes('warn')
          ? this.col.yellow
          : msg.includes('err')
            ? this.col.red
            : this.col.green;
        if (pc) {
          const container = `${cname !== 'host' ? this.col.blue : color} ${cname}`;
          out += `${color} ${container} ${color} ${info}${msg}\n`;
        } else out += `${color} ${info}${msg}\n`;
      } else out += (pc ? `${cname} ` : '') + info + msg + '\n';
    }
    if (out !== '') this.write(out);
    this.dump?.add(c);
  }

  onCaptureEnd(): void {
    if (this.isTty) this.write(this.col.reset + '\n');
    this.dump?.exportLogEntries(this.write);
  }
}
