// A StateLookup over a capture's header tables (users, groups, interfaces) and the state tracker
// (threads, containers described by container events).
import type { CaptureHeader, GroupEntry, UserEntry } from '../capture.js';
import type { ContainerInfo, ThreadInfo } from '../state/types.js';
import type { StateLookup } from './context.js';

export interface StateSource {
  thread(tid: number): ThreadInfo | undefined;
  container?(id: string): ContainerInfo | undefined;
}

function same(a: Uint8Array, b: Uint8Array, n = a.length): boolean {
  if (a.length < n || b.length < n) return false;
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return false;
  return true;
}

const isZero = (a: Uint8Array): boolean => a.every((x) => x === 0);

export function makeLookup(header: CaptureHeader, state: StateSource): StateLookup {
  // sinsp::import_user_list: the last entry of an id wins (names are bytes, as all capture text).
  const users = new Map<number, UserEntry>();
  for (const u of header.users) users.set(u.uid, u);
  const groups = new Map<number, GroupEntry>();
  for (const g of header.groups) groups.set(g.gid, g);
  const v4: Uint8Array[] = [];
  const v6: Uint8Array[] = [];
  for (const i of header.interfaces) {
    if ((i.type === 1 || i.type === 3) && i.addr.length >= 4) v4.push(i.addr.subarray(0, 4));
    else if ((i.type === 2 || i.type === 4) && i.addr.length >= 16) v6.push(i.addr.subarray(0, 16));
  }
  const container = (id: string): ContainerInfo | undefined => state.container?.(id);
  return {
    thread: (tid) => state.thread(tid),
    user: (uid) => users.get(uid),
    group: (gid) => groups.get(gid),
    container,
    // sinsp_network_interfaces::is_ipv4addr_in_local_machine / is_ipv6addr_in_local_machine.
    isLocalAddress: (ip, t) => {
      if (ip.length === 16) {
        // IPv6 in containers is not supported there: never local. Else same /64 as an interface.
        if (t.containerId !== '') return false;
        return v6.some((a) => same(a, ip, 8));
      }
      if (t.containerId !== '' && container(t.containerId) !== undefined) {
        // Captures carry no container IP in their JSON here (0), and libsinsp then matches the
        // address against every container's IP: 0.0.0.0 matches.
        if (isZero(ip)) return true;
      }
      return v4.some((a) => same(a, ip));
    },
  };
}
