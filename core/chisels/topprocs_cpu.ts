// topprocs_cpu.lua: CPU share per process from the procinfo events' user+system tick counters.
// thread.cpu is the tick delta since the thread's previous procinfo (libsinsp keeps the last total
// in per-thread private state of the field instance, clamped to 100); the chisel adds delta * 10 ms
// and prints the sums as a percentage of the capture's duration.
import type { EventContext } from '../fields/context.js';
import { paramInt } from '../fields/params.js';
import type { ThreadInfo } from '../state/types.js';
import type { ChiselEnv } from './fields.js';
import { procName, procPid } from './fields.js';
import type { CaptureEnd, Chisel } from './runner.js';
import { renderJsonTable } from './json.js';
import { compositeKey, renderSortedTable, TopTable, type TopKey } from './topn.js';

const PROC_KEYS: TopKey[] = [
  { field: 'proc.name', desc: 'Process', get: procName },
  { field: 'proc.pid', desc: 'PID', get: procPid },
];

const TICK_NS = 10_000_000;
const U64 = 2n ** 64n;

export class TopProcsCpu implements Chisel {
  readonly table = new TopTable();
  /** m_last_t_tot_cpu per thread entry (a new entry for a reused tid starts from zero). */
  private readonly lastTotal = new WeakMap<ThreadInfo, bigint>();

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
    private readonly keys: readonly TopKey[] = PROC_KEYS,
    private readonly top = 10,
  ) {}

  filter(c: EventContext): boolean {
    return c.info.name === 'procinfo';
  }

  /** thread.cpu of a procinfo event (updates the thread's last total, as the extraction does). */
  private threadCpu(c: EventContext, t: ThreadInfo): number {
    const user = paramInt(c, 0) ?? 0;
    const system = paramInt(c, 1) ?? 0;
    const tcpu = BigInt.asUintN(64, BigInt(user) + BigInt(system));
    const last = this.lastTotal.get(t) ?? 0n;
    let v = 0;
    if (last !== 0n) {
      v = Number((tcpu - last + U64) % U64);
      if (v > 100) v = 100;
    }
    this.lastTotal.set(t, tcpu);
    return v;
  }

  onEvent(c: EventContext): void {
    const key = compositeKey(this.keys, c, this.env);
    const t = c.state.thread;
    if (key === undefined || t === undefined) return;
    this.table.add(key, this.threadCpu(c, t) * TICK_NS);
  }

  onCaptureEnd(end: CaptureEnd): void {
    const descs = this.keys.map((k) => k.desc);
    if (this.env.json) {
      const fields = this.keys.map((k) => k.field);
      this.write(
        renderJsonTable(
          this.table,
          fields,
          descs,
          'thread.exectime',
          'CPU%',
          this.top,
          end.lastTs / 1_000_000_000n,
        ),
      );
      return;
    }
    this.write(renderSortedTable(this.table, descs, 'CPU%', 'timepct', this.top, Number(end.delta)));
  }
}
