// topprocs_cpu.lua: CPU share per process from the procinfo events' user+system tick counters.
// thread.cpu is the tick delta since the thread's previous procinfo (libsinsp keeps the last total
// in per-thread private state of the field instance, clamped to 100); the chisel adds delta * 10 ms
// and prints the sums as a percentage of the capture's duration.
import type { EventContext } from '../fields/context.js';
import { PPME } from '../schema/index.js';
import { paramInt } from '../fields/params.js';
import type { ThreadInfo } from '../state/types.js';
import type { ChiselEnv } from './fields.js';
import { procName, procPid } from './fields.js';
import type { CaptureEnd, Chisel } from './runner.js';
import { renderJsonTable } from './json.js';
import { compositeKey, renderSortedTable, TopTable, type TopKey } from './topn.js';
import { fieldKeyAs } from './tops.js';
import { procinfoCpuNs } from '../views/metrics.js';

const PROC_KEYS: TopKey[] = [
  { field: 'proc.name', desc: 'Process', get: procName },
  { field: 'proc.pid', desc: 'PID', get: procPid },
];

/** The keys under -pc (the Lua renames the pid column and adds the container's). */
export const PROC_CPU_PC_KEYS: TopKey[] = [
  { field: 'proc.name', desc: 'Process', get: procName },
  { field: 'proc.pid', desc: 'Host_pid', get: procPid },
  fieldKeyAs('proc.vpid', 'Container_pid'),
  fieldKeyAs('container.name', 'container.name'),
];

/** Per thread entry: m_last_t_tot_cpu, and the last composite key with what it was made from. */
interface ThreadCpu {
  lastTotal: number;
  comm: string;
  pid: number;
  containerId: string;
  key: string | undefined;
}

export class TopProcsCpu implements Chisel {
  readonly endsUnstarted = true;
  readonly table = new TopTable();
  /** Keyed by thread entry: a new entry for a reused tid starts from zero, as in libsinsp. */
  private readonly perThread = new WeakMap<ThreadInfo, ThreadCpu>();

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
    private readonly keys: readonly TopKey[] = PROC_KEYS,
    private readonly top = 10,
  ) {}

  filter(c: EventContext): boolean {
    const code = c.info.code;
    return code === PPME.PROCINFO_E || code === PPME.PROCINFO_X;
  }

  onEvent(c: EventContext): void {
    const t = c.state.thread;
    if (t === undefined) return;
    let e = this.perThread.get(t);
    if (e === undefined) {
      e = { lastTotal: 0, comm: '', pid: NaN, containerId: '', key: undefined };
      this.perThread.set(t, e);
    }
    // The key fields only change with the thread's name, pid or container: rebuild on change.
    // (Container names can arrive later than the thread, so other keys are rebuilt every time.)
    const stale = e.comm !== t.comm || e.pid !== t.pid || e.containerId !== t.containerId;
    if (stale || e.key === undefined || this.keys !== PROC_KEYS) {
      e.key = compositeKey(this.keys, c, this.env);
      e.comm = t.comm;
      e.pid = t.pid;
      e.containerId = t.containerId;
    }
    const key = e.key;
    if (key === undefined) return;
    // thread.cpu, the Processes CPU view's metric (core/views/metrics.ts).
    const tcpu = (paramInt(c, 0) ?? 0) + (paramInt(c, 1) ?? 0);
    const v = procinfoCpuNs(e.lastTotal, tcpu);
    e.lastTotal = tcpu;
    this.table.add(key, v);
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
