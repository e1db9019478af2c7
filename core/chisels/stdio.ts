// stdin.lua, stdout.lua, stderr.lua: the raw bytes of every I/O on fd 0, 1 or 2, one print each.
import type { EventContext } from '../fields/context.js';
import { DATA, paramBytes } from '../fields/params.js';
import { bytesToLatin1 } from '../fields/values.js';
import { bindField } from '../fields/registry.js';
import { isIo } from './fields.js';
import type { Chisel } from './runner.js';

const FD_NUM = bindField('fd.num');

export class StdStream implements Chisel {
  constructor(
    private readonly fd: number,
    private readonly write: (s: string) => void,
  ) {}

  filter(c: EventContext): boolean {
    if (typeof FD_NUM === 'string' || !isIo(c)) return false;
    return FD_NUM.extract(c) === this.fd;
  }

  onEvent(c: EventContext): void {
    // evt.rawarg.data: the stored bytes as they are.
    const b = paramBytes(c, DATA.of(c.info.code));
    if (b !== undefined) this.write(bytesToLatin1(b) + '\n');
  }
}
