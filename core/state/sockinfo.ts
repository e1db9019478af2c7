// libsinsp keeps socket addresses in a C union (sinsp_sockinfo) whose members overlap: an IPv4
// tuple, an IPv6 tuple, an IPv4/IPv6 server address and a unix pointer pair. Several parsers write
// one member and later read another (bind copies the tuple's l4proto into the server member, a UDP
// server that sends reads the server bytes as a tuple...), and sysdig prints what results. So the
// union is kept as raw bytes with the same layout, and every access goes through these offsets.
//
// Layout (x86-64, little-endian host; addresses are stored in network byte order as read from the
// event, ports in host order):
//   ipv4 tuple:  sip u32 @0, dip u32 @4, sport u16 @8, dport u16 @10, l4proto u8 @12
//   ipv6 tuple:  sip 16 @0, dip 16 @16, sport u16 @32, dport u16 @34, l4proto u8 @36
//   ipv4 server: ip u32 @0, port u16 @4, l4proto u8 @6
//   ipv6 server: ip 16 @0, port u16 @16, l4proto u8 @18
//   unix:        source u64 @0, dest u64 @8

import { l4ProtoName, portText, type PortProto } from '../net/ports.js';
import {
  isIpv4MappedIpv6 as isV4Mapped,
  ipv4ToString as ipv4String,
  ipv6ToString as ipv6String,
} from '../net/addr.js';
import { u16, u32, u64big } from '../bytes.js';
// Address text is core/net's (glibc inet_ntop rules), shared with parameter rendering.
export { isV4Mapped, ipv4String, ipv6String };

export const SOCK_SIZE = 40;

export const V4_SIP = 0;
export const V4_DIP = 4;
export const V4_SPORT = 8;
export const V4_DPORT = 10;
export const V4_L4 = 12;
export const V6_SIP = 0;
export const V6_DIP = 16;
export const V6_SPORT = 32;
export const V6_DPORT = 34;
export const V6_L4 = 36;
export const S4_IP = 0;
export const S4_PORT = 4;
export const S4_L4 = 6;
export const S6_IP = 0;
export const S6_PORT = 16;
export const S6_L4 = 18;
export const UX_SOURCE = 0;
export const UX_DEST = 8;

// Little-endian readers of the socket union: core/bytes' (u64 here is the bigint one).
export { u16, u32, u64big as u64 };

export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

export function put64(b: Uint8Array, o: number, v: bigint): void {
  put32(b, o, Number(v & 0xffffffffn));
  put32(b, o + 4, Number((v >> 32n) & 0xffffffffn));
}

/** Equal bytes [ao, ao+n) of a and [bo, bo+n) of b. */
export function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[ao + k] !== b[bo + k]) return false;
  return true;
}

export function isZero(b: Uint8Array, o: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (b[o + k] !== 0) return false;
  return true;
}

/** sinsp_utils::is_ipv4_mapped_ipv6: ::ffff:a.b.c.d, or the all-zero address. */
/** ipv4tuple_to_string over an ipv4-tuple laid out at `o` of `b`. */
export function ipv4TupleString(
  sip: string,
  sport: number,
  dip: string,
  dport: number,
  proto?: PortProto,
): string {
  return `${sip}:${portText(sport, proto)}->${dip}:${portText(dport, proto)}`;
}

/**
 * sinsp_utils::sockinfo_to_str for a connected socket, from the union bytes. Returns null where
 * libsinsp leaves its output buffer untouched (type neither ipv4 nor ipv6, or unknown ipv6 family).
 */
export function sockinfoToString(u: Uint8Array, ipv6Type: boolean): string | null {
  if (!ipv6Type) {
    const l4 = u[V4_L4];
    if (l4 === 2 || l4 === 3) {
      return ipv4TupleString(
        ipv4String(u, V4_SIP),
        u16(u, V4_SPORT),
        ipv4String(u, V4_DIP),
        u16(u, V4_DPORT),
        l4ProtoName(l4),
      );
    }
    if (l4 === 4 || l4 === 5) return `${ipv4String(u, V4_SIP)}->${ipv4String(u, V4_DIP)}`;
    return '<unknown>';
  }
  const l4 = u[V6_L4];
  const mapped = isV4Mapped(u, V6_SIP) && isV4Mapped(u, V6_DIP);
  if (l4 === 2 || l4 === 3) {
    if (mapped) {
      // libsinsp reads the ports through the ipv4 member here (offsets 8 and 10).
      return ipv4TupleString(
        ipv4String(u, V6_SIP + 12),
        u16(u, V4_SPORT),
        ipv4String(u, V6_DIP + 12),
        u16(u, V4_DPORT),
        l4ProtoName(l4),
      );
    }
    const p = l4ProtoName(l4);
    return `${ipv6String(u, V6_SIP)}:${portText(u16(u, V6_SPORT), p)}->${ipv6String(u, V6_DIP)}:${portText(u16(u, V6_DPORT), p)}`;
  }
  if (l4 === 4) {
    if (mapped) return `${ipv4String(u, V6_SIP + 12)}->${ipv4String(u, V6_DIP + 12)}`;
    return `${ipv6String(u, V6_SIP)}->${ipv6String(u, V6_DIP)}`;
  }
  return '<unknown>';
}

/** Hex of a u64 as printf("%" PRIx64) gives it. */
export function hex64(v: bigint): string {
  return v.toString(16);
}
