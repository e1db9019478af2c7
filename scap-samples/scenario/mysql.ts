// MySQL client/server protocol packets (protocol 10), enough for the bytes a handshake, a
// COM_QUERY with a text result set and COM_QUIT put on the wire.

const enc = new TextEncoder();

function cat(parts: readonly (Uint8Array | number[])[]): Uint8Array {
  const arrs = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrs.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrs) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

const z = (s: string): Uint8Array => cat([enc.encode(s), [0]]);
const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];

/** Length-encoded string (lengths < 251 take one byte). */
function lenenc(s: string): Uint8Array {
  const b = enc.encode(s);
  if (b.length >= 251) return cat([[0xfc], u16(b.length), b]);
  return cat([[b.length], b]);
}

/** One packet: 3-byte payload length, sequence id, payload. */
export function packet(seq: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  return cat([[n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, seq & 0xff], payload]);
}

export function greeting(version: string, threadId: number, salt: Uint8Array): Uint8Array {
  return packet(
    0,
    cat([
      [10],
      z(version),
      u32(threadId),
      salt.subarray(0, 8),
      [0],
      u16(0xf7ff),
      [8],
      u16(2),
      u16(0x81bf),
      [21],
      new Uint8Array(10),
      salt.subarray(8, 20),
      [0],
      z('mysql_native_password'),
    ]),
  );
}

export function handshakeResponse(user: string, scramble: Uint8Array, db: string): Uint8Array {
  return packet(
    1,
    cat([
      u32(0x000aa60d),
      u32(16777216),
      [8],
      new Uint8Array(23),
      z(user),
      [scramble.length],
      scramble,
      z(db),
      z('mysql_native_password'),
    ]),
  );
}

export function ok(seq: number, affectedRows = 0): Uint8Array {
  return packet(seq, Uint8Array.from([0, affectedRows, 0, 2, 0, 0, 0]));
}

export function comQuery(sql: string): Uint8Array {
  return packet(0, cat([[3], enc.encode(sql)]));
}

export const COM_QUIT = packet(0, Uint8Array.from([1]));

const eof = (seq: number): Uint8Array => packet(seq, Uint8Array.from([0xfe, 0, 0, 0x22, 0]));

/** A text result set: column count, column definitions, EOF, rows, EOF. */
export function resultSet(
  db: string,
  table: string,
  columns: readonly string[],
  rows: readonly string[][],
): Uint8Array {
  let seq = 1;
  const parts: Uint8Array[] = [packet(seq++, Uint8Array.from([columns.length]))];
  for (const c of columns) {
    parts.push(
      packet(
        seq++,
        cat([
          lenenc('def'),
          lenenc(db),
          lenenc(table),
          lenenc(table),
          lenenc(c),
          lenenc(c),
          [0x0c],
          u16(33),
          u32(765),
          [0xfd],
          u16(0),
          [0],
          [0, 0],
        ]),
      ),
    );
  }
  parts.push(eof(seq++));
  for (const r of rows) parts.push(packet(seq++, cat(r.map(lenenc))));
  parts.push(eof(seq));
  return cat(parts);
}
