// memcachelog on a capture built for it (memcached text protocol over TCP on :11211), against the
// live sysdig 0.29.3: requests read by memcached and written by a client, odd words, numbers Lua
// parses, and the errors the Lua raises (a `set` filter without a size, a command-line filter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { differences, haveSysdig } from './testing/oracle.js';
import { FdKind, TestCapture, ipv4Bytes } from './testing/capture.js';

const skip = !haveSysdig && 'sysdig not installed';
const dir = mkdtempSync(join(tmpdir(), 'capsight-memcache-'));

function memcacheCapture(): TestCapture {
  const c = new TestCapture();
  c.proc({ pid: 1, tid: 1, ptid: 0, comm: 'systemd' });
  c.proc({ pid: 500, ptid: 1, comm: 'memcached' });
  c.proc({ pid: 600, ptid: 1, comm: 'php' });
  const conn = {
    kind: FdKind.IPV4_SOCK,
    sip: ipv4Bytes('10.0.0.7'),
    sport: 40000,
    dip: ipv4Bytes('10.0.0.5'),
    dport: 11211,
    l4proto: 6,
  };
  c.fd(500, 30, conn);
  c.fd(600, 9, conn);
  const requests = [
    'get foo\r\n',
    'set bar 0 900 5\r\n',
    'set big 0 0 2048 noreply',
    'gets a b c\r\n',
    'get\r\n',
    'delete foo\r\n',
    'set  double 0 0 7',
    'settle x y z 12',
    'get k 1 2 0x10',
    'set s 0 0 1e3',
    'set t 0 0 2.5',
  ];
  for (const r of requests) {
    const d = Buffer.from(r);
    c.call(500, 'read', { fd: 30, size: 2048 }, { res: d.length, data: d });
    c.call(500, 'write', { fd: 30, size: 5 }, { res: 5, data: Buffer.from('END\r\n') });
    c.call(600, 'write', { fd: 9, size: d.length }, { res: d.length, data: d });
  }
  c.call(500, 'close', { fd: 31 }, { res: -9 });
  return c;
}

test('memcachelog prints (and fails) as in sysdig', { skip }, () => {
  const file = memcacheCapture().save(join(dir, 'memcache.scap'));
  assert.deepEqual(
    differences(file, [
      ['-c', 'memcachelog'],
      ['-c', 'memcachelog', 'get'],
      ['-c', 'memcachelog', 'set 100'],
      ['-c', 'memcachelog', 'set'],
      ['-c', 'memcachelog', 'gets'],
      ['-c', 'memcachelog', 'proc.name=php'],
      ['-A', '-c', 'memcachelog'],
    ]),
    [],
  );
});
