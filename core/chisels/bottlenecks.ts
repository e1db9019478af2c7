// bottlenecks.lua: the 10 slowest calls (by evt.latency) with, before each, the thread's last event
// that had no latency (normally the call's enter event), printed at the end of the capture.
import type { EventContext } from '../fields/context.js';
import { eventTypeValue } from '../format/event.js';
import { procName, threadTid, type ChiselEnv, boundField } from './fields.js';
import { luaNum } from './luafmt.js';
import type { Chisel } from './runner.js';
import { latency } from './tops.js';

const ARGS = boundField('evt.args');
const HOW_MANY = 10;

interface Slow {
  latency: number;
  before: string | undefined;
  line: string;
}

export class Bottlenecks implements Chisel {
  private readonly slow: Slow[] = [];
  private readonly lastLines = new Map<number, string>();

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
  ) {}

  private args(c: EventContext): string {
    const t = ARGS.text(c);
    return t ?? 'nil';
  }

  onEvent(c: EventContext): void {
    const lat = latency(c, this.env);
    const tid = threadTid(c);
    // string.format's %s of a nil evt.type (a generic event past the syscall table) is "nil".
    const type = eventTypeValue(c) ?? 'nil';
    if (type === 'switch') return;
    const pr = procName(c) ?? '';
    if (lat === 0) {
      this.lastLines.set(tid, `${c.num}) 0.000000000 ${pr} (${luaNum(tid)}) > ${type} ${this.args(c)}`);
      return;
    }
    if (lat === undefined) return;
    for (let j = 0; j < HOW_MANY; j++) {
      const cur = this.slow[j];
      if (cur === undefined || lat > cur.latency) {
        const sec = Math.trunc(lat / 1e9);
        const ns = String(Math.trunc(lat % 1e9)).padStart(9, '0');
        const line = `${c.num}) ${sec}.${ns} ${pr} (${luaNum(tid)}) < ${type} ${this.args(c)}`;
        this.slow.splice(j, 0, { latency: lat, before: this.lastLines.get(tid), line });
        break;
      }
    }
    if (this.slow.length > HOW_MANY) this.slow.pop();
  }

  onCaptureEnd(): void {
    let out = '';
    for (const s of this.slow) out += `${s.before ?? 'nil'}\n${s.line}\n`;
    this.write(out);
  }
}
