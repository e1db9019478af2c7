// udp_extract.lua: the payload of every successful I/O on a UDP socket, appended to one file per
// fd name in ./udp_dump_files (made if missing; relative to the working directory), the file named
// after the tuple with ':' -> '_' and '>' -> '-'. Nothing goes to stdout. The Lua also runs a
// Windows `md` whose "not found" message lands in a file named `nul`: that side effect is left out.
import type { EventContext } from '../fields/context.js';
import { DATA, paramBytes } from '../fields/params.js';
import { tryCompileFilter, type Predicate } from '../filter/compile.js';
import { fdName } from './fields.js';
import type { Chisel } from './runner.js';
import { ChiselError } from './spyusers.js';

export const UDP_DUMP_DIR = './udp_dump_files';

/** An open output file. */
export interface ChiselFile {
  write(bytes: Uint8Array): void;
  close(): void;
}

/** The file system as the chisels that write files see it (core/ has no I/O of its own). */
export interface ChiselFiles {
  /** `mkdir DIR 2> /dev/null`: failures are silent. */
  makeDir(path: string): void;
  /** io.open(path, "w"): undefined when it cannot be opened. */
  create(path: string): ChiselFile | undefined;
}

// The chisel's own filter string, run through the filter compiler so its fields mean exactly what
// they mean on the command line.
const FILTER = 'evt.dir=< and evt.rawres>=0 and fd.l4proto=udp and evt.is_io=true';

function compileOwnFilter(): Predicate {
  const r = tryCompileFilter(FILTER, { sysdigCompat: true });
  if ('error' in r) throw new Error(`udp_extract filter: ${r.error.message}`);
  const { predicate, typeMask } = r.filter;
  return typeMask === null ? predicate : (c) => typeMask[c.info.code] === 1 && predicate(c);
}

/** Lua's `string.gsub(name, ":", "_")` then `(">", "-")` on the dump file's path. */
export function udpDumpPath(dir: string, fdname: string): string {
  return `${dir}/${fdname}`.replaceAll(':', '_').replaceAll('>', '-');
}

export class UdpExtract implements Chisel {
  readonly filter: Predicate = compileOwnFilter();
  /** fd name -> open file (io.open(name, "w") on first sight: an earlier run's file is truncated). */
  private readonly files = new Map<string, ChiselFile>();

  constructor(
    private readonly fs: ChiselFiles,
    private readonly dir = UDP_DUMP_DIR,
  ) {
    fs.makeDir(dir);
  }

  onEvent(c: EventContext): void {
    // evt.rawarg.data: the stored bytes as they are.
    const buf = paramBytes(c, DATA.of(c.info.code));
    const name = fdName(c);
    if (name === undefined)
      throw new ChiselError('udp_extract: attempt to concatenate a nil value (fd.name)');
    let f = this.files.get(name);
    if (f === undefined) {
      f = this.fs.create(udpDumpPath(this.dir, name));
      // io.open returned nil: the Lua then indexes nil.
      if (f === undefined) throw new ChiselError(`udp_extract: cannot open the dump file of ${name}`);
      this.files.set(name, f);
    }
    if (buf === undefined)
      throw new ChiselError("udp_extract: bad argument #1 to 'write' (string expected, got nil)");
    f.write(buf);
  }

  onCaptureEnd(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }
}
