// A small capture builder for tests that compare Capsight with the real sysdig on captures made
// for one purpose (odd fd types, failed calls, hostile strings...): a header with chosen processes
// and fds, then events named by their 0.29.3 event names with every parameter given by name.
import { writeFileSync } from 'node:fs';
import { FdKind, type CaptureHeader, type FdEntry, type ProcEntry } from '../../core/capture.js';
import { COMPAT_EVENT_MAX, EF, EVENTS } from '../../core/schema/index.js';
import {
  ScapWriter,
  encodeParam,
  headerFromText,
  ipv4Bytes,
  ipv6Bytes,
  type ParamValue,
  type RawEvent,
} from '../../core/scapwrite/index.js';

export { FdKind, ipv4Bytes, ipv6Bytes };

const utf8 = new TextEncoder();

/** A NUL-separated list (args, env, cgroups) as the driver stores it. */
export const nulList = (items: readonly string[]): Uint8Array =>
  utf8.encode(items.map((a) => a + '\0').join(''));

/** The newest 0.29.3 code of an event name and direction (not an old or unused version). */
const CODES = new Map<string, number>();
for (let c = 0; c < COMPAT_EVENT_MAX; c++) {
  const e = EVENTS[c]!;
  if ((e.flags & (EF.OLD_VERSION | EF.UNUSED)) === 0) CODES.set(e.name + e.dir, c);
}

function codeOf(name: string, dir: '>' | '<'): number {
  const c = CODES.get(name + dir);
  if (c === undefined) throw new Error(`no 0.29.3 event ${name} ${dir}`);
  return c;
}

/** OR of flag names of parameter `param` of event `name` (exit direction). */
export function flagBits(name: string, param: string, names: readonly string[]): number {
  const info = EVENTS[codeOf(name, '<')]!.params.find((p) => p.name === param);
  let v = 0;
  for (const n of names) {
    const f = info?.flags?.find((x) => x.name === n);
    if (f === undefined) throw new Error(`${name}.${param}: no flag ${n}`);
    v |= f.value;
  }
  return v >>> 0;
}

export type Vals = Record<string, ParamValue>;
export type ProcSpec = Partial<ProcEntry> & { pid: number; comm: string };

export class TestCapture {
  private t: bigint;
  private readonly procs: ProcEntry[] = [];
  private readonly fds = new Map<number, FdEntry[]>();
  private readonly events: RawEvent[] = [];

  constructor(start = 1715679012000000000n) {
    this.t = start;
  }

  /** A thread of the process list (the main thread unless `tid` differs from `pid`). */
  proc(p: ProcSpec): void {
    const tid = p.tid ?? p.pid;
    this.procs.push({
      tid,
      ptid: 1,
      sid: p.pid,
      vpgid: p.pid,
      exe: p.comm,
      exepath: '/usr/bin/' + p.comm,
      args: [],
      cwd: '/',
      fdlimit: 1024,
      flags: 0,
      uid: 0,
      gid: 0,
      vmsizeKb: 1000,
      vmrssKb: 100,
      vmswapKb: 0,
      pfmajor: 0,
      pfminor: 0,
      env: [],
      vtid: tid,
      vpid: p.pid,
      cgroups: [],
      root: '/',
      loginuid: 0xffffffff,
      ...p,
    });
    if (!this.fds.has(tid)) this.fds.set(tid, []);
  }

  /** An fd of the thread's fd list (socket addresses as raw bytes, see ipv4Bytes). */
  fd(tid: number, fd: number, e: Partial<FdEntry> & { kind: FdKind }): void {
    this.fds.get(tid)!.push({ ino: 0n, openFlags: 0, dev: 0, name: '', ...e, fd });
  }

  private ev(tid: number, code: number, vals: Vals, cpu: number): void {
    const info = EVENTS[code]!;
    for (const k of Object.keys(vals)) {
      if (!info.params.some((p) => p.name === k))
        throw new Error(`${info.name} ${info.dir}: no parameter ${k}`);
    }
    const params = info.params.map((p) => {
      if (!(p.name in vals)) throw new Error(`${info.name} ${info.dir}: missing ${p.name}`);
      return encodeParam(p, vals[p.name]!);
    });
    this.t += 1000n + BigInt(this.events.length % 7) * 137n;
    this.events.push({ type: code, ts: this.t, tid: BigInt(tid), cpu, params });
  }

  enter(tid: number, name: string, vals: Vals = {}, cpu = 0): this {
    this.ev(tid, codeOf(name, '>'), vals, cpu);
    return this;
  }

  exit(tid: number, name: string, vals: Vals = {}, cpu = 0): this {
    this.ev(tid, codeOf(name, '<'), vals, cpu);
    return this;
  }

  /** An enter/exit pair. */
  call(tid: number, name: string, enter: Vals, exit: Vals, cpu = 0): this {
    return this.enter(tid, name, enter, cpu).exit(tid, name, exit, cpu);
  }

  header(): CaptureHeader {
    return {
      major: 1,
      minor: 2,
      machine: {
        numCpus: 4,
        memorySizeBytes: 8n << 30n,
        maxPid: 0n,
        hostname: 'box',
        bootTsEpoch: 0n,
        flags: 0n,
      },
      procs: this.procs,
      fdlists: [...this.fds].map(([tid, fds]) => ({ tid, fds })),
      interfaces: [
        {
          type: 1,
          name: 'eth0',
          addr: ipv4Bytes('10.0.0.5'),
          netmask: ipv4Bytes('255.255.255.0'),
          bcast: ipv4Bytes('10.0.0.255'),
          linkspeed: 0n,
        },
      ],
      users: [
        { uid: 0, gid: 0, name: 'root', homedir: '/root', shell: '/bin/bash' },
        { uid: 1000, gid: 1000, name: 'j\u00fcrgen', homedir: '/home/j\u00fcrgen', shell: '/bin/zsh' },
        { uid: 33, gid: 33, name: 'www-data', homedir: '/var/www', shell: '/usr/sbin/nologin' },
      ],
      groups: [
        { gid: 0, name: 'root' },
        { gid: 1000, name: 'j\u00fcrgen' },
        { gid: 33, name: 'www-data' },
      ],
      blocks: [],
    };
  }

  /** Writes the capture; `edit` may change the header's byte strings (e.g. to bytes that are not
   *  UTF-8) after the builder's text is converted. */
  save(file: string, edit?: (h: CaptureHeader) => void): string {
    const chunks: Uint8Array[] = [];
    const w = new ScapWriter({ sink: (c) => chunks.push(c) });
    const h = headerFromText(this.header());
    edit?.(h);
    w.writeHeader(h);
    for (const e of this.events) w.writeEvent(e);
    w.close();
    writeFileSync(file, Buffer.concat(chunks.map((c) => Buffer.from(c))));
    return file;
  }
}
