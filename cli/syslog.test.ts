// Writes to /dev/log: the syslog.* fields and the spy_syslog chisel on a capture built for them
// (no public sample holds any), against the live sysdig 0.29.3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { differences, haveSysdig } from './testing/oracle.js';
import { FdKind, TestCapture } from './testing/capture.js';

const skip = !haveSysdig && 'sysdig not installed';
const dir = mkdtempSync(join(tmpdir(), 'capsight-syslog-'));

/** Two loggers writing well-formed, odd and broken syslog lines to /dev/log in every way. */
function syslogCapture(valid: boolean): TestCapture {
  const c = new TestCapture();
  c.proc({ pid: 1, tid: 1, ptid: 0, comm: 'systemd' });
  c.proc({ pid: 200, ptid: 1, comm: 'logger' });
  c.proc({ pid: 300, ptid: 1, comm: 'app' });
  c.fd(200, 3, { kind: FdKind.UNIX_SOCK, name: '/dev/log', source: 0xffff0001n, dest: 0xffff0002n });
  c.fd(300, 4, { kind: FdKind.UNIX_SOCK, name: '/dev/log', source: 0xffff0003n, dest: 0xffff0002n });
  c.fd(300, 5, { kind: FdKind.FILE_V2, name: '/var/log/app.log' });
  const good = [
    '<13>Nov 23 10:00:00 logger: hello',
    '<86>Nov 23 10:00:01 sshd[12]: Accepted password for alice',
    '<3>kernel-ish error',
    '<12>a warning',
    '<191>local7 debug',
    '<0>',
    '<165>multi\nline\nmessage',
    '<14>with\ttab and ünïcode',
  ];
  const bad = ['<>empty pri', '<abc>letters', 'no pri at all', '<5', '<1234567>long pri', '<13a>mixed'];
  let k = 0;
  for (const m of valid ? good : [...good, ...bad]) {
    const tid = k % 2 === 0 ? 200 : 300;
    const fd = tid === 200 ? 3 : 4;
    const via = ['write', 'sendto', 'writev', 'sendmsg'][k % 4]!;
    const data = Buffer.from(m, 'utf8');
    if (via === 'write' || via === 'writev')
      c.call(tid, via, { fd, size: data.length }, { res: data.length, data });
    else c.call(tid, via, { fd, size: data.length, tuple: null }, { res: data.length, data });
    k++;
  }
  // A socket connected to /dev/log (the connect callbacks), a datagram socket whose sendto names
  // /dev/log (a tuple change), a dup of it, and a file opened as .../dev/log.
  c.call(300, 'socket', { domain: 1, type: 2, proto: 0 }, { fd: 6 });
  c.call(
    300,
    'connect',
    { fd: 6, addr: { family: 'unix', path: '/dev/log' } },
    { res: 0, tuple: { family: 'unix', source: 0xffff0010n, dest: 0xffff0002n, path: '/dev/log' } },
  );
  c.call(300, 'write', { fd: 6, size: 12 }, { res: 12, data: Buffer.from('<9>connected') });
  c.call(300, 'socket', { domain: 1, type: 2, proto: 0 }, { fd: 7 });
  const dgram = Buffer.from('<38>via sendto tuple');
  c.call(
    300,
    'sendto',
    {
      fd: 7,
      size: dgram.length,
      tuple: { family: 'unix', source: 0xffff0011n, dest: 0xffff0002n, path: '/dev/log' },
    },
    { res: dgram.length, data: dgram },
  );
  c.call(300, 'write', { fd: 7, size: 9 }, { res: 9, data: Buffer.from('<38>again') });
  c.call(300, 'dup', { fd: 7 }, { res: 8 });
  c.call(300, 'write', { fd: 8, size: 7 }, { res: 7, data: Buffer.from('<38>dup') });
  const odd = [
    'X13>first byte is not checked',
    '<-5>negative',
    '<->dash only',
    '<-1>minus one',
    '<13>a\0after nul',
    '<123456789012345678>huge',
  ];
  if (!valid)
    for (const m of odd)
      c.call(300, 'write', { fd: 8, size: m.length }, { res: m.length, data: Buffer.from(m) });
  // Not syslog: a failed write, a write to a log file, a read on the socket.
  c.call(300, 'write', { fd: 4, size: 5 }, { res: -32, data: Buffer.from('<13>x') });
  c.call(300, 'write', { fd: 5, size: 10 }, { res: 10, data: Buffer.from('<13>file\n') });
  c.call(200, 'read', { fd: 3, size: 100 }, { res: 9, data: Buffer.from('<14>read!') });
  c.call(200, 'write', { fd: 3, size: 9 }, { res: 9, data: Buffer.from('<30>last.') });
  return c;
}

const FIELDS =
  '*%evt.num %evt.type %evt.is_syslog %syslog.facility.str %syslog.facility %syslog.severity.str %syslog.severity %syslog.message';

test('syslog.* fields and spy_syslog print as in sysdig', { skip }, () => {
  const file = syslogCapture(true).save(join(dir, 'syslog.scap'));
  assert.deepEqual(
    differences(file, [
      [],
      ['-p', FIELDS],
      ['-p', FIELDS, 'evt.is_syslog=true'],
      ['-p', '%evt.num %syslog.message', 'syslog.severity<4'],
      ['-c', 'spy_syslog'],
      ['-c', 'spy_syslog', 'proc.name=app'],
      ['-pc', '-c', 'spy_syslog'],
      ['-j'],
      ['-c', 'spy_syslog', `${join(dir, 'dump.scap')} 100`, 'proc.name=app'],
      [
        '-p',
        '%evt.num %evt.type %syslog.severity',
        'evt.type=sendto or evt.type=sendmsg or syslog.facility=1',
      ],
    ]),
    [],
  );
});

test(
  'syslog lines sysdig cannot decode or decodes oddly: fields, evt.info and spy_syslog (nil)',
  { skip },
  () => {
    const file = syslogCapture(false).save(join(dir, 'syslog-bad.scap'));
    assert.deepEqual(
      differences(file, [[], ['-p', FIELDS], ['-c', 'spy_syslog'], ['-pc', '-c', 'spy_syslog']]),
      [],
    );
  },
);
