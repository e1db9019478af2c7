// container.*, syslog.*, fdlist.*, and the classes a capture file cannot fill (k8s.*, mesos.*,
// marathon.*, span.*, evtin.*: they need live orchestrator metadata or tracer events), which exist
// so filters and -p formats naming them parse, and always have no value.
import { FdKind } from '../capture.js';
import { ipToString } from '../net/addr.js';
import { eventCodesByName } from '../schema/index.js';
import type { FdInfo, ThreadInfo } from '../state/types.js';
import { facilityText, messageText, severityText, type SyslogMessage } from '../state/syslog.js';
import type { ContainerInfo, EventContext } from './context.js';
import { paramBytes } from './params.js';
import type { Binder, FieldValue } from './types.js';

function th(f: (t: ThreadInfo, ctx: EventContext) => FieldValue | undefined, cost = 1): Binder {
  return () => ({
    extract: (ctx) => {
      const t = ctx.state.thread;
      return t === undefined ? undefined : f(t, ctx);
    },
    cost,
  });
}

/** A container field: host threads get `hostValue`, unknown containers no value. */
function ct(hostValue: string | undefined, f: (c: ContainerInfo) => FieldValue | undefined): Binder {
  return th((t, ctx) => {
    if (t.containerId === '') return hostValue;
    const c = ctx.lookup.container(t.containerId);
    return c === undefined ? undefined : f(c);
  });
}

const nonEmpty = (s: string): string | undefined => (s === '' ? undefined : s);

type Mount = ContainerInfo['mounts'][number];
const mountText = (m: Mount): string =>
  `${m.source}:${m.dest}:${m.mode}:${m.rdwr ? 'true' : 'false'}:${m.propagation}`;

/** container.mount*[N] or [/source glob]: the N-th mount or the first whose source matches; no
 *  value when none does (mount_by_idx / mount_by_source return NULL). */
function mountBinder(pick: (m: Mount) => string): Binder {
  return (arg, def) => {
    if (arg === undefined || !arg.bracket) return `${def.name} needs an index or a path: ${def.name}[0]`;
    const idx = /^\d+$/.test(arg.text) ? Number(arg.text) : -1;
    const re = idx >= 0 ? undefined : globToRegExp(arg.text);
    return ct(undefined, (c) => {
      const m = idx >= 0 ? c.mounts[idx] : c.mounts.find((x) => re!.test(x.source));
      return m === undefined ? undefined : pick(m);
    })(undefined, def);
  };
}

/** fnmatch-style glob (*, ?, [...]) as a RegExp over the whole string. */
export function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (let k = 0; k < glob.length; k++) {
    const c = glob[k]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', k + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(k + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += '[' + body.replace(/\\/g, '\\\\') + ']';
        k = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(re + '$', 's');
}

const CONTAINER_BINDERS: Record<string, Binder> = {
  'container.id': th((t) => (t.containerId === '' ? 'host' : t.containerId)),
  'container.name': ct('host', (c) => nonEmpty(c.name)),
  'container.image': ct(undefined, (c) => nonEmpty(c.image)),
  'container.image.id': ct(undefined, (c) => nonEmpty(c.imageId)),
  'container.type': ct('host', (c) => c.type),
  'container.privileged': ct(undefined, (c) => c.privileged),
  'container.mounts': ct(undefined, (c) => c.mounts.map(mountText).join(',')),
  'container.mount': mountBinder(mountText),
  'container.mount.source': mountBinder((m) => m.source),
  'container.mount.dest': mountBinder((m) => m.dest),
  'container.mount.mode': mountBinder((m) => m.mode),
  'container.mount.rdwr': mountBinder((m) => (m.rdwr ? 'true' : 'false')),
  'container.mount.propagation': mountBinder((m) => m.propagation),
  'container.image.repository': ct(undefined, (c) => nonEmpty(c.imageRepo)),
  'container.image.tag': ct(undefined, (c) => nonEmpty(c.imageTag)),
  'container.image.digest': ct(undefined, (c) => nonEmpty(c.imageDigest)),
  // The probe's command line, or "NONE" for a known container without one; the capture's
  // container descriptions carry no probes here.
  'container.healthcheck': ct(undefined, () => 'NONE'),
  'container.liveness_probe': ct(undefined, () => 'NONE'),
  'container.readiness_probe': ct(undefined, () => 'NONE'),
};

/** syslog.*: the message the syslog decoder holds, i.e. the one this event's write decoded (the
 *  state step decodes it, core/state/syslog.ts; a filter that runs before the parser sees none). */
function sl(f: (m: SyslogMessage) => FieldValue): Binder {
  return () => ({
    extract: (ctx) => {
      const m = ctx.state.syslog;
      return m ? f(m) : undefined;
    },
    cost: 1,
  });
}

const SYSLOG_BINDERS: Record<string, Binder> = {
  'syslog.facility.str': sl(facilityText),
  'syslog.facility': sl((m) => m.facility),
  'syslog.severity.str': sl(severityText),
  'syslog.severity': sl((m) => m.severity),
  'syslog.message': sl(messageText),
};

const POLL = new Map<number, number>();
for (const n of ['poll', 'ppoll']) for (const c of eventCodesByName(n)) POLL.set(c, c % 2 === 0 ? 0 : 1);

/** fdlist.*: each fd of a poll's fd list, rendered by `item` and joined with commas. */
function fl(item: (fd: number, f: FdInfo | undefined) => string | undefined): Binder {
  return () => ({
    extract: (ctx) => {
      const j = POLL.get(ctx.batch.type[ctx.i]!);
      if (j === undefined) return undefined;
      const p = paramBytes(ctx, j);
      const t = ctx.state.thread;
      if (p === undefined || p.length < 2 || t === undefined) return undefined;
      const n = p[0]! | (p[1]! << 8);
      const dv = new DataView(p.buffer, p.byteOffset, p.length);
      let out = '';
      for (let k = 0, pos = 2; k < n && pos + 10 <= p.length; k++, pos += 10) {
        const fd = Number(dv.getBigInt64(pos, true));
        const s = item(fd, t.fds.get(fd));
        if (s === undefined) continue;
        out += s + ',';
      }
      if (out === '') return undefined;
      return out.endsWith(',') ? out.slice(0, -1) : out;
    },
    cost: 3,
  });
}

const isV4 = (f: FdInfo | undefined): boolean => f?.kind === FdKind.IPV4_SOCK;
const isV6 = (f: FdInfo | undefined): boolean => f?.kind === FdKind.IPV6_SOCK;

const FDLIST_BINDERS: Record<string, Binder> = {
  'fdlist.nums': fl((fd) => String(fd)),
  'fdlist.names': fl((_fd, f) => (f !== undefined && f.name !== '' ? f.name : '<NA>')),
  'fdlist.cips': fl((_fd, f) => (isV4(f) || isV6(f) ? ipToString(f!.sip!) : undefined)),
  'fdlist.sips': fl((_fd, f) => {
    if (isV4(f) || isV6(f)) return ipToString(f!.dip!);
    if (f?.kind === FdKind.IPV4_SERVSOCK || f?.kind === FdKind.IPV6_SERVSOCK) return ipToString(f.sip!);
    return undefined;
  }),
  'fdlist.cports': fl((_fd, f) => (isV4(f) || isV6(f) ? String(f!.sport) : undefined)),
  // Unlike fdlist.sips, server sockets contribute no port here (libsinsp checks connected ones only).
  'fdlist.sports': fl((_fd, f) => (isV4(f) || isV6(f) ? String(f!.dport) : undefined)),
};

export const OTHER_BINDERS: Record<string, Binder> = {
  ...CONTAINER_BINDERS,
  ...SYSLOG_BINDERS,
  ...FDLIST_BINDERS,
};

/** Classes whose fields never have a value in a capture file. */
export const UNAVAILABLE_CLASSES: ReadonlySet<string> = new Set(['k8s', 'mesos', 'span', 'evtin']);
