// Textual IP addresses → network-order bytes, for scenario scripts that write addresses by value.

export function ipv4Bytes(s: string): Uint8Array {
  const parts = s.split('.');
  if (parts.length !== 4) throw new Error(`bad IPv4 address: ${s}`);
  const out = new Uint8Array(4);
  parts.forEach((p, i) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`bad IPv4 address: ${s}`);
    out[i] = Number(p);
  });
  return out;
}

export function ipv6Bytes(s: string): Uint8Array {
  const out = new Uint8Array(16);
  // An embedded dotted quad (::ffff:1.2.3.4) becomes the last 4 bytes.
  let text = s;
  let tail4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) > 0) {
    tail4 = ipv4Bytes(text.slice(lastColon + 1));
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 address: ${s}`);
  const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const fill = 8 - head.length - tail.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) throw new Error(`bad IPv6 address: ${s}`);
  const all = [...head, ...Array<string>(halves.length === 2 ? fill : 0).fill('0'), ...tail];
  all.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`bad IPv6 address: ${s}`);
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  if (tail4) out.set(tail4, 12);
  return out;
}

/** 4 or 16 bytes, by whether the text holds a colon. */
export function ipBytes(s: string): Uint8Array {
  return s.includes(':') ? ipv6Bytes(s) : ipv4Bytes(s);
}
