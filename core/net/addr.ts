// Text forms of addresses exactly as libsinsp prints them (inet_ntop for IPv6, dotted quads for
// IPv4, ports in decimal: Capsight never resolves names, like `sysdig` without -N... which is the
// default when reading files).

/** Dotted quad of 4 network-order bytes at `off`. */
export function ipv4ToString(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** glibc inet_ntop(AF_INET6) of 16 network-order bytes at `off`. */
export function ipv6ToString(b: Uint8Array, off = 0): string {
  const words = new Array<number>(8);
  for (let k = 0; k < 8; k++) words[k] = (b[off + 2 * k]! << 8) | b[off + 2 * k + 1]!;
  // Longest run of zero words (first one wins on ties), compressed only when at least 2 long.
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let k = 0; k < 8; k++) {
    if (words[k] === 0) {
      if (curBase < 0) {
        curBase = k;
        curLen = 1;
      } else curLen++;
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
    } else curBase = -1;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (bestBase >= 0 && k >= bestBase && k < bestBase + bestLen) {
      if (k === bestBase) out += ':';
      continue;
    }
    if (k !== 0) out += ':';
    // Embedded IPv4: ::a.b.c.d and ::ffff:a.b.c.d (glibc's rule).
    if (k === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += ipv4ToString(b, off + 12);
      return out;
    }
    out += words[k]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** True for ::ffff:a.b.c.d and for the all-zero address (libsinsp treats both as IPv4). */
export function isIpv4MappedIpv6(b: Uint8Array, off = 0): boolean {
  for (let k = 0; k < 10; k++) if (b[off + k] !== 0) return false;
  if (b[off + 10] === 0xff && b[off + 11] === 0xff) return true;
  for (let k = 10; k < 16; k++) if (b[off + k] !== 0) return false;
  return true;
}

/** An address of 4 or 16 bytes as text. */
export function ipToString(b: Uint8Array, off = 0, len = b.length - off): string {
  return len === 4 ? ipv4ToString(b, off) : ipv6ToString(b, off);
}
