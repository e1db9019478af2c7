// The capture's network interfaces as libsinsp's sinsp_network_interfaces uses them: to fill the
// missing local address of a datagram socket's tuple (update_fd).

import { FdKind } from '../capture.js';
import type { InterfaceEntry } from '../capture.js';
import type { Fd } from './fd.js';
import {
  V4_DIP,
  V4_DPORT,
  V4_SIP,
  V4_SPORT,
  V6_DIP,
  V6_DPORT,
  V6_SIP,
  V6_SPORT,
  isZero,
  put32,
  u16,
  u32,
} from './sockinfo.js';

/** 127.0.0.1 as a little-endian read of its network-order bytes. */
const LOOPBACK_V4 = 0x0100007f;
const LOOPBACK_V6 = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

function same16(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[ao + k] !== b[bo + k]) return false;
  return true;
}

export class NetInterfaces {
  private readonly v4: { addr: number; mask: number }[] = [];
  private readonly v6: Uint8Array[] = [];

  constructor(list: readonly InterfaceEntry[]) {
    for (const i of list) {
      if ((i.type === 1 || i.type === 3) && i.addr.length >= 4 && i.netmask.length >= 4) {
        this.v4.push({ addr: u32(i.addr, 0), mask: u32(i.netmask, 0) });
      } else if ((i.type === 2 || i.type === 4) && i.addr.length >= 16) {
        this.v6.push(i.addr.slice(0, 16));
      }
    }
  }

  private inferV4(dst: number): number {
    for (const i of this.v4) if (i.addr === dst) return i.addr;
    for (const i of this.v4) if ((i.addr & i.mask) >>> 0 === (dst & i.mask) >>> 0) return i.addr;
    for (const i of this.v4) if (i.addr !== LOOPBACK_V4) return i.addr;
    return 0;
  }

  private inferV6(dst: Uint8Array, o: number): Uint8Array {
    for (const a of this.v6) if (same16(a, 0, dst, o, 16)) return a;
    // "Same subnet": the first 64 bits match.
    for (const a of this.v6) if (same16(a, 0, dst, o, 8)) return a;
    for (const a of this.v6) if (!same16(a, 0, LOOPBACK_V6, 0, 16)) return a;
    return new Uint8Array(16);
  }

  /** An interface has exactly this IPv4 address (network-order bytes). */
  hasV4(ip: Uint8Array): boolean {
    const a = u32(ip, 0);
    for (const i of this.v4) if (i.addr === a) return true;
    return false;
  }

  /** An IPv6 interface shares this address's first 64 bits (ipv6addr::in_subnet). */
  hasV6Subnet(ip: Uint8Array): boolean {
    for (const a of this.v6) if (same16(a, 0, ip, 0, 8)) return true;
    return false;
  }

  /** sinsp_network_interfaces::update_fd: complete a tuple that lacks one address. */
  updateFd(f: Fd): void {
    const s = f.sock;
    if (f.kind === FdKind.IPV4_SOCK) {
      const sip = u32(s, V4_SIP);
      const dip = u32(s, V4_DIP);
      if (sip !== 0 && dip !== 0) return;
      if (sip === 0) {
        const n = this.inferV4(dip);
        if (n === dip && u16(s, V4_SPORT) === u16(s, V4_DPORT)) return;
        put32(s, V4_SIP, n);
      } else {
        const n = this.inferV4(sip);
        if (n === sip && u16(s, V4_SPORT) === u16(s, V4_DPORT)) return;
        put32(s, V4_DIP, n);
      }
    } else if (f.kind === FdKind.IPV6_SOCK) {
      const sipZero = isZero(s, V6_SIP, 16);
      if (!sipZero && !isZero(s, V6_DIP, 16)) return;
      if (sipZero) {
        const n = this.inferV6(s, V6_DIP);
        if (same16(n, 0, s, V6_DIP, 16) && u16(s, V6_SPORT) === u16(s, V6_DPORT)) return;
        s.set(n, V6_SIP);
      } else {
        const n = this.inferV6(s, V6_SIP);
        if (same16(n, 0, s, V6_SIP, 16) && u16(s, V6_SPORT) === u16(s, V6_DPORT)) return;
        s.set(n, V6_DIP);
      }
    }
  }
}
