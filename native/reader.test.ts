// The native reader against the real samples in ../shared: headers as SCAP_FORMAT.md §5 lists
// them, event numbering as sysdig 0.29.3 prints it, gzip vs plain, block-type variants made by
// rewriting real event blocks, concatenated captures, truncation and hostile lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import { COMPAT_EVENT_MAX, EVENTS } from '../core/schema/index.js';
import type { CaptureHeader } from '../core/capture.js';
import { ScapWriter } from '../core/scapwrite/index.js';
import { openCapture, readerOptionsFor, scanBlocks, type ReaderOptions } from './index.js';
import { repoRoot } from '../scripts/repo-root.js';

// ---------------------------------------------------------------------------------------------
// Locations

const SHARED = join(repoRoot(), '..', 'shared');
const SAMPLES = join(SHARED, 'samples');
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'SOURCES.md'));
const NO_SAMPLES = HAVE_SAMPLES ? false : 'shared samples absent';
const HAVE_SYSDIG = spawnSync('sysdig', ['--version'], { encoding: 'utf8' }).status === 0;

const sampleNames = (): string[] =>
  HAVE_SAMPLES
    ? readdirSync(SAMPLES)
        .filter((f) => f.endsWith('.scap'))
        .sort()
    : [];
const samplePath = (name: string): string => join(SAMPLES, name);

/** sysdig 0.29.3's view: codes from 336 on are past its table and skipped. */
const COMPAT: ReaderOptions = readerOptionsFor(EVENTS, COMPAT_EVENT_MAX);

function withTmp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-native-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Reading everything (small files only: tests may afford one object per event)

interface Ev {
  num: number;
  ts: bigint;
  tid: bigint;
  type: number;
  cpu: number;
  flags: number;
  offset: number;
  params: Buffer[];
}

interface ReadAll {
  header: CaptureHeader;
  events: Ev[];
  error: { message: string; blockType: number; offset: number } | null;
  skipped: number;
  sections: number[];
}

function readAll(path: string, opts: ReaderOptions = COMPAT): ReadAll {
  const r = openCapture(path, opts);
  const events: Ev[] = [];
  for (let b = r.next(); b !== null; b = r.next()) {
    assert.equal(b.paramBase.length, b.count + 1);
    assert.equal(b.firstNum, events.length + 1, 'firstNum counts every delivered event');
    for (let i = 0; i < b.count; i++) {
      const params: Buffer[] = [];
      for (let j = b.paramBase[i]!; j < b.paramBase[i + 1]!; j++) {
        const off = b.paramOff[j]!;
        params.push(Buffer.from(b.arena.subarray(off, off + b.paramLen[j]!)));
      }
      events.push({
        num: b.firstNum + i,
        ts: b.ts[i]!,
        tid: b.tid[i]!,
        type: b.type[i]!,
        cpu: b.cpu[i]!,
        flags: b.flags[i]!,
        offset: b.offset[i]!,
        params,
      });
    }
  }
  const out = {
    header: r.header,
    events,
    error: r.error,
    skipped: r.skippedEvents(),
    sections: r.sections.map((s) => s.firstNum),
  };
  r.close();
  return out;
}

/** Event identity without the stream offset (which differs between rewritten files). */
function sameEvents(a: Ev[], b: Ev[], what: string, ignoreFlags = false): void {
  assert.equal(a.length, b.length, `${what}: event count`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const ctx = `${what}: event ${x.num}`;
    assert.equal(x.num, y.num, ctx);
    assert.equal(x.ts, y.ts, ctx);
    assert.equal(x.tid, y.tid, ctx);
    assert.equal(x.type, y.type, ctx);
    assert.equal(x.cpu, y.cpu, ctx);
    if (!ignoreFlags) assert.equal(x.flags, y.flags, ctx);
    assert.equal(x.params.length, y.params.length, ctx);
    for (let j = 0; j < x.params.length; j++) assert.ok(x.params[j]!.equals(y.params[j]!), ctx);
  }
}

/** The decompressed bytes of a sample (gzip by magic, as the reader does). */
function plainBytes(name: string): Buffer {
  const raw = readFileSync(samplePath(name));
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

interface RawBlock {
  type: number;
  offset: number;
  length: number;
}

/** Block framing walked in the test itself (independent of the addon). */
function walkBlocks(buf: Buffer): RawBlock[] {
  const out: RawBlock[] = [];
  for (let off = 0; off + 8 <= buf.length;) {
    const length = buf.readUInt32LE(off + 4);
    out.push({ type: buf.readUInt32LE(off), offset: off, length });
    off += length;
  }
  return out;
}

const EVENT_BLOCKS = new Set([0x204, 0x208, 0x216, 0x217, 0x221, 0x222, 0x8010abcd]);

// ---------------------------------------------------------------------------------------------
// Expectations from the shared documents

interface SampleRow {
  file: string;
  gz: boolean;
  version: string;
  mi: number;
  il: number;
  ul: number;
  pl: number;
  plTail: number | null;
  procs: number | null;
  fdl: number;
  fdlCount: number;
  ev: number;
  evCount: number;
}

/** SCAP_FORMAT.md §5: one table row per sample. */
function formatTable(): Map<string, SampleRow> {
  const md = readFileSync(join(SHARED, 'reference', 'SCAP_FORMAT.md'), 'utf8');
  const sec = md.slice(md.indexOf('## 5. Samples'));
  const rows = new Map<string, SampleRow>();
  let prev: SampleRow | undefined;
  for (const line of sec.split('\n')) {
    const c = line.split('|').map((s) => s.trim());
    if (c.length < 11 || !/^[\w-]*\w[\w-]*$/.test(c[1]!) || c[1] === 'file') continue;
    const hexes = (s: string): number[] => [...s.matchAll(/0x[0-9a-f]+/gi)].map((m) => Number(m[0]));
    const counted = (s: string): [number, number] => {
      const m = /(0x[0-9a-f]+)\s+(\d+)×/i.exec(s);
      if (m === null) throw new Error(`no count in ${s}`);
      return [Number(m[1]), Number(m[2])];
    };
    // Short rows leave the shared columns to the row above ("0x201 | 0x205 | ...").
    const il = hexes(c[5]!)[0] ?? prev?.il;
    const ul = hexes(c[6]!)[0] ?? prev?.ul;
    const tail = /\(\+(\d+)/.exec(c[7]!);
    const procs = /\((\d+) procs\)/.exec(c[7]!);
    const [fdl, fdlCount] = counted(c[8]!);
    const [ev, evCount] = counted(c[9]!);
    const row: SampleRow = {
      file: `${c[1]}.scap`,
      gz: c[2] === 'yes',
      version: /\d\.\d/.exec(c[3]!)![0],
      mi: hexes(c[4]!)[0]!,
      il: il!,
      ul: ul!,
      pl: hexes(c[7]!)[0]!,
      plTail: tail === null ? null : Number(tail[1]),
      procs: procs === null ? null : Number(procs[1]),
      fdl,
      fdlCount,
      ev,
      evCount,
    };
    rows.set(row.file, row);
    prev = row;
  }
  return rows;
}

/** SOURCES.md: events shown / total per sample as sysdig 0.29.3 reported them. */
function sourcesTotals(): Map<string, { shown: number; total: number }> {
  const md = readFileSync(join(SAMPLES, 'SOURCES.md'), 'utf8');
  const out = new Map<string, { shown: number; total: number }>();
  for (const sec of md.split('\n## ').slice(1)) {
    const name = sec.split('\n')[0]!.trim();
    const m = /events shown \/ total \(sysdig 0\.29\.3\): (\d+) \/ (\d+)/.exec(sec);
    if (m !== null) out.set(name, { shown: Number(m[1]), total: Number(m[2]) });
  }
  return out;
}

function utcClock(ts: bigint): string {
  const ns = ts % 1_000_000_000n;
  const d = new Date(Number(ts / 1_000_000n));
  return `${d.toISOString().slice(11, 19)}.${ns.toString().padStart(9, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Headers

test('every sample header matches SCAP_FORMAT.md §5', { skip: NO_SAMPLES }, () => {
  const table = formatTable();
  assert.equal(table.size, sampleNames().length, 'one §5 row per sample');
  for (const name of sampleNames()) {
    const row = table.get(name);
    assert.ok(row, `${name} listed in §5`);
    const r = openCapture(samplePath(name), COMPAT);
    const h = r.header;
    assert.equal(r.compressed, row.gz, `${name} compressed`);
    assert.equal(`${h.major}.${h.minor}`, row.version, `${name} SHB version`);
    const types = h.blocks.map((b) => b.type);
    assert.equal(types[0], 0x0a0d0d0a, `${name} starts with an SHB`);
    // Block order is always SHB, MI, IL, UL, PL, FDL... in the samples.
    assert.deepEqual(types.slice(1, 5), [row.mi, row.il, row.ul, row.pl], `${name} block types`);
    assert.equal(types.length, 5 + row.fdlCount, `${name} block count`);
    assert.ok(
      types.slice(5).every((t) => t === row.fdl),
      `${name} fd list block type`,
    );
    assert.equal(h.fdlists.length, row.fdlCount, `${name} fd lists`);
    // Every sample's writer put one fd-list block per thread of the process list.
    assert.equal(h.procs.length, row.fdlCount, `${name} procs`);
    if (row.procs !== null) assert.equal(h.procs.length, row.procs, `${name} procs (§5)`);
    assert.ok(h.machine !== null && h.machine.numCpus > 0, `${name} machine info`);
    assert.ok(h.interfaces.length > 0 && h.users.length > 0, `${name} interfaces and users`);
    if (row.pl === 0x215) {
      // Pre-0.10 tails (loginuid first) keep what follows loginuid; 0.10+ tails are not kept.
      const t = row.plTail!;
      const want = t <= 29 ? Math.max(0, t - 4) : undefined;
      for (const p of h.procs) assert.equal(p.tail?.length, want, `${name} V9 tail`);
    } else {
      assert.ok(
        h.procs.every((p) => p.tail === undefined),
        `${name}: tails only in V9`,
      );
    }
    // The header ends where the first event block starts.
    const last = h.blocks[h.blocks.length - 1]!;
    const scan = scanBlocks(samplePath(name));
    assert.equal(scan.error, null, `${name} scans cleanly`);
    const firstEvent = scan.blocks.find((b) => EVENT_BLOCKS.has(b.type))!;
    assert.equal(last.offset + last.length, firstEvent.offset, `${name} header end`);
    assert.equal(
      scan.blocks.filter((b) => b.type === row.ev).length,
      row.evCount,
      `${name} event blocks (§5)`,
    );
    r.close();
  }
});

test('header fields hold real values', { skip: NO_SAMPLES }, () => {
  const h = openCapture(samplePath('sample.scap'), COMPAT).header;
  assert.equal(h.machine!.bootTsEpoch, 1690556576768000000n, 'boot time from §2.1');
  // The +66 byte V9 tails (§5) start with pidns_init_start_ts and tty, then loginuid; the
  // +4 byte tails are loginuid alone. Entries are walked here by their own entry_len.
  const entryEnds = (name: string): number[] => {
    const buf = plainBytes(name);
    const pl = walkBlocks(buf).find((b) => b.type === 0x215)!;
    const ends: number[] = [];
    for (let o = pl.offset + 8; o + 4 <= pl.offset + pl.length - 4;) {
      const len = buf.readUInt32LE(o);
      if (len === 0) break;
      ends.push(o + len);
      o += len;
    }
    return ends.map((e) => buf.readUInt32LE(e - (name === 'sample.scap' ? 66 - 12 : 4)));
  };
  assert.deepEqual(
    h.procs.map((p) => p.loginuid),
    entryEnds('sample.scap'),
  );
  assert.deepEqual(
    openCapture(samplePath('ping_sendto.scap'), COMPAT).header.procs.map((p) => p.loginuid),
    entryEnds('ping_sendto.scap'),
  );
  const h5 = openCapture(samplePath('502Error.scap'), COMPAT).header;
  assert.ok(h5.procs.every((p) => p.comm.length > 0 && !p.comm.includes('\0')));
  const lo = h5.interfaces.find((i) => i.name === 'lo' && i.type === 1);
  assert.deepEqual([...lo!.addr], [127, 0, 0, 1]);
  assert.deepEqual([...lo!.netmask], [255, 0, 0, 0]);
  assert.ok(h5.users.some((u) => u.uid === 0 && u.name === 'root'));
  assert.ok(h5.groups.some((g) => g.gid === 0 && g.name === 'root'));
  // FILE_V2 entries in old FDL blocks carry open flags; sockets carry addresses.
  const fds = openCapture(samplePath('example4-1.scap'), COMPAT).header.fdlists.flatMap((l) => l.fds);
  assert.ok(fds.some((f) => f.kind === 16 && f.name.startsWith('/')));
  assert.ok(fds.some((f) => (f.kind === 3 || f.kind === 5) && f.sip?.length === 4));
});

// ---------------------------------------------------------------------------------------------
// Events

test('event totals: every event block is delivered or skipped', { skip: NO_SAMPLES }, () => {
  const totals = sourcesTotals();
  for (const name of sampleNames()) {
    const all = readAll(samplePath(name));
    assert.equal(all.error, null, `${name}: ${all.error?.message}`);
    const scan = scanBlocks(samplePath(name));
    const blocks = scan.blocks.filter((b) => EVENT_BLOCKS.has(b.type)).length;
    assert.equal(all.events.length + all.skipped, blocks, `${name} delivered + skipped`);
    const t = totals.get(name)!;
    // sysdig's `-S` summary omits a few events it reads (e.g. container meta-events), so its
    // total is a lower bound here; exact agreement is checked through evt.num below.
    if (t.total > 0) assert.ok(all.events.length >= t.total, `${name} >= sysdig total`);
    if (name === 'sample.scap') {
      assert.equal(all.events.length, t.total, 'sample.scap: 0.29.3 skips codes >= 336');
      assert.ok(all.skipped > 0);
      const newest = readAll(samplePath(name), readerOptionsFor(EVENTS));
      assert.equal(newest.skipped, 0);
      assert.equal(newest.events.length, blocks);
    } else {
      assert.equal(all.skipped, 0, name);
    }
  }
});

test('evt.num, time, cpu and tid agree with the expected sysdig outputs', { skip: NO_SAMPLES }, () => {
  const cases = join(SHARED, 'conformance', 'cases.tsv');
  if (!existsSync(cases)) return;
  let checked = 0;
  for (const line of readFileSync(cases, 'utf8').split('\n').slice(1)) {
    const [id, sample, args] = line.split('\t');
    // Default-format cases without a filter list events with their numbers.
    if (id === undefined || sample === undefined || !/^p\d+_default/.test(id)) continue;
    if ((args ?? '').replace(/-n \d+/, '').trim() !== '') continue;
    const events = readAll(samplePath(sample)).events;
    const text = readFileSync(join(SHARED, 'conformance', 'expected', `${id}.txt`), 'utf8');
    for (const l of text.split('\n')) {
      const m = /^(\d+) (\d\d:\d\d:\d\d\.\d{9}) (\d+) .* \((\d+)\) [<>] /.exec(l);
      if (m === null) continue;
      const e = events[Number(m[1]) - 1];
      assert.ok(e, `${id}: event ${m[1]} exists`);
      assert.equal(utcClock(e.ts), m[2], `${id} #${m[1]} time`);
      assert.equal(e.cpu, Number(m[3]), `${id} #${m[1]} cpu`);
      assert.equal(e.tid, BigInt(m[4]!), `${id} #${m[1]} tid`);
      checked++;
    }
  }
  assert.ok(checked > 1000, `checked ${checked} lines`);
});

test(
  'evt.num and timestamps agree with sysdig 0.29.3 on every sample',
  {
    skip: NO_SAMPLES || (HAVE_SYSDIG ? false : 'sysdig not installed'),
  },
  () => {
    for (const name of sampleNames()) {
      if (name === 'curl_google_comments.scap') continue; // 0.29.3 cannot read it (§1.1)
      const events = readAll(samplePath(name)).events;
      const r = spawnSync('sysdig', ['-r', samplePath(name), '-p', '%evt.num %evt.rawtime %evt.cpu'], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC' },
        maxBuffer: 1 << 28,
      });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      assert.ok(lines.length > 0, name);
      for (const l of lines) {
        const [num, raw, cpu] = l.split(' ');
        const e = events[Number(num) - 1];
        assert.ok(e, `${name}: event ${num}`);
        assert.equal(e.ts, BigInt(raw!), `${name} #${num}`);
        assert.equal(e.cpu, Number(cpu), `${name} #${num}`);
      }
    }
  },
);

test('V1 events get nparams from the table, V2 events carry theirs', { skip: NO_SAMPLES }, () => {
  for (const name of ['502Error.scap', 'sample.scap']) {
    for (const e of readAll(samplePath(name)).events) {
      const table = EVENTS[e.type]!.params.length;
      assert.ok(e.params.length <= table, `${name} #${e.num}: ${e.params.length} <= ${table}`);
    }
  }
  // Old layouts: §3 lists OPEN_X with fewer params than the table in the samples.
  const short = readAll(samplePath('502Error.scap')).events.filter(
    (e) => e.params.length < EVENTS[e.type]!.params.length,
  );
  assert.ok(short.length > 0, 'some 2017 events carry fewer params than the current table');
});

test('gzip samples decode exactly like their decompressed bytes', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    for (const name of sampleNames()) {
      const raw = readFileSync(samplePath(name));
      if (raw[0] !== 0x1f) continue;
      const plain = join(dir, name);
      writeFileSync(plain, gunzipSync(raw));
      const a = readAll(samplePath(name));
      const b = readAll(plain);
      sameEvents(a.events, b.events, name);
      assert.deepEqual(
        a.events.map((e) => e.offset),
        b.events.map((e) => e.offset),
        `${name}: offsets are in the decompressed stream`,
      );
      assert.deepEqual(a.header, b.header, `${name} header`);
      const r = openCapture(samplePath(name), COMPAT);
      while (r.next() !== null);
      assert.equal(r.bytesConsumed(), raw.length, `${name}: all compressed bytes consumed`);
    }
  });
});

test('concatenated gzip members read as one stream', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const plain = plainBytes('502Error.scap');
    // Members split at arbitrary points, even inside blocks.
    const cuts = [0, 1001, 377_777, 900_001, plain.length];
    const members = cuts.slice(1).map((c, i) => gzipSync(plain.subarray(cuts[i], c)));
    const p = join(dir, 'members.scap.gz');
    writeFileSync(p, Buffer.concat(members));
    const got = readAll(p);
    assert.equal(got.error, null);
    sameEvents(got.events, readAll(samplePath('502Error.scap')).events, 'gzip members');
  });
});

test('SHB and event-block pcapng options are skipped (curl_google_comments)', { skip: NO_SAMPLES }, () => {
  const a = readAll(samplePath('curl_google.scap'));
  const b = readAll(samplePath('curl_google_comments.scap'));
  assert.equal(b.error, null);
  sameEvents(a.events, b.events, 'comments vs plain');
  assert.equal(b.header.blocks[0]!.length, 116, 'SHB with 88 option bytes');
  assert.equal(b.header.procs.length, a.header.procs.length);
});

test('batch size does not change the events', { skip: NO_SAMPLES }, () => {
  const a = readAll(samplePath('example4-1.scap'));
  const b = readAll(samplePath('example4-1.scap'), { ...COMPAT, batchSize: 777 });
  sameEvents(a.events, b.events, 'batch 777');
  const r = openCapture(samplePath('example4-1.scap'), { ...COMPAT, batchSize: 1000 });
  const first = r.next()!;
  assert.equal(first.count, 1000);
  assert.equal(r.next()!.firstNum, 1001);
});

test(
  'lent batches (reuseBatches) carry the same events; a kept batch reads as empty after next()',
  { skip: NO_SAMPLES },
  () => {
    for (const name of sampleNames()) {
      const owned = readAll(samplePath(name));
      const lent = readAll(samplePath(name), { ...COMPAT, reuseBatches: true, batchSize: 1000 });
      sameEvents(owned.events, lent.events, `${name} lent`);
    }
    const r = openCapture(samplePath('example4-1.scap'), { ...COMPAT, reuseBatches: true, batchSize: 1000 });
    const first = r.next()!;
    assert.equal(first.count, 1000);
    assert.equal(first.type.length, 1000);
    const second = r.next()!;
    assert.equal(second.firstNum, 1001);
    // The first batch's memory now belongs to the decoder again: its views are detached.
    assert.equal(first.type.length, 0);
    assert.equal(first.arena.length, 0);
    assert.equal(first.ts[0], undefined);
    assert.equal(second.type.length, 1000);
    r.close();
    assert.equal(second.ts.length, 0, 'close() takes the last batch back too');
  },
);

// ---------------------------------------------------------------------------------------------
// Block variants made from real event blocks

/** Rewrites every event block of `buf` with `fn(cpuid, event bytes)` → new block bytes. */
function rewriteEvents(buf: Buffer, fn: (cpu: number, ev: Buffer) => Buffer): Buffer {
  const parts: Buffer[] = [];
  for (const b of walkBlocks(buf)) {
    const blk = buf.subarray(b.offset, b.offset + b.length);
    if (b.type !== 0x204 && b.type !== 0x216) {
      parts.push(blk);
      continue;
    }
    const evLen = blk.readUInt32LE(8 + 2 + 16);
    parts.push(fn(blk.readUInt16LE(8), blk.subarray(10, 10 + evLen)));
  }
  return Buffer.concat(parts);
}

function block(type: number, body: Buffer): Buffer {
  const total = (8 + body.length + 4 + 3) & ~3;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

function cpuFlags(cpu: number, flags: number | null): Buffer {
  const b = Buffer.alloc(flags === null ? 2 : 6);
  b.writeUInt16LE(cpu, 0);
  if (flags !== null) b.writeUInt32LE(flags, 2);
  return b;
}

test('EVF, _INT, V2_LARGE and EVF_V2_LARGE blocks decode like the originals', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const v1 = plainBytes('nginx_example0.scap');
    const v2 = plainBytes('write_tmp_test.scap');
    const base1 = readAll(samplePath('nginx_example0.scap')).events;
    const base2 = readAll(samplePath('write_tmp_test.scap')).events;
    const variants: [string, Buffer, Ev[], number][] = [
      ['evf', rewriteEvents(v1, (c, e) => block(0x208, Buffer.concat([cpuFlags(c, 1), e]))), base1, 1],
      [
        'ev_int',
        rewriteEvents(v1, (c, e) => block(0x8010abcd, Buffer.concat([cpuFlags(c, null), e]))),
        base1,
        0,
      ],
      ['evf_v2', rewriteEvents(v2, (c, e) => block(0x217, Buffer.concat([cpuFlags(c, 5), e]))), base2, 5],
      [
        'v2_large',
        rewriteEvents(v2, (c, e) => block(0x221, Buffer.concat([cpuFlags(c, null), e]))),
        base2,
        0,
      ],
      [
        'evf_v2_large',
        rewriteEvents(v2, (c, e) => block(0x222, Buffer.concat([cpuFlags(c, 1), e]))),
        base2,
        1,
      ],
    ];
    for (const [what, bytes, base, flags] of variants) {
      const p = join(dir, `${what}.scap`);
      writeFileSync(p, bytes);
      const got = readAll(p);
      assert.equal(got.error, null, `${what}: ${got.error?.message}`);
      sameEvents(got.events, base, what, true);
      assert.ok(
        got.events.every((e) => e.flags === flags),
        `${what} flags`,
      );
    }
  });
});

test('u32 parameter lengths for EF_LARGE_PAYLOAD types', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    // Widen every V2 event's lengths to u32 and declare all types large: same params come out.
    const v2 = plainBytes('write_tmp_test.scap');
    const wide = rewriteEvents(v2, (c, e) => {
      const n = e.readUInt32LE(22);
      const lens = Buffer.alloc(4 * n);
      for (let i = 0; i < n; i++) lens.writeUInt32LE(e.readUInt16LE(26 + 2 * i), 4 * i);
      const hdr = Buffer.from(e.subarray(0, 26));
      const vals = e.subarray(26 + 2 * n);
      hdr.writeUInt32LE(26 + 4 * n + vals.length, 16);
      return block(0x221, Buffer.concat([cpuFlags(c, null), hdr, lens, vals]));
    });
    const p = join(dir, 'wide.scap');
    writeFileSync(p, wide);
    const large = { ...COMPAT, largePayload: new Uint8Array(COMPAT.largePayload.length).fill(1) };
    sameEvents(readAll(p, large).events, readAll(samplePath('write_tmp_test.scap')).events, 'wide');
  });
});

test('concatenated captures open a new section', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const p = join(dir, 'concat.scap');
    writeFileSync(p, Buffer.concat([plainBytes('cat_write.scap'), plainBytes('sample.scap')]));
    const a = readAll(samplePath('cat_write.scap'));
    const b = readAll(samplePath('sample.scap'));
    const r = openCapture(p, COMPAT);
    let n = 0;
    for (let batch = r.next(); batch !== null; batch = r.next()) {
      // A batch never spans the section boundary.
      assert.ok(batch.firstNum > a.events.length || batch.firstNum + batch.count - 1 <= a.events.length);
      n += batch.count;
    }
    assert.equal(r.error, null);
    assert.equal(n, a.events.length + b.events.length);
    assert.equal(r.sections.length, 2);
    assert.equal(r.sections[1]!.firstNum, a.events.length + 1);
    assert.equal(r.sections[1]!.header.procs.length, b.header.procs.length);
    assert.equal(r.sections[1]!.header.minor, 2);
    assert.equal(r.header, r.sections[0]!.header);
    const all = readAll(p);
    sameEvents(
      all.events.slice(a.events.length).map((e, i) => ({ ...e, num: i + 1 })),
      b.events,
      'second',
    );
  });
});

test(
  'IL_V2 written by sysdig 0.29.3 from an IL V1 capture is recovered',
  {
    skip: NO_SAMPLES || (HAVE_SYSDIG ? false : 'sysdig not installed'),
  },
  () => {
    withTmp((dir) => {
      const out = join(dir, 'filtered.scap');
      const w = spawnSync('sysdig', ['-r', samplePath('example4-1.scap'), '-w', out, 'proc.name=curl']);
      assert.equal(w.status, 0, String(w.stderr));
      const orig = openCapture(samplePath('example4-1.scap'), COMPAT).header;
      const r = openCapture(out, COMPAT);
      assert.deepEqual(r.header.interfaces, orig.interfaces);
      assert.deepEqual(r.header.users, orig.users);
      assert.ok(r.header.procs.length > 0);
      let n = 0;
      for (let b = r.next(); b !== null; b = r.next()) n += b.count;
      assert.equal(r.error, null);
      assert.ok(n > 0);
    });
  },
);

test('round trip through core/scapwrite: same header and events', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    for (const name of ['502Error.scap', 'curl_google.scap', 'sample.scap', 'write_tmp_test.scap']) {
      const opts = readerOptionsFor(EVENTS);
      const chunks: Uint8Array[] = [];
      const w = new ScapWriter({ sink: (c) => chunks.push(c) });
      const r = openCapture(samplePath(name), opts);
      w.writeHeader(r.header);
      for (let b = r.next(); b !== null; b = r.next()) w.writeBatch(b);
      w.close();
      const p = join(dir, name);
      writeFileSync(p, Buffer.concat(chunks));
      const a = readAll(samplePath(name), opts);
      const b = readAll(p, opts);
      assert.equal(b.error, null, `${name}: ${b.error?.message}`);
      sameEvents(b.events, a.events, `${name} rewritten`);
      // The writer always emits the newest layouts (SHB 1.2, PL V9 with a tail after loginuid).
      const norm = (h: CaptureHeader, keepTail: boolean): unknown => ({
        ...h,
        major: 0,
        minor: 0,
        blocks: [],
        // rawTail: the on-disk bytes after root, laid out by the writer its own way.
        procs: h.procs.map((p) =>
          keepTail ? { ...p, rawTail: undefined } : { ...p, tail: undefined, rawTail: undefined },
        ),
      });
      // Tails survive when the source had them (pre-0.10 V9 entries).
      const keep = a.header.procs.every((x) => x.tail !== undefined);
      assert.deepEqual(norm(b.header, keep), norm(a.header, keep), `${name} header`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Damage

function describesBlock(msg: string, type: number, offset: number): boolean {
  return msg.includes(`0x${type.toString(16)}`) && msg.includes(`offset ${offset}`);
}

function checkTruncations(name: string, dir: string, cuts: number[]): void {
  const full = plainBytes(name);
  const base = readAll(samplePath(name)).events;
  const blocks = walkBlocks(full);
  const headerEnd = blocks.find((b) => EVENT_BLOCKS.has(b.type))!.offset;
  for (const cut of cuts) {
    const p = join(dir, `${name}.${cut}`);
    writeFileSync(p, full.subarray(0, cut));
    const hit = blocks.find((b) => b.offset < cut && b.offset + b.length > cut);
    if (cut <= headerEnd && hit !== undefined) {
      assert.throws(
        () => openCapture(p, COMPAT),
        (e: Error & { blockType?: number; offset?: number }) =>
          e.offset === hit.offset &&
          (hit.offset + 8 > cut || e.blockType === hit.type) &&
          describesBlock(e.message, e.blockType!, hit.offset),
        `${name} cut at ${cut} (header)`,
      );
      continue;
    }
    const got = readAll(p);
    const complete = base.filter((e) => e.offset + blocks.find((b) => b.offset === e.offset)!.length <= cut);
    sameEvents(got.events, complete, `${name} cut at ${cut}`);
    if (hit === undefined) {
      assert.equal(got.error, null, `${name} cut at block boundary ${cut}`);
    } else {
      assert.ok(got.error, `${name} cut at ${cut}: error`);
      assert.equal(got.error.offset, hit.offset, `${name} cut at ${cut}: offset`);
      if (hit.offset + 8 <= cut) assert.equal(got.error.blockType, hit.type);
      assert.ok(describesBlock(got.error.message, got.error.blockType, hit.offset), got.error.message);
    }
  }
}

test('truncated files deliver every event before the cut', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    for (const name of ['nginx_example0.scap', 'write_tmp_test.scap']) {
      const full = plainBytes(name);
      const blocks = walkBlocks(full);
      const cuts = new Set<number>();
      for (let i = 1; i < 60; i++) cuts.add(Math.floor((full.length * i) / 60));
      // Around block boundaries in the header and among events: before, at, just after, mid-header.
      cuts.add(blocks.find((b) => EVENT_BLOCKS.has(b.type))!.offset); // header only, no events
      for (const b of [...blocks.slice(0, 8), ...blocks.slice(-5)]) {
        for (const d of [-1, 0, 1, 5, 9]) cuts.add(b.offset + d);
      }
      checkTruncations(
        name,
        dir,
        [...cuts].filter((c) => c > 0 && c < full.length).sort((a, b) => a - b),
      );
    }
  });
});

test('truncated gzip streams deliver a prefix and report the cut', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const raw = readFileSync(samplePath('run_as_user_0_container.scap'));
    const base = readAll(samplePath('run_as_user_0_container.scap')).events;
    for (let i = 3; i < 20; i++) {
      const cut = Math.floor((raw.length * i) / 20);
      const p = join(dir, `gz.${cut}`);
      writeFileSync(p, raw.subarray(0, cut));
      let got: ReadAll;
      try {
        got = readAll(p);
      } catch (e) {
        // Cut inside the header: a thrown error naming the block.
        assert.match((e as Error).message, /0x[0-9a-f]+ at offset \d+/);
        continue;
      }
      assert.ok(got.events.length < base.length);
      sameEvents(got.events, base.slice(0, got.events.length), `gzip cut ${cut}`);
      assert.ok(got.error, `gzip cut ${cut}`);
      assert.match(got.error.message, /0x[0-9a-f]+ at offset \d+/);
    }
  });
});

test('hostile lengths give errors, not crashes', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const full = plainBytes('write_tmp_test.scap');
    const blocks = walkBlocks(full);
    const base = readAll(samplePath('write_tmp_test.scap')).events;
    // An event from the middle of the file that has parameters.
    const target = base.find((e, i) => i >= base.length / 2 && e.params.length >= 2)!;
    const victim = blocks.find((b) => b.offset === target.offset)!;
    const before = base.filter((e) => e.offset < victim.offset);
    const patch = (what: string, fn: (b: Buffer) => void): ReadAll => {
      const copy = Buffer.from(full);
      fn(copy);
      const p = join(dir, `${what}.scap`);
      writeFileSync(p, copy);
      return readAll(p);
    };
    const ev = victim.offset + 8 + 2;
    const cases: [string, (b: Buffer) => void][] = [
      ['block length huge', (b) => b.writeUInt32LE(0xfffffff0, victim.offset + 4)],
      ['block length tiny', (b) => b.writeUInt32LE(8, victim.offset + 4)],
      ['event len past block', (b) => b.writeUInt32LE(0xffff, ev + 16)],
      ['event len below header', (b) => b.writeUInt32LE(3, ev + 16)],
      ['nparams huge', (b) => b.writeUInt32LE(0x7fffffff, ev + 22)],
      ['param length huge', (b) => b.writeUInt16LE(0xffff, ev + 26)],
    ];
    for (const [what, fn] of cases) {
      const got = patch(what, fn);
      assert.ok(got.error, what);
      assert.equal(got.error.offset, victim.offset, what);
      assert.equal(got.error.blockType, victim.type, what);
      assert.ok(describesBlock(got.error.message, victim.type, victim.offset), got.error.message);
      sameEvents(got.events, before, what);
    }
    // Inside the header: the process list's first comm length.
    const pl = blocks.find((b) => b.type === 0x215)!;
    const copy = Buffer.from(full);
    copy.writeUInt16LE(0xffff, pl.offset + 8 + 4 + 24 + 16);
    const p = join(dir, 'comm.scap');
    writeFileSync(p, copy);
    assert.throws(
      () => openCapture(p, COMPAT),
      (e: Error & { blockType?: number; offset?: number }) =>
        e.blockType === 0x215 && e.offset === pl.offset && describesBlock(e.message, 0x215, pl.offset),
    );
    // A block length running past the end of the file, in the header.
    const copy2 = Buffer.from(full);
    copy2.writeUInt32LE(0x7ffffff0, pl.offset + 4);
    writeFileSync(p, copy2);
    assert.throws(() => openCapture(p, COMPAT), /0x215 at offset/);
    // Not a capture at all.
    writeFileSync(p, Buffer.from('hello world, not a capture'));
    assert.throws(() => openCapture(p, COMPAT), /section header/);
  });
});

/** Deterministic PRNG (mulberry32) so a failing mutation can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random corruption never crashes and always names a block', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const rand = rng(20261123);
    for (const name of ['nginx_example0.scap', 'write_tmp_test.scap', 'curl_google_comments.scap']) {
      const full = plainBytes(name);
      for (let iter = 0; iter < 150; iter++) {
        const copy = Buffer.from(full);
        const flips = 1 + Math.floor(rand() * 8);
        for (let k = 0; k < flips; k++) {
          const at = Math.floor(rand() * copy.length);
          // Mostly small perturbations of length-like bytes, sometimes 0xff bursts.
          copy[at] = rand() < 0.5 ? Math.floor(rand() * 256) : 0xff;
        }
        const p = join(dir, `fuzz-${iter}.scap`);
        writeFileSync(p, copy);
        let got: ReadAll;
        try {
          got = readAll(p, { ...COMPAT, batchSize: 97 });
        } catch (e) {
          const err = e as Error & { blockType?: number; offset?: number };
          assert.equal(typeof err.offset, 'number', `${name} #${iter}: ${err.message}`);
          assert.match(err.message, /0x[0-9a-f]+ at offset \d+/, `${name} #${iter}`);
          continue;
        }
        if (got.error !== null) assert.match(got.error.message, /0x[0-9a-f]+ at offset \d+/);
        for (const e of got.events) for (const prm of e.params) assert.ok(prm.length <= 65536);
      }
    }
  });
});

test('unknown metadata blocks are skipped; NOLINKSPEED interfaces read', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const full = plainBytes('nginx_example0.scap');
    const blocks = walkBlocks(full);
    const base = readAll(samplePath('nginx_example0.scap'));
    const il = blocks.find((b) => b.type === 0x205)!;
    // Rewrite the IL V1 entries without link speed (types 3/4), as very old files have them.
    const body = full.subarray(il.offset + 8, il.offset + il.length - 4);
    const entries: Buffer[] = [];
    for (let o = 0; o + 4 <= body.length;) {
      const type = body.readUInt16LE(o);
      const nameLen = body.readUInt16LE(o + 2);
      const addr = type === 1 ? 4 : 16;
      const fixed = 4 + 3 * addr;
      const e = Buffer.concat([
        body.subarray(o, o + fixed),
        body.subarray(o + fixed + 8, o + fixed + 8 + nameLen),
      ]);
      e.writeUInt16LE(type + 2, 0);
      entries.push(e);
      o += fixed + 8 + nameLen;
    }
    const unknown = block(0x2ff, Buffer.from('a block from the future'));
    const bytes = Buffer.concat([
      full.subarray(0, il.offset),
      unknown,
      block(0x205, Buffer.concat(entries)),
      full.subarray(il.offset + il.length),
    ]);
    const p = join(dir, 'old.scap');
    writeFileSync(p, bytes);
    const got = readAll(p);
    assert.equal(got.error, null);
    sameEvents(got.events, base.events, 'with unknown block');
    assert.ok(
      got.header.blocks.some((b) => b.type === 0x2ff),
      'unknown block listed',
    );
    assert.deepEqual(
      got.header.interfaces,
      base.header.interfaces.map((i) => ({ ...i, type: i.type + 2, linkspeed: 0n })),
    );
  });
});

test('V1 NOTIFICATION_E with the 3-byte length quirk', { skip: NO_SAMPLES }, () => {
  withTmp((dir) => {
    const full = plainBytes('nginx_example0.scap');
    const first = walkBlocks(full).find((b) => EVENT_BLOCKS.has(b.type))!;
    // id and desc CHARBUFs; old writers stored len 3 bytes larger than the event.
    const vals = [Buffer.from('id-1\0'), Buffer.from('a notification\0')];
    const ev = Buffer.alloc(22 + 4);
    ev.writeBigUInt64LE(1512419702278188000n, 0);
    ev.writeBigInt64LE(42n, 8);
    ev.writeUInt32LE(22 + 4 + vals[0]!.length + vals[1]!.length + 3, 16);
    ev.writeUInt16LE(280, 20);
    ev.writeUInt16LE(vals[0]!.length, 22);
    ev.writeUInt16LE(vals[1]!.length, 24);
    const blk = block(0x204, Buffer.concat([cpuFlags(3, null), ev, ...vals, Buffer.alloc(3)]));
    const bytes = Buffer.concat([full.subarray(0, first.offset), blk, full.subarray(first.offset)]);
    const p = join(dir, 'notify.scap');
    writeFileSync(p, bytes);
    const got = readAll(p);
    assert.equal(got.error, null, got.error?.message);
    const n = got.events[0]!;
    assert.equal(n.type, 280);
    assert.equal(n.cpu, 3);
    assert.deepEqual(n.params, vals);
    assert.equal(got.events.length, readAll(samplePath('nginx_example0.scap')).events.length + 1);
  });
});
