// Less common sysdig options on real captures, against the live sysdig 0.29.3 (skipped without it
// or without ../shared/samples): -M (capture duration) with filters, -n, -S and chisels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { differences, haveSysdig, capsight, sysdig } from './testing/oracle.js';
import { repoRoot } from '../scripts/repo-root.js';
import { TestCapture } from './testing/capture.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const samples = resolve(repoRoot(), '..', 'shared', 'samples');
const skip = !haveSysdig ? 'sysdig not installed' : !existsSync(samples) ? 'no ../shared/samples' : false;

test('-M stops at the first event that far past the first shown one, as sysdig does', { skip }, () => {
  for (const name of ['502Error.scap', 'nginx_example0.scap', 'sample.scap']) {
    assert.deepEqual(
      differences(join(samples, name), [
        ['-M', '1'],
        ['-M', '1.9', '-n', '100'],
        ['-M', '2x', 'proc.name=curl or evt.type=accept'],
        ['-M', '1', '-S', '-q'],
        ['-M', '1', '-c', 'echo_fds'],
        ['-M', '3', '-c', 'iobytes_net'],
        ['-M', '0'],
      ]),
      [],
      name,
    );
  }
});

test('-E leaves the user and group tables out; -P prints nothing more on stdout', { skip }, () => {
  for (const name of ['sample.scap', 'run_as_user_0_container.scap']) {
    assert.deepEqual(
      differences(join(samples, name), [
        ['-E', '-p', '*%evt.num %user.name %group.name %user.uid %user.homedir %user.shell %user.loginname'],
        ['-E', '-j', '-p', '%user.name %group.name', 'evt.type=execve'],
        ['-E', '-n', '50', 'user.name=root or user.uid=0'],
        ['-E', '-c', 'spy_users'],
        ['-P', '-n', '20'],
      ]),
      [],
      name,
    );
  }
});

test('-R names ports from the services database in fd names and socket parameters', { skip }, () => {
  for (const name of ['502Error.scap', 'example4-1.scap', 'nginx_example5.scap', 'test_ipv6_client.scap']) {
    assert.deepEqual(
      differences(join(samples, name), [
        ['-R'],
        ['-R', '-j', '-n', '300'],
        ['-R', '-p', '%fd.name %fd.sport %evt.args', 'fd.type=ipv4 or fd.type=ipv6'],
        ['-R', '-c', 'netstat'],
        ['-R', '-c', 'lsof'],
      ]),
      [],
      name,
    );
  }
});

test('several -r files are read in turn: own numbering and -n each, one -S table', { skip }, () => {
  const [a, b, c] = ['ping_sendto.scap', 'syscall.scap', 'nginx_example0.scap'].map((n) => join(samples, n));
  const bad: string[] = [];
  for (const args of [
    ['-r', a!, '-r', b!],
    ['-r', a!, '-r', b!, '-S', '-q'],
    ['-r', b!, '-r', a!, '-n', '200'],
    ['-r', a!, '-r', b!, '-r', c!, '-p', '%evt.num %proc.name %fd.name', 'evt.dir=<'],
    ['-r', c!, '-r', a!, '-S', '-t', 'r'],
  ]) {
    const want = sysdig(args);
    const got = capsight(args);
    if (got.stdout !== want.stdout || got.status !== want.status) bad.push(args.join(' '));
  }
  assert.deepEqual(bad, []);
});

test(
  '-R names a bound port by the protocol of its socket (514: syslog over UDP, shell over TCP)',
  { skip: !haveSysdig && 'sysdig not installed' },
  () => {
    const c = new TestCapture();
    c.proc({ pid: 1, tid: 1, ptid: 0, comm: 'systemd' });
    c.proc({ pid: 300, ptid: 1, comm: 'rsyslogd' });
    for (const [fd, type, proto] of [
      [5, 2, 17],
      [6, 1, 6],
    ] as const) {
      c.call(300, 'socket', { domain: 2, type, proto }, { fd });
      c.call(300, 'bind', { fd }, { res: 0, addr: { family: 'inet', ip: '0.0.0.0', port: 514 } });
      c.call(300, 'close', { fd: 99 }, { res: -9 });
    }
    const file = c.save(join(mkdtempSync(join(tmpdir(), 'capsight-ports-')), 'bind.scap'));
    assert.deepEqual(differences(file, [['-R', '-p', '%evt.num %evt.type %fd.name %evt.args']]), []);
  },
);

test('-M needs a positive whole number of seconds', () => {
  const r = capsight(['-r', 'x.scap', '-M', 'abc']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'invalid durationabc\n');
});

test(
  '-n reads as sinsp_numparser (blanks, sign, wrap modulo 2^64); -s as atoi; -T changes nothing',
  { skip },
  () => {
    const file = join(samples, 'sample.scap');
    assert.deepEqual(
      differences(file, [
        ['-n', '-1'],
        ['-n', '+5'],
        ['-n', ' 10'],
        ['-n', '\t7'],
        ['-n', '10 '],
        ['-n', '-0'],
        ['-n', '99999999999999999999999'],
        ['-n', '-18446744073709551614'],
        ['-n', '0x10'],
        ['-s', 'abc', '-n', '10'],
        ['-s', '-5', '-n', '10'],
        ['-T', '-n', '30'],
      ]),
      [],
    );
  },
);

test(
  '-D prints internal events too, and a filter lets them through unless it is a display filter',
  { skip },
  () => {
    for (const name of ['sample.scap', 'connect_localhost.scap']) {
      assert.deepEqual(
        differences(join(samples, name), [
          ['-D'],
          ['-D', '-n', '100', 'evt.type=read'],
          ['-D', 'proc.name=systemd'],
          ['-D', '-p', '%evt.num:%proc.name', 'evt.dir=<'],
          ['-Dq', '-S', 'evt.type=open'],
          ['-d', '-D', 'proc.name=bash'],
          ['-D', '-c', 'echo_fds', 'proc.name=sshd'],
          ['-D', '-c', 'bottlenecks', 'proc.name=sshd'],
        ]),
        [],
        name,
      );
      // Internal events the filter rejects reach the chisel too (topscalls counts procinfo).
      const args = ['-r', join(samples, name), '-D', '-c', 'topscalls', 'proc.name=sshd'];
      const rows = (s: string): string[] => s.split('\n').sort();
      assert.deepEqual(rows(capsight(args).stdout), rows(sysdig(args).stdout), name);
    }
  },
);

test('-l with -v (-lv, -vl, -l -v) puts each field type before its description, as sysdig', { skip }, () => {
  for (const args of [['-lv'], ['-vl'], ['-l', '-v'], ['-l']]) {
    const want = sysdig(args);
    const got = capsight(args);
    assert.equal(got.status, want.status, args.join(' '));
    assert.equal(got.stdout, want.stdout, args.join(' '));
  }
});

test(
  '-d: a display filter runs on the printed lines only (-n, -S, state see every event; chisels ignore it)',
  { skip },
  () => {
    for (const name of ['sample.scap', 'httpd.scap', 'write_tmp_test.scap']) {
      assert.deepEqual(
        differences(join(samples, name), [
          ['-d', '-S', 'evt.type=read'],
          ['-d', '-n', '200', 'proc.name=sshd'],
          ['-d', '-S', '-q', 'evt.dir=<'],
          ['-d', '-p', '%evt.num %fd.name', 'fd.type=file'],
          ['-d', 'evt.deltatime>1000000'],
          ['-d', '-c', 'spy_file', 'proc.name=nginx'],
          ['-d', '-c', 'fileslower', '0', 'evt.type=read'],
          ['-d', '-c', 'lsof', 'proc.name=sshd'],
          ['-d', '-c', 'echo_fds', 'bad('],
        ]),
        [],
        name,
      );
    }
  },
);

test('iobytes*: an interval crossed before any event passed the filter is a chisel error', { skip }, () => {
  for (const name of ['sample.scap', 'curl_google.scap', 'nginx_example5.scap']) {
    assert.deepEqual(
      differences(join(samples, name), [
        ['-c', 'iobytes', 'proc.name=nginx'],
        ['-c', 'iobytes_net', 'proc.name=curl'],
        ['-c', 'iobytes_file', 'evt.type=open'],
        ['-c', 'iobytes', 'evt.type=switch'],
      ]),
      [],
      name,
    );
  }
});

test(
  '-U drops the events of threads spawned with that command and their descendants, unnumbered',
  { skip },
  () => {
    for (const name of ['sample.scap', 'curl_google.scap', 'cat_write.scap']) {
      assert.deepEqual(
        differences(join(samples, name), [
          ['-U', 'sshd'],
          ['-U', 'bash', '-n', '300'],
          ['-U', 'curl', '-p', '%evt.num:%proc.name', 'evt.num>100'],
          ['-U', 'sshd', '-U', 'bash', '-S', '-q'],
          ['-U', 'sshd', '-c', 'echo_fds'],
          ['-U', 'curl', '-c', 'spy_file'],
        ]),
        [],
        name,
      );
    }
  },
);

test(
  '--filter-proclist needs a filter (the -S table still prints) and changes nothing without -w',
  { skip },
  () => {
    assert.deepEqual(
      differences(join(samples, 'sample.scap'), [
        ['--filter-proclist'],
        ['--filter-proclist', '-S'],
        ['--filter-proclist', 'evt.type=read'],
        ['--filter-proclist', '-c', 'fileslower', '0'],
        ['--filter-proclist', '-S', '-c', 'topscalls'],
        ['--filter-proclist', '-c', 'topscalls', 'evt.type=read'],
      ]),
      [],
    );
  },
);
