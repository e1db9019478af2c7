// httplog.lua (with http.lua's parser): pairs an HTTP request seen on an fd with the next response
// on the same pid/fd and prints one line per transaction. The parser matches Lua patterns against
// evt.buffer as text (non-printables shown as '.', so CRLF reads "..").
import { FdKind } from '../capture.js';
import type { EventContext } from '../fields/context.js';
import { EC } from '../schema/types.js';
import { argData, datetime, evtTs, ioDir, isExit, isIo, rawArgRes, type ChiselEnv } from './fields.js';
import { luaNum } from './luafmt.js';
import type { Chisel } from './runner.js';

interface Transaction {
  method: string;
  url: string;
  ts: number;
  dir: string;
}

// Lua classes: %u = A-Z, %g = printable except space, %d = 0-9.
const REQUEST = /^([A-Z]+) ([\x21-\x7e]+)/;
const HOST = /Host: ([\x21-\x7e]+)\.\./;
const RESPONSE = /HTTP\/[\x21-\x7e]+ (\d+)/;
const LENGTH = /Content-Length: (\d+)\.\./;

/** fd.sockfamily = ip or unix. */
function ipOrUnix(c: EventContext): boolean {
  const k = c.state.fd?.kind;
  return (
    k === FdKind.IPV4_SOCK ||
    k === FdKind.IPV6_SOCK ||
    k === FdKind.IPV4_SERVSOCK ||
    k === FdKind.IPV6_SERVSOCK ||
    k === FdKind.UNIX_SOCK
  );
}

/** evt.buflen: an I/O exit's non-negative return value, when the event has an fd. */
function bufLen(c: EventContext): number | undefined {
  if (c.state.fd === undefined || (c.info.category & EC.IO_BASE) === 0 || !isExit(c)) return undefined;
  const r = rawArgRes(c);
  return r !== undefined && r >= 0 ? r : undefined;
}

export class HttpLog implements Chisel {
  private readonly partial = new Map<string, Transaction>();

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
  ) {}

  filter(c: EventContext): boolean {
    const n = bufLen(c);
    return isIo(c) && n !== undefined && n > 0 && ipOrUnix(c);
  }

  onEvent(c: EventContext): void {
    const buf = argData(c, this.env) ?? '';
    const pid = c.state.thread?.pid;
    if (pid === undefined) return;
    const key = `${luaNum(pid)}\x01\x01${luaNum(c.state.fdNum)}`;
    // evt.rawtime as a Lua number (a double).
    const ts = Number(evtTs(c));
    const t = this.partial.get(key);
    if (t === undefined) {
      const m = REQUEST.exec(buf);
      if (!m) return;
      const host = HOST.exec(buf);
      const dir = ioDir(c);
      this.partial.set(key, {
        method: m[1]!,
        url: host ? host[1]! + m[2]! : m[2]!,
        ts,
        dir: dir === 'read' ? '<' : dir === 'write' ? '>' : '<NA>',
      });
      return;
    }
    const r = RESPONSE.exec(buf);
    if (!r) return;
    const len = LENGTH.exec(buf);
    const latency = Math.trunc((ts - t.ts) / 1_000_000);
    this.write(
      `${datetime(c)} ${t.dir} method=${t.method} url=${t.url} response_code=${Number(r[1])} latency=${latency}ms size=${len ? Number(len[1]) : 0}B\n`,
    );
    this.partial.delete(key);
  }
}
