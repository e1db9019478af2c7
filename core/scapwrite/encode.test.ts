// Encoders against layouts stated in SCAP_FORMAT.md and seen in real captures, plus the block
// types no sample contains (EVF_V2 with flags, *_LARGE) read back through the native reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FdKind, type CaptureHeader } from '../capture.js';
import { EVENTS, PPME, PT } from '../schema/index.js';
import { openCapture, readerOptionsFor, scanBlocks } from '../../native/index.js';
import { ByteWriter } from './bytes.js';
import { BLOCK } from './blocktypes.js';
import { writeFdList, writeInterfaceList, writeProcEntry } from './blocks.js';
import { ipv4Bytes, ipv6Bytes } from './ip.js';
import { encodeParam } from './params.js';
import { ScapWriter, concatChunks, encodeCapture, type RawEvent } from './writer.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('SOCKTUPLE inet: family, sip, sport (LE), dip, dport — the connect_localhost bytes', () => {
  // SCAP_FORMAT.md §3.1: `02 7f000001 58b8 7f000001 5000` prints 127.0.0.1:47192->127.0.0.1:80.
  const b = encodeParam(
    { type: PT.SOCKTUPLE },
    { family: 'inet', sip: '127.0.0.1', sport: 47192, dip: '127.0.0.1', dport: 80 },
  );
  assert.equal(hex(b), '027f00000158b87f0000015000');
});

test('SOCKADDR inet6 and unix; SOCKTUPLE unix', () => {
  // single_ipv6_conn BIND_X: `0a 2001:db8::3 d204` prints 2001:db8::3:1234.
  const a6 = encodeParam({ type: PT.SOCKADDR }, { family: 'inet6', ip: '2001:db8::3', port: 1234 });
  assert.equal(hex(a6), '0a' + '20010db8000000000000000000000003' + 'd204');
  const un = encodeParam({ type: PT.SOCKADDR }, { family: 'unix', path: '/dev/log' });
  assert.equal(hex(un), '01' + Buffer.from('/dev/log\0').toString('hex'));
  const tu = encodeParam(
    { type: PT.SOCKTUPLE },
    { family: 'unix', source: 0n, dest: 0xffff94dc817b9400n, path: '/var/run/nscd/socket' },
  );
  assert.equal(tu.length, 17 + '/var/run/nscd/socket'.length + 1);
  assert.equal(hex(tu.subarray(9, 17)), '00947b81dc94ffff');
  assert.equal(encodeParam({ type: PT.SOCKTUPLE }, null).length, 0);
});

test('integers, errno, strings, buffers, fd lists, dyn', () => {
  assert.equal(hex(encodeParam({ type: PT.ERRNO }, -11)), 'f5ffffffffffffff');
  assert.equal(hex(encodeParam({ type: PT.FD }, -100)), '9cffffffffffffff');
  assert.equal(hex(encodeParam({ type: PT.UINT32 }, 0xfd00)), '00fd0000');
  assert.equal(hex(encodeParam({ type: PT.FLAGS16 }, 129)), '8100');
  assert.equal(hex(encodeParam({ type: PT.UID }, 0xffffffff)), 'ffffffff');
  assert.equal(hex(encodeParam({ type: PT.RELTIME }, 1_000_000_000n)), '00ca9a3b00000000');
  assert.equal(hex(encodeParam({ type: PT.FSPATH }, '/etc')), '2f65746300');
  assert.equal(hex(encodeParam({ type: PT.BYTEBUF }, 'ab')), '6162');
  assert.equal(hex(encodeParam({ type: PT.CHARBUF }, null)), '');
  assert.equal(
    hex(encodeParam({ type: PT.FDLIST }, [{ fd: 3, flags: 1 }])),
    '0100' + '0300000000000000' + '0100',
  );
  assert.equal(hex(encodeParam({ type: PT.IPV4ADDR }, '10.0.1.20')), '0a000114');
  // Raw bytes pass through for fixed-size types (re-export of decoded parameters).
  assert.equal(hex(encodeParam({ type: PT.UINT64 }, Uint8Array.from([1, 2]))), '0102');
  const dyn = EVENTS[PPME.SOCKET_SETSOCKOPT_X]?.params.find((p) => p.name === 'val');
  assert.ok(dyn?.dyn, 'setsockopt val is PT_DYN');
  const idx = dyn.dyn.findIndex((d) => d.type === PT.UINT32);
  assert.ok(idx >= 0);
  assert.equal(
    hex(encodeParam(dyn, { index: idx, value: 1 })),
    idx.toString(16).padStart(2, '0') + '01000000',
  );
  assert.throws(() => encodeParam(dyn, { index: 99, value: 1 }), RangeError);
  assert.throws(() => encodeParam({ type: PT.UINT32 }, 'x'), TypeError);
});

test('IPv6 text forms', () => {
  assert.equal(hex(ipv6Bytes('::')), '0'.repeat(32));
  assert.equal(hex(ipv6Bytes('::1')), '0'.repeat(31) + '1');
  assert.equal(hex(ipv6Bytes('fe80::5054:ff:fe3a:9c21')), 'fe80000000000000505400fffe3a9c21');
  assert.equal(hex(ipv6Bytes('::ffff:10.0.1.20')), '00000000000000000000ffff0a000114');
  assert.throws(() => ipv6Bytes('1::2::3'));
  assert.throws(() => ipv4Bytes('1.2.3.256'));
});

test('IL_V2 entry length excludes itself: "lo" IPv4 entry is 26', () => {
  const w = new ByteWriter();
  writeInterfaceList(w, [
    {
      type: 1,
      name: 'lo',
      addr: ipv4Bytes('127.0.0.1'),
      netmask: ipv4Bytes('255.0.0.0'),
      bcast: ipv4Bytes('127.0.0.1'),
      linkspeed: 0n,
    },
  ]);
  const b = w.toBytes();
  const dv = new DataView(b.buffer);
  assert.equal(dv.getUint32(0, true), BLOCK.IL_V2);
  assert.equal(dv.getUint32(8, true), 26);
  assert.equal(dv.getUint32(4, true), b.length);
  assert.equal(b.length % 4, 0);
  assert.equal(dv.getUint32(b.length - 4, true), b.length, 'trailer repeats the length');
});

test('PL_V9 entries carry sysdig’s 5-byte tail; FDL_V2 entry lengths include themselves', () => {
  const w = new ByteWriter();
  writeProcEntry(w, {
    tid: 1,
    pid: 1,
    ptid: 0,
    sid: 1,
    vpgid: 1,
    comm: 'init',
    exe: 'init',
    exepath: '/sbin/init',
    args: ['a', 'b'],
    cwd: '/',
    fdlimit: 1024,
    flags: 0,
    uid: 0,
    gid: 0,
    vmsizeKb: 1,
    vmrssKb: 1,
    vmswapKb: 0,
    pfmajor: 0,
    pfminor: 0,
    env: [],
    vtid: 1,
    vpid: 1,
    cgroups: [],
    root: '/',
    loginuid: 0xffffffff,
  });
  const b = w.toBytes();
  assert.equal(new DataView(b.buffer).getUint32(0, true), b.length);
  assert.equal(hex(b.subarray(b.length - 5)), 'ffffffff00');
  assert.ok(hex(b).includes(Buffer.from('a\0b\0').toString('hex')), 'args NUL-terminated each');

  const f = new ByteWriter();
  writeFdList(f, {
    tid: 7,
    fds: [
      { fd: 3, ino: 9n, kind: FdKind.FILE_V2, name: '/x', openFlags: 1, dev: 0xfd00 },
      {
        fd: 4,
        ino: 0n,
        kind: FdKind.IPV4_SERVSOCK,
        name: '',
        openFlags: 0,
        dev: 0,
        sip: ipv4Bytes('0.0.0.0'),
        sport: 80,
        l4proto: 2,
      },
      { fd: 5, ino: 0n, kind: FdKind.UNKNOWN, name: '', openFlags: 0, dev: 0 },
    ],
  });
  const fb = f.toBytes();
  const dv = new DataView(fb.buffer);
  assert.equal(dv.getUint32(0, true), BLOCK.FDL_V2);
  // body: tid, then entry 1 (4+8+8+1+4+2+2+4 = 33), entry 2 (4+8+8+1+4+2+1 = 28); UNKNOWN dropped.
  assert.equal(dv.getUint32(16, true), 33);
  assert.equal(dv.getUint32(16 + 33, true), 28);
  // 8 header + 8 tid + 33 + 28 = 77, padded to 80, + 4 trailer.
  assert.equal(fb.length, 84);
});

const ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
})();
const HAVE_NATIVE = existsSync(join(ROOT, 'native', 'build', 'Release', 'scap_reader.node'));

test(
  'EVF_V2 (state-only flag) and *_LARGE blocks read back through the native reader',
  { skip: !HAVE_NATIVE && 'native reader not built' },
  () => {
    const header: CaptureHeader = {
      major: 1,
      minor: 2,
      machine: {
        numCpus: 2,
        memorySizeBytes: 1n << 30n,
        maxPid: 0n,
        hostname: 'h',
        bootTsEpoch: 0n,
        flags: 0n,
      },
      procs: [],
      fdlists: [],
      interfaces: [],
      users: [],
      groups: [],
      blocks: [],
    };
    const big = new Uint8Array(70000).fill(0x41);
    const closeX = EVENTS[PPME.SYSCALL_CLOSE_X];
    const plugin = EVENTS[PPME.PLUGINEVENT_E];
    assert.ok(closeX && plugin);
    const events: RawEvent[] = [
      { type: PPME.SYSCALL_CLOSE_E, ts: 1000n, tid: 5n, cpu: 0, params: [encodeParam({ type: PT.FD }, 3)] },
      {
        type: PPME.SYSCALL_CLOSE_X,
        ts: 1001n,
        tid: 5n,
        cpu: 1,
        flags: 1,
        params: [encodeParam({ type: PT.ERRNO }, 0)],
      },
      {
        type: PPME.PLUGINEVENT_E,
        ts: 1002n,
        tid: 5n,
        cpu: 1,
        params: [encodeParam({ type: PT.UINT32 }, 999), big],
      },
      {
        type: PPME.PLUGINEVENT_E,
        ts: 1003n,
        tid: 5n,
        cpu: 0,
        flags: 1,
        params: [encodeParam({ type: PT.UINT32 }, 1), big.subarray(0, 10)],
      },
    ];
    const bytes = encodeCapture(header, events);
    const dir = mkdtempSync(join(tmpdir(), 'capsight-scapwrite-'));
    try {
      const path = join(dir, 'f.scap');
      writeFileSync(path, bytes);
      const types = scanBlocks(path).blocks.map((b) => b.type);
      assert.deepEqual(types, [
        BLOCK.SHB,
        BLOCK.MI,
        BLOCK.EV_V2,
        BLOCK.EVF_V2,
        BLOCK.EV_V2_LARGE,
        BLOCK.EVF_V2_LARGE,
      ]);
      const r = openCapture(path, readerOptionsFor(EVENTS));
      const b = r.next();
      r.close();
      assert.ok(b);
      assert.equal(b.count, 4);
      assert.deepEqual([...b.flags], [0, 1, 0, 1]);
      assert.deepEqual([...b.cpu], [0, 1, 1, 0]);
      assert.deepEqual([...b.ts], [1000n, 1001n, 1002n, 1003n]);
      assert.equal(b.paramLen[(b.paramBase[2] ?? 0) + 1], 70000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A non-LARGE event that would not fit libscap's 64 KiB read buffer is refused.
    assert.throws(
      () =>
        encodeCapture(header, [
          { type: PPME.SYSCALL_READ_X, ts: 1n, tid: 1n, cpu: 0, params: [new Uint8Array(8), big] },
        ]),
      RangeError,
    );
  },
);

test(
  'writeBatch copies events straight from a batch, optionally shifted in time',
  { skip: !HAVE_NATIVE && 'native reader not built' },
  () => {
    const header: CaptureHeader = {
      major: 1,
      minor: 2,
      machine: null,
      procs: [],
      fdlists: [],
      interfaces: [],
      users: [],
      groups: [],
      blocks: [],
    };
    const events: RawEvent[] = [1n, 2n, 3n].map((ts) => ({
      type: PPME.SYSCALL_CLOSE_E,
      ts,
      tid: 9n,
      cpu: 1,
      params: [encodeParam({ type: PT.FD }, Number(ts))],
    }));
    const dir = mkdtempSync(join(tmpdir(), 'capsight-scapwrite-'));
    try {
      const a = join(dir, 'a.scap');
      writeFileSync(a, encodeCapture(header, events));
      const r = openCapture(a, readerOptionsFor(EVENTS));
      const batch = r.next();
      assert.ok(batch);
      const chunks: Uint8Array[] = [];
      const w = new ScapWriter({ sink: (c) => chunks.push(c) });
      w.writeHeader(r.header);
      w.writeBatch(batch);
      w.writeBatch(batch, 1, 3, 1_000n);
      w.close();
      r.close();
      const b = join(dir, 'b.scap');
      writeFileSync(b, concatChunks(chunks));
      const r2 = openCapture(b, readerOptionsFor(EVENTS));
      const out = r2.next();
      r2.close();
      assert.ok(out);
      assert.deepEqual([...out.ts], [1n, 2n, 3n, 1002n, 1003n]);
      assert.deepEqual([...out.paramLen], [8, 8, 8, 8, 8]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
