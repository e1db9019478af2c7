// Filter literals parsed for the type of the field they are compared with, as libsinsp's
// string_to_rawval does: decimal integers only (no hex, no fractions), `true`/`false` for booleans,
// dotted quads or IPv6 text for addresses, `addr/len` for networks, numbers or service names for
// ports. Failures are reported as messages; the compiler adds the position.

/** sscanf("%ld%c") semantics: optional blanks and sign, then digits, nothing after. */
export function parseInteger(s: string): bigint | undefined {
  const m = /^[ \t\n\r]*([+-]?\d+)$/.exec(s);
  return m ? BigInt(m[1]!) : undefined;
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
const ULONG_MAX = (1n << 64n) - 1n;

/**
 * A parsed integer as libsinsp stores it for a field `bits` wide: sinsp_numparser reads with glibc's
 * sscanf, which converts through strtol (signed) or strtoul (unsigned) on 64 bits, saturating on
 * overflow and negating a '-' value modulo 2^64 for strtoul; the result is then cut to the storage
 * width. So `-1` is the largest value of an unsigned field (`evt.num > -1` matches nothing) and
 * 4294967297 is 1 for a 32-bit one.
 */
export function storedInteger(x: bigint, bits: number, signed: boolean): bigint {
  if (signed) {
    const c = x > LONG_MAX ? LONG_MAX : x < LONG_MIN ? LONG_MIN : x;
    return BigInt.asIntN(bits, c);
  }
  const mag = x < 0n ? -x : x;
  const c = mag > ULONG_MAX ? ULONG_MAX : BigInt.asUintN(64, x);
  return BigInt.asUintN(bits, c);
}

/** inet_pton(AF_INET): exactly four decimal octets. */
export function parseIpv4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let k = 0; k < 4; k++) {
    const p = parts[k]!;
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[k] = n;
  }
  return out;
}

/** inet_pton(AF_INET6), including `::` and an embedded dotted quad. */
export function parseIpv6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail4: Uint8Array | undefined;
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail4 = parseIpv4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    text = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return undefined;
  const groups = (x: string): string[] => (x === '' ? [] : x.split(':'));
  let head: string[];
  let tail: string[] = [];
  if (dbl >= 0) {
    head = groups(text.slice(0, dbl));
    tail = groups(text.slice(dbl + 2));
    if (head.length + tail.length > 7) return undefined;
  } else {
    head = groups(text);
    if (head.length !== 8) return undefined;
  }
  const words = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const out = new Uint8Array(16);
  for (let k = 0; k < 8; k++) {
    const w = words[k]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
    const n = parseInt(w, 16);
    out[2 * k] = n >> 8;
    out[2 * k + 1] = n & 0xff;
  }
  if (tail4) out.set(tail4, 12);
  return out;
}

/** An address as string_to_rawval(PT_IPADDR) reads it: any '.' means IPv4 (so an IPv4-mapped
 *  IPv6 address cannot be written). */
export function parseIp(s: string): Uint8Array | undefined {
  return s.includes('.') ? parseIpv4(s) : parseIpv6(s);
}

export interface IpNet {
  addr: Uint8Array;
  /** Prefix length in bits. */
  bits: number;
}

/**
 * string_to_rawval(PT_IPNET): with a '.' anywhere, an IPv4 `addr/len` (len read as parseu8 reads,
 * at most 32); without one, a plain IPv6 address (no prefix can be written) whose network is its
 * first 64 bits, as ipv6addr::in_subnet compares.
 */
export function parseNet(s: string): IpNet | string {
  if (!s.includes('.')) {
    const addr = parseIpv6(s);
    return addr === undefined ? `unrecognized IPv6 address ${s}` : { addr, bits: 64 };
  }
  const slash = s.indexOf('/');
  if (slash < 0) return `unrecognized IP network '${s}': expected address/prefix, e.g. 10.0.0.0/8`;
  const addr = parseIpv4(s.slice(0, slash));
  if (addr === undefined) return `unrecognized IP address in network '${s}'`;
  const lenText = s.slice(slash + 1);
  const len = parseInteger(lenText);
  if (len === undefined) return `${lenText} is not a valid number`;
  const bits = Number(storedInteger(len, 8, false));
  if (bits > 32) return `invalid netmask '${lenText}'`;
  return { addr, bits };
}

/** The network mask of an IPv4 prefix length, network order. */
function maskBytes(bits: number): Uint8Array {
  const m = new Uint8Array(4);
  for (let k = 0; k < 4; k++)
    m[k] = bits >= 8 * (k + 1) ? 0xff : bits > 8 * k ? (0xff << (8 * (k + 1) - bits)) & 0xff : 0;
  return m;
}

/**
 * Whether `ip` lies in `net`. Across families libsinsp reads the stored value as the other
 * family's layout: an IPv6 value on an IPv4 socket is {ip: bytes 0-3, mask: bytes 4-7}; an IPv4
 * value on an IPv6 socket is its address then its mask, compared with the first 8 bytes.
 */
export function inNet(ip: Uint8Array, net: IpNet): boolean {
  if (ip.length === 4 && net.addr.length === 16) {
    for (let k = 0; k < 4; k++) {
      const mask = net.addr[4 + k]!;
      if ((ip[k]! & mask) !== (net.addr[k]! & mask)) return false;
    }
    return true;
  }
  if (ip.length === 16 && net.addr.length === 4) {
    const mask = maskBytes(net.bits);
    for (let k = 0; k < 4; k++) if (ip[k] !== net.addr[k] || ip[4 + k] !== mask[k]) return false;
    return true;
  }

  let bits = net.bits;
  for (let k = 0; bits > 0; k++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[k]! & mask) !== (net.addr[k]! & mask)) return false;
  }
  return true;
}

/** The well-known service names getservbyname knows on any system (for `fd.port=http`). */
const SERVICES: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  dns: 53,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  ntp: 123,
  imap: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  syslog: 514,
  imaps: 993,
  pop3s: 995,
  'ms-sql-s': 1433,
  mysql: 3306,
  postgresql: 5432,
  x11: 6000,
  'http-alt': 8080,
  webcache: 8080,
};

export function parsePort(s: string): number | string {
  if (s === '') return 0;
  if (/^\d+$/.test(s)) return Number(s) & 0xffff;
  const p = SERVICES[s];
  return p !== undefined ? p : `unrecognized protocol '${s}'`;
}

/** A latin1 string's chars as bytes (filter values keep one char per byte). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) out[k] = s.charCodeAt(k) & 0xff;
  return out;
}
