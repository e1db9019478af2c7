// httplog.lua (with http.lua's parser): pairs an HTTP request seen on an fd with the next response
// on the same pid/fd and prints one line per transaction. The parser matches Lua patterns against
// evt.buffer as text (non-printables shown as '.', so CRLF reads "..").
import { FdKind } from '../capture.js';
import type { EventContext } from '../fields/context.js';
import { EC } from '../schema/types.js';
import {
  argData,
  containerName,
  datetime,
  evtTs,
  ioDir,
  isExit,
  isIo,
  rawArgRes,
  type ChiselEnv,
} from './fields.js';
import { luaNum } from './luafmt.js';
import type { CaptureEnd, Chisel } from './runner.js';
import { KEY_SEP, renderSortedTable, TopTable } from './topn.js';

interface Transaction {
  method: string;
  url: string;
  ts: number;
  dir: string;
  /** container.name when the request was seen (http.lua keeps it for -pc). */
  container: string | undefined;
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

/** A request paired with its response, as http.lua hands it to on_transaction. */
export interface HttpTransaction extends Transaction {
  code: number;
  length: number;
  /** Response evt.rawtime, as a double. */
  responseTs: number;
}

/**
 * http.lua's run_http_parser: remembers a request per pid/fd, completes it with the next response
 * on the same pid/fd. Filter: I/O with data on IP or unix sockets.
 */
export class HttpParser {
  private readonly partial = new Map<string, Transaction>();

  constructor(
    private readonly env: ChiselEnv,
    private readonly onTransaction: (c: EventContext, t: HttpTransaction) => void,
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
        container: containerName(c),
      });
      return;
    }
    const r = RESPONSE.exec(buf);
    if (!r) return;
    const len = LENGTH.exec(buf);
    this.onTransaction(c, { ...t, code: Number(r[1]), length: len ? Number(len[1]) : 0, responseTs: ts });
    this.partial.delete(key);
  }
}

/** httplog.lua: one line per transaction, stamped with the response's evt.datetime. */
export class HttpLog implements Chisel {
  private readonly parser: HttpParser;

  constructor(env: ChiselEnv, write: (s: string) => void) {
    this.parser = new HttpParser(env, (c, t) => {
      const latency = Math.trunc((t.responseTs - t.ts) / 1_000_000);
      // -pc: the request's container between the time and the direction.
      const container = env.printContainer === true ? ` ${t.container ?? 'nil'} ` : ' ';
      write(
        `${datetime(c)}${container}${t.dir} method=${t.method} url=${t.url} response_code=${t.code} latency=${latency}ms size=${t.length}B\n`,
      );
    });
  }

  filter(c: EventContext): boolean {
    return this.parser.filter(c);
  }

  onEvent(c: EventContext): void {
    this.parser.onEvent(c);
  }
}

export type HttpTopBy = 'ncalls' | 'bytes' | 'time';

/** httptop.lua: transactions per method+url, by count, total response bytes or mean time; top 30. */
export class HttpTop implements Chisel {
  private readonly parser: HttpParser;
  private readonly groups = new Map<string, HttpTransaction[]>();

  private readonly keyDesc: string[];

  constructor(
    env: ChiselEnv,
    private readonly write: (s: string) => void,
    private readonly by: HttpTopBy,
  ) {
    // -pc: the request's container becomes the first key column.
    const pc = env.printContainer === true;
    this.keyDesc = pc ? ['container', 'method', 'url'] : ['method', 'url'];
    this.parser = new HttpParser(env, (_c, t) => {
      const key = (pc ? (t.container ?? 'nil') + KEY_SEP : '') + t.method + KEY_SEP + t.url;
      let g = this.groups.get(key);
      if (g === undefined) this.groups.set(key, (g = []));
      g.push(t);
    });
  }

  filter(c: EventContext): boolean {
    return this.parser.filter(c);
  }

  onEvent(c: EventContext): void {
    this.parser.onEvent(c);
  }

  onCaptureEnd(end: CaptureEnd): void {
    const table = new TopTable();
    for (const [k, ts] of this.groups) {
      let v: number;
      if (this.by === 'ncalls') v = ts.length;
      else if (this.by === 'bytes') v = ts.reduce((a, t) => a + t.length, 0);
      else v = ts.reduce((a, t) => a + t.responseTs - t.ts, 0) / ts.length;
      table.add(k, v);
    }
    const units = this.by === 'ncalls' ? 'none' : this.by;
    this.write(renderSortedTable(table, this.keyDesc, this.by, units, 30, Number(end.delta)));
  }
}
