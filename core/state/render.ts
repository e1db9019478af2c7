// The text libsinsp's get_param_as_str gives socket parameters (PF_SIMPLE; ports named under -R),
// which the parsers store as fd names for binds, unix connects and accepts.

import { portText, type PortProto } from '../net/ports.js';
import { AF_INET, AF_INET6, AF_UNIX } from './codes.js';
import { readText } from './params.js';
import { sanitizeString } from './paths.js';
import { hex64, ipv4String, ipv4TupleString, ipv6String, isV4Mapped, u16, u64 } from './sockinfo.js';

/** PT_SOCKADDR: `ip:port`, `ipv6:port`, a unix path, `NULL`, or libsinsp's error texts (`proto`:
 *  the event fd's protocol, which names the port under -R). */
export function sockaddrString(a: Uint8Array, o: number, l: number, proto?: PortProto): string {
  if (l === 0) return 'NULL';
  const family = a[o]!;
  if (family === AF_UNIX) return sanitizeString(readText(a, o + 1, l - 1));
  if (family === AF_INET) {
    if (l !== 7) return 'INVALID IPv4';
    return `${ipv4String(a, o + 1)}:${portText(u16(a, o + 5), proto)}`;
  }
  if (family === AF_INET6) {
    if (l !== 19) return 'INVALID IPv6';
    return `${ipv6String(a, o + 1)}:${portText(u16(a, o + 17), proto)}`;
  }
  return `family ${family}`;
}

/** PT_SOCKTUPLE: `sip:sport->dip:dport`, `src->dst path` for unix sockets, `NULL`... (`proto` as
 *  for sockaddrString). */
export function socktupleString(a: Uint8Array, o: number, l: number, proto?: PortProto): string {
  if (l === 0) return 'NULL';
  const family = a[o]!;
  if (family === AF_INET) {
    if (l !== 13) return 'INVALID IPv4';
    return ipv4TupleString(ipv4String(a, o + 1), u16(a, o + 5), ipv4String(a, o + 7), u16(a, o + 11), proto);
  }
  if (family === AF_INET6) {
    if (l !== 37) return 'INVALID IPv6';
    if (isV4Mapped(a, o + 1) && isV4Mapped(a, o + 19)) {
      return ipv4TupleString(
        ipv4String(a, o + 13),
        u16(a, o + 17),
        ipv4String(a, o + 31),
        u16(a, o + 35),
        proto,
      );
    }
    return `${ipv6String(a, o + 1)}:${portText(u16(a, o + 17), proto)}->${ipv6String(a, o + 19)}:${portText(u16(a, o + 35), proto)}`;
  }
  if (family === AF_UNIX) {
    const b = new Uint8Array(16);
    b.set(a.subarray(o + 1, Math.min(o + l, o + 17)));
    const path = l > 17 ? sanitizeString(readText(a, o + 17, l - 17)) : '';
    return `${hex64(u64(b, 0))}->${hex64(u64(b, 8))} ${path}`;
  }
  return `family ${family}`;
}
