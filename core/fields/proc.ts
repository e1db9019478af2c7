// proc.*, thread.*, user.*, group.*: the event's thread as libsinsp's thread table holds it after
// the event (sinsp_filter_check_thread / _user / _group of libs e5c53d64). No thread = no value,
// except thread.tid (the event header's tid) and the exec-time fields.
import { eventCodesByName } from '../schema/index.js';
import type { ThreadInfo } from '../state/types.js';
import type { EventContext } from './context.js';
import type { Binder, Binding, FieldValue } from './types.js';

/** Extra members the state tracker's thread entries carry beyond the contract. */
interface ThreadExtras {
  nchilds?: number;
  tty?: number;
}

const isMain = (t: ThreadInfo): boolean => t.tid === t.pid;

function mainThread(ctx: EventContext, t: ThreadInfo): ThreadInfo | undefined {
  return isMain(t) ? t : ctx.lookup.thread(t.pid);
}

/** populate_cmdline: comm, then each argument after a space. */
export function cmdline(t: ThreadInfo): string {
  let s = t.comm;
  for (const a of t.args) s += ' ' + a;
  return s;
}

/** The n-th ancestor's main thread (0 = the process itself), following ptid like get_parent_thread. */
function ancestor(ctx: EventContext, t: ThreadInfo, n: number): ThreadInfo | undefined {
  let mt = mainThread(ctx, t);
  for (let j = 0; j < n && mt !== undefined; j++) mt = ctx.lookup.thread(mt.ptid);
  return mt;
}

/** Every ancestor (parent first), stopping at a loop or a missing entry (traverse_parent_state). */
function ancestors(ctx: EventContext, t: ThreadInfo): ThreadInfo[] {
  const out: ThreadInfo[] = [];
  const seen = new Set<number>();
  let mt = mainThread(ctx, t);
  if (mt === undefined) return out;
  seen.add(mt.tid);
  while (true) {
    const p = ctx.lookup.thread(mt.ptid);
    if (p === undefined || seen.has(p.tid)) break;
    seen.add(p.tid);
    out.push(p);
    mt = p;
  }
  return out;
}

/** A binder over the event's thread: no thread = no value. */
function th(f: (t: ThreadInfo, ctx: EventContext) => FieldValue | undefined, cost = 1): Binder {
  return () => ({
    extract: (ctx) => {
      const t = ctx.state.thread;
      return t === undefined ? undefined : f(t, ctx);
    },
    cost,
  });
}

function join(a: readonly string[]): string {
  return a.join(' ');
}

function fdOpenCount(ctx: EventContext, t: ThreadInfo): number {
  return (mainThread(ctx, t) ?? t).fds.size;
}

function fdLimit(ctx: EventContext, t: ThreadInfo): number {
  return (mainThread(ctx, t) ?? t).fdlimit;
}

/** sinsp_numparser::parsed32: sscanf("%d%c") must read one number and nothing after it. */
export function parseIndex32(text: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * proc.aname[N] / proc.apid[N]. N counts ancestors of the main thread (a negative N is the process
 * itself). Without an index, or with [-1], filters match any ancestor (multi), while printing shows
 * the process itself.
 */
function ancestorBinder(pick: (t: ThreadInfo) => FieldValue): Binder {
  return (arg, def) => {
    const n = arg === undefined ? -1 : arg.bracket ? parseIndex32(arg.text) : undefined;
    if (n === undefined) return `${def.name} takes a numeric index: ${def.name}[1] is the parent`;
    const b: Binding = {
      extract: (ctx) => {
        const t = ctx.state.thread;
        if (t === undefined) return undefined;
        const a = ancestor(ctx, t, n < 0 ? 0 : n);
        return a === undefined ? undefined : pick(a);
      },
      cost: 2,
    };
    if (n === -1) {
      b.multi = (ctx) => {
        const t = ctx.state.thread;
        return t === undefined ? undefined : ancestors(ctx, t).map(pick);
      };
    }
    return b;
  };
}

const SWITCH = new Set([...eventCodesByName('switch')].filter((c) => c % 2 === 0));

/**
 * extract_exectime: on a context switch, the time since the previous switch on the same CPU (0 for
 * the first one), else 0. The last switch time per CPU is state of the bound field, as libsinsp
 * keeps it in the filtercheck: a field only sees the events it is evaluated on.
 */
function exectime(): (ctx: EventContext) => bigint {
  const last = new Map<number, bigint>();
  return (ctx) => {
    if (!SWITCH.has(ctx.batch.type[ctx.i]!)) return 0n;
    const cpu = ctx.batch.cpu[ctx.i]!;
    const ts = ctx.batch.ts[ctx.i]!;
    const prev = last.get(cpu) ?? 0n;
    last.set(cpu, ts);
    return prev !== 0n ? ts - prev : 0n;
  };
}

export const PROC_BINDERS: Record<string, Binder> = {
  'proc.pid': th((t) => t.pid),
  'proc.exe': th((t) => t.exe),
  'proc.name': th((t) => t.comm),
  'proc.args': th((t) => join(t.args), 2),
  'proc.env': th((t) => join(t.env), 2),
  'proc.cmdline': th(cmdline, 2),
  'proc.exeline': th((t) => t.exe + ' ' + join(t.args), 2),
  'proc.cwd': th((t) => t.cwd),
  'proc.nthreads': th((t, ctx) => {
    const m = mainThread(ctx, t);
    return m === undefined ? undefined : ((m as ThreadExtras).nchilds ?? 0) + 1;
  }),
  'proc.nchilds': th((t) => (t as ThreadExtras).nchilds ?? 0),
  'proc.ppid': th((t, ctx) => mainThread(ctx, t)?.ptid),
  'proc.pname': th((t, ctx) => ctx.lookup.thread(t.ptid)?.comm),
  'proc.pcmdline': th((t, ctx) => {
    const p = ctx.lookup.thread(t.ptid);
    return p === undefined ? undefined : cmdline(p);
  }, 2),
  'proc.apid': ancestorBinder((t) => t.pid),
  'proc.aname': ancestorBinder((t) => t.comm),
  'proc.loginshellid': th((t, ctx) => {
    // The eldest ancestor (or self) whose comm ends in "sh".
    let res: number | undefined;
    const mt = mainThread(ctx, t);
    if (mt === undefined) return undefined;
    for (const a of [mt, ...ancestors(ctx, t)]) if (a.comm.length >= 2 && a.comm.endsWith('sh')) res = a.pid;
    return res;
  }, 2),
  'proc.duration': th((t, ctx) => (t.cloneTs !== 0n ? ctx.batch.ts[ctx.i]! - t.cloneTs : undefined)),
  'proc.fdopencount': th((t, ctx) => fdOpenCount(ctx, t)),
  'proc.fdlimit': th((t, ctx) => fdLimit(ctx, t)),
  'proc.fdusage': th((t, ctx) => {
    const lim = fdLimit(ctx, t);
    return lim > 0 ? (fdOpenCount(ctx, t) * 100) / lim : 0;
  }),
  'proc.vmsize': th((t) => t.vmsizeKb),
  'proc.vmrss': th((t) => t.vmrssKb),
  'proc.vmswap': th((t) => t.vmswapKb),
  'thread.pfmajor': th((t) => t.pfmajor),
  'thread.pfminor': th((t) => t.pfminor),
  'thread.tid': () => ({ extract: (ctx) => Number(ctx.batch.tid[ctx.i]!), cost: 0 }),
  'thread.ismain': th((t) => isMain(t)),
  'thread.exectime': () => {
    const ex = exectime();
    return { extract: (ctx) => ex(ctx), cost: 1, stateful: true };
  },
  'thread.totexectime': () => {
    // Per bound field, like libsinsp's per-filtercheck thread state: the sum of the exectimes this
    // field has seen for the event's thread.
    const ex = exectime();
    const totals = new Map<number, bigint>();
    return {
      extract: (ctx) => {
        const d = ex(ctx);
        const t = ctx.state.thread;
        if (t === undefined) return undefined;
        const tot = (totals.get(t.tid) ?? 0n) + d;
        totals.set(t.tid, tot);
        return tot;
      },
      cost: 1,
      stateful: true,
    };
  },
  'thread.cgroups': th((t) => (t.cgroups.length === 0 ? undefined : join(t.cgroups)), 2),
  'thread.cgroup': (arg, def) => {
    if (arg === undefined || arg.bracket) return `${def.name} needs a subsystem: ${def.name}.cpuacct`;
    const prefix = arg.text + '=';
    return {
      extract: (ctx) => {
        const t = ctx.state.thread;
        if (t === undefined) return undefined;
        const c = t.cgroups.find((g) => g.startsWith(prefix));
        return c === undefined ? undefined : c.slice(prefix.length);
      },
      cost: 2,
    };
  },
  'thread.vtid': th((t) => (t.vtid === -1 ? undefined : t.vtid)),
  'proc.vpid': th((t) => (t.vpid === -1 ? undefined : t.vpid)),
  'thread.cpu': th(() => undefined),
  'thread.cpu.user': th(() => undefined),
  'thread.cpu.system': th(() => undefined),
  'thread.vmsize': th((t) => (isMain(t) ? t.vmsizeKb : 0)),
  'thread.vmrss': th((t) => (isMain(t) ? t.vmrssKb : 0)),
  'thread.vmsize.b': th((t) => (isMain(t) ? t.vmsizeKb * 1024 : 0)),
  'thread.vmrss.b': th((t) => (isMain(t) ? t.vmrssKb * 1024 : 0)),
  'proc.sid': th((t) => t.sid),
  'proc.sname': th((t, ctx) => {
    const s = ctx.lookup.thread(t.sid);
    if (s !== undefined) return s.comm;
    const mt = mainThread(ctx, t);
    if (mt === undefined) return undefined;
    let leader = mt;
    for (const a of ancestors(ctx, t)) {
      if (a.sid !== mt.sid) break;
      leader = a;
    }
    return leader.comm;
  }, 2),
  'proc.tty': th((t) => (t as ThreadExtras).tty ?? 0),
  'proc.exepath': th((t) => t.exepath),
  'thread.nametid': th((t) => t.comm + t.tid, 2),
  'proc.vpgid': th((t) => t.vpgid),
  'proc.is_container_healthcheck': th(() => false),
  'proc.is_container_liveness_probe': th(() => false),
  'proc.is_container_readiness_probe': th(() => false),
  'proc.is_exe_writable': th((t) => t.exeWritableRaw ?? t.exeWritable ?? false),

  'user.uid': th((t) => t.uid),
  'user.name': th((t, ctx) => ctx.lookup.user(t.uid)?.name),
  'user.homedir': th((t, ctx) => ctx.lookup.user(t.uid)?.homedir),
  'user.shell': th((t, ctx) => ctx.lookup.user(t.uid)?.shell),
  'user.loginuid': th((t) => t.loginuid | 0),
  'user.loginname': th((t, ctx) => ctx.lookup.user(t.loginuid)?.name),
  // libsinsp reads this UINT64 field from the 32-bit m_gid, so the high half is whatever follows it
  // in sinsp_threadinfo: the low half of m_nchilds. sysdig prints that, and so do we.
  'group.gid': th((t) => t.gid + ((t as ThreadExtras).nchilds ?? 0) * 4294967296),
  'group.name': th((t, ctx) => ctx.lookup.group(t.gid)?.name),
};
