// stdin.lua, stdout.lua, stderr.lua: the raw bytes of every I/O on fd 0, 1 or 2, one print each.
import type { EventContext } from '../fields/context.js';
import { DATA, paramBytes } from '../fields/params.js';
import { bytesToLatin1 } from '../fields/values.js';
import { bindField } from '../fields/registry.js';
import { containerCellsOf, containerName, isIo } from './fields.js';
import { colors } from './luafmt.js';
import type { Chisel } from './runner.js';

const FD_NUM = bindField('fd.num');

// stderr.lua has no option to turn its colours off.
const COL = colors(true);

export class StdStream implements Chisel {
  constructor(
    private readonly fd: number,
    private readonly write: (s: string) => void,
    /** stderr.lua under -pc: container id and name before the data, green (host) or blue. */
    private readonly printContainer = false,
  ) {}

  filter(c: EventContext): boolean {
    if (typeof FD_NUM === 'string' || !isIo(c)) return false;
    return FD_NUM.extract(c) === this.fd;
  }

  onEvent(c: EventContext): void {
    // evt.rawarg.data: the stored bytes as they are.
    const b = paramBytes(c, DATA.of(c.info.code));
    if (b === undefined) return;
    if (!this.printContainer) {
      this.write(bytesToLatin1(b) + '\n');
      return;
    }
    const name = containerName(c);
    const color = name !== 'host' ? COL.blue : COL.green;
    this.write(`${color}${containerCellsOf(c)}${bytesToLatin1(b)}\n`);
  }
}
