// Captures made for the differential tests against sysdig: each exercises what real captures
// rarely hold (odd fd types, failed calls, UTF-8 and control bytes, very long strings).
import { FdKind, flagBits, ipv4Bytes, ipv6Bytes, nulList, TestCapture, type Vals } from './capture.js';

/** clone flags of a new thread (pthread_create) and of a vfork. */
const THREAD_FLAGS = flagBits('clone', 'flags', [
  'CLONE_VM',
  'CLONE_FS',
  'CLONE_FILES',
  'CLONE_SIGHAND',
  'CLONE_THREAD',
]);
const VFORK_FLAGS = flagBits('clone', 'flags', ['CLONE_VM', 'CLONE_VFORK']);

/**
 * A process with UTF-8 names (header and events) using every fd type: sockets of each family and
 * protocol, pipes, eventfd, signalfd, timerfd, inotify, netlink; dup/fcntl copies, failed and
 * relative opens, renames, threads, fork + failed and successful execve, vfork, clone3, an unknown
 * thread, paths longer than libsinsp's 1024-byte text buffer.
 */
export function fdZoo(): TestCapture {
  const c = new TestCapture();
  const AT = -100;
  const P = 100;
  c.proc({
    pid: 1,
    tid: 1,
    ptid: 0,
    comm: 'systemd',
    exe: '/sbin/init',
    exepath: '/usr/lib/systemd/systemd',
    args: ['--system'],
  });
  c.proc({
    pid: P,
    ptid: 1,
    comm: 'café-srv',
    exe: '/opt/ünï/bin/café-srv',
    exepath: '/opt/ünï/bin/café-srv',
    args: ['--naïve', 'x y', ''],
    cwd: '/srv/dätä/',
    env: ['LANG=C.UTF-8', 'X=ü'],
    uid: 1000,
    gid: 1000,
    loginuid: 1000,
  });
  c.proc({
    pid: P,
    tid: P + 1,
    ptid: 1,
    comm: 'café-srv',
    exe: '/opt/ünï/bin/café-srv',
    args: ['--naïve'],
    cwd: '/srv/dätä/',
    uid: 1000,
    gid: 1000,
    flags: (1 << 13) | 1,
  });
  for (const fd of [0, 1, 2]) c.fd(P, fd, { kind: FdKind.FILE_V2, name: '/dev/pts/0', openFlags: 0x802 });
  c.fd(P, 3, { kind: FdKind.IPV6_SERVSOCK, sip: ipv6Bytes('::'), sport: 8443, l4proto: 2 });
  c.fd(P, 4, { kind: FdKind.UNIX_SOCK, name: '/run/ü.sock', source: 0xffff888001n, dest: 0xffff888002n });
  c.fd(P, 5, { kind: FdKind.FIFO, name: 'pipe:[1234]' });
  c.fd(P, 6, { kind: FdKind.EVENT, name: '' });
  c.fd(P, 7, { kind: FdKind.SIGNALFD, name: '' });
  c.fd(P, 8, { kind: FdKind.EVENTPOLL, name: '' });
  c.fd(P, 9, { kind: FdKind.INOTIFY, name: 'inotify' });
  c.fd(P, 10, { kind: FdKind.TIMERFD, name: '' });
  c.fd(P, 11, { kind: FdKind.NETLINK, name: '' });
  c.fd(P, 12, { kind: FdKind.DIRECTORY, name: '/srv/dätä' });
  c.fd(P, 13, {
    kind: FdKind.IPV4_SOCK,
    sip: ipv4Bytes('10.0.0.5'),
    sport: 53,
    dip: ipv4Bytes('8.8.8.8'),
    dport: 53,
    l4proto: 3,
  });
  c.fd(P, 14, {
    kind: FdKind.IPV6_SOCK,
    sip: ipv6Bytes('2001:db8::1'),
    sport: 40000,
    dip: ipv6Bytes('2001:db8::2'),
    dport: 443,
    l4proto: 2,
  });
  c.fd(P, 15, { kind: FdKind.IPV4_SERVSOCK, sip: ipv4Bytes('0.0.0.0'), sport: 8080, l4proto: 2 });
  c.fd(P, 16, { kind: FdKind.UNSUPPORTED, name: '' });
  c.fd(P, 17, { kind: FdKind.FILE, name: '/var/log/café.log', openFlags: 0x442 });
  const T = P + 1;
  // I/O on each pre-existing fd
  for (let fd = 0; fd <= 17; fd++) {
    c.call(P, 'read', { fd, size: 100 }, { res: 5, data: 'abc\n\0' });
    c.call(T, 'write', { fd, size: 4 }, { res: fd % 3 === 0 ? -11 : 4, data: 'xyz\n' }, 1);
  }
  // sockets created by events
  c.call(P, 'socket', { domain: 10, type: 1, proto: 0 }, { fd: 20 });
  c.call(
    P,
    'connect',
    { fd: 20, addr: { family: 'inet6', ip: '2001:db8::9', port: 443 } },
    { res: 0, tuple: { family: 'inet6', sip: '2001:db8::1', sport: 50000, dip: '2001:db8::9', dport: 443 } },
  );
  c.call(P, 'write', { fd: 20, size: 5 }, { res: 5, data: 'hello' });
  c.call(P, 'socket', { domain: 2, type: 2, proto: 17 }, { fd: 21 });
  c.call(
    P,
    'sendto',
    { fd: 21, size: 12, tuple: { family: 'inet', sip: '0.0.0.0', sport: 0, dip: '10.0.0.53', dport: 53 } },
    { res: 12, data: Buffer.from([0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]) },
  );
  c.call(
    P,
    'recvfrom',
    { fd: 21, size: 512 },
    {
      res: 12,
      data: Buffer.from([0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]),
      tuple: { family: 'inet', sip: '10.0.0.53', sport: 53, dip: '10.0.0.5', dport: 39999 },
    },
  );
  c.call(P, 'socket', { domain: 1, type: 1, proto: 0 }, { fd: 22 });
  c.call(
    P,
    'connect',
    { fd: 22, addr: { family: 'unix', path: '/var/run/dbus/system_bus_socket' } },
    {
      res: 0,
      tuple: {
        family: 'unix',
        source: 0xffff9001n,
        dest: 0xffff9002n,
        path: '/var/run/dbus/system_bus_socket',
      },
    },
  );
  c.call(P, 'sendmsg', { fd: 22, size: 3, tuple: null }, { res: 3, data: 'AUT' });
  c.call(P, 'socket', { domain: 16, type: 3, proto: 0 }, { fd: 23 });
  c.call(P, 'bind', { fd: 23 }, { res: 0, addr: null });
  c.call(P, 'sendmsg', { fd: 23, size: 20, tuple: null }, { res: 20, data: Buffer.alloc(20, 1) });
  c.call(P, 'recvmsg', { fd: 23 }, { res: 20, size: 20, data: Buffer.alloc(20, 2), tuple: null });
  c.call(
    P,
    'socketpair',
    { domain: 1, type: 1, proto: 0 },
    { res: 0, fd1: 24, fd2: 25, source: 0xffffa001n, peer: 0xffffa002n },
  );
  c.call(P, 'write', { fd: 24, size: 2 }, { res: 2, data: 'hi' });
  c.call(P, 'read', { fd: 25, size: 2 }, { res: 2, data: 'hi' });
  c.call(P, 'pipe', {}, { res: 0, fd1: 26, fd2: 27, ino: 5555 });
  c.call(P, 'write', { fd: 27, size: 3 }, { res: 3, data: 'ab\n' });
  c.call(P, 'read', { fd: 26, size: 3 }, { res: 3, data: 'ab\n' });
  c.call(P, 'eventfd', { initval: 0, flags: 0 }, { res: 28 });
  c.call(P, 'signalfd', { fd: -1, mask: 0, flags: 0 }, { res: 29 });
  c.call(P, 'timerfd_create', { clockid: 1, flags: 0 }, { res: 30 });
  c.call(P, 'inotify_init', { flags: 0 }, { res: 31 });
  for (const fd of [28, 29, 30, 31]) c.call(P, 'read', { fd, size: 8 }, { res: 8, data: Buffer.alloc(8, 0) });
  c.call(P, 'dup', { fd: 26 }, { res: 32 });
  c.call(P, 'fcntl', { fd: 3, cmd: 1 }, { res: 33 });
  c.call(P, 'fcntl', { fd: 21, cmd: 26 }, { res: 34 });
  c.call(P, 'fcntl', { fd: 21, cmd: 5 }, { res: 0 });
  c.call(P, 'fcntl', { fd: 21, cmd: 1 }, { res: -24 });
  for (const fd of [32, 33, 34]) c.call(P, 'read', { fd, size: 1 }, { res: 1, data: 'q' });
  c.call(P, 'close', { fd: 99 }, { res: -9 });
  c.call(P, 'close', { fd: 32 }, { res: 0 });
  c.call(P, 'read', { fd: 32, size: 1 }, { res: -9, data: null });
  // files
  c.call(
    P,
    'open',
    { name: '/nonexistent', flags: 1, mode: 0 },
    { fd: -2, name: '/nonexistent', flags: 1, mode: 0, dev: 0 },
  );
  c.call(
    P,
    'openat',
    { dirfd: 12, name: 'sub/ä.txt', flags: 1, mode: 0 },
    { fd: 35, dirfd: 12, name: 'sub/ä.txt', flags: 1, mode: 0, dev: 0xfd00 },
  );
  c.call(
    P,
    'openat',
    { dirfd: AT, name: 'rel/./x/../y.txt', flags: 0x1006, mode: 0o644 },
    { fd: 36, dirfd: AT, name: 'rel/./x/../y.txt', flags: 0x1006, mode: 0o644, dev: 0xfd00 },
  );
  c.call(
    P,
    'openat',
    { dirfd: 99, name: 'bad.txt', flags: 1, mode: 0 },
    { fd: -9, dirfd: 99, name: 'bad.txt', flags: 1, mode: 0, dev: 0 },
  );
  c.call(
    P,
    'openat',
    { dirfd: 17, name: 'nodir.txt', flags: 1, mode: 0 },
    { fd: 37, dirfd: 17, name: 'nodir.txt', flags: 1, mode: 0, dev: 0 },
  );
  c.exit(P, 'chdir', { res: 0, path: '/tmp' });
  c.enter(P, 'chdir', {});
  c.exit(P, 'chdir', { res: 0, path: 'deeper/../d2' });
  c.call(
    P,
    'openat',
    { dirfd: AT, name: 'z', flags: 1, mode: 0 },
    { fd: 38, dirfd: AT, name: 'z', flags: 1, mode: 0, dev: 1 },
  );
  c.call(P, 'fchdir', { fd: 12 }, { res: 0 });
  c.call(
    P,
    'open',
    { name: 'after-fchdir', flags: 1, mode: 0 },
    { fd: 39, name: 'after-fchdir', flags: 1, mode: 0, dev: 0 },
  );
  c.call(P, 'creat', { name: 'new.txt', mode: 0o600 }, { fd: 40, name: 'new.txt', mode: 0o600, dev: 0 });
  c.call(P, 'getcwd', {}, { res: 0, path: '/srv/dätä' });
  for (const fd of [35, 36, 37, 38, 39, 40]) c.call(T, 'write', { fd, size: 1 }, { res: 1, data: '!' });
  c.call(P, 'rename', {}, { res: 0, oldpath: 'new.txt', newpath: '/tmp/renamed.txt' });
  c.call(P, 'renameat', {}, { res: 0, olddirfd: 12, oldpath: 'a', newdirfd: AT, newpath: 'b' });
  c.call(P, 'renameat2', {}, { res: -18, olddirfd: AT, oldpath: '/x', newdirfd: 12, newpath: 'y', flags: 1 });
  c.call(P, 'unlink', {}, { res: 0, path: 'rel/gone' });
  c.call(P, 'unlinkat', {}, { res: 0, dirfd: 12, name: 'gone2', flags: 512 });
  c.call(P, 'mkdir', { mode: 0o755 }, { res: 0, path: 'newdir' });
  c.call(P, 'mkdirat', {}, { res: -17, dirfd: 12, path: 'exists', mode: 0o700 });
  c.call(P, 'rmdir', {}, { res: 0, path: '/tmp/olddir' });
  c.call(P, 'symlink', {}, { res: 0, target: '/etc/passwd', linkpath: 'pw' });
  c.call(P, 'symlinkat', {}, { res: 0, target: 'tgt', linkdirfd: 12, linkpath: 'lnk' });
  c.call(P, 'link', {}, { res: 0, oldpath: 'a', newpath: 'b' });
  c.call(P, 'linkat', {}, { res: 0, olddir: 12, oldpath: 'a', newdir: AT, newpath: 'b', flags: 1024 });
  c.call(P, 'fchmodat', {}, { res: 0, dirfd: 12, filename: 'f', mode: 0o4755 });
  c.call(P, 'chmod', {}, { res: 0, filename: 'f', mode: 0o644 });
  c.call(P, 'fchmod', {}, { res: 0, fd: 36, mode: 0o600 });
  c.call(P, 'access', { mode: 4 }, { res: -13, name: '/root/secret' });
  c.call(P, 'stat', {}, { res: 0, path: 'relstat' });
  c.call(P, 'lstat', {}, { res: -2, path: '/abs/lstat' });
  c.call(P, 'fstat', { fd: 36 }, { res: 0 });
  c.call(
    P,
    'mmap',
    { addr: 0, length: 4096, prot: 1, flags: 1, fd: 36, offset: 0 },
    { res: 0x7f0000001000n, vm_size: 2000, vm_rss: 300, vm_swap: 0 },
  );
  c.call(P, 'splice', { fd_in: 26, fd_out: 36, size: 100, flags: 0 }, { res: 100 });
  c.call(P, 'sendfile', { out_fd: 20, in_fd: 36, offset: 0, size: 1000 }, { res: 1000, offset: 1000 });
  c.call(P, 'copy_file_range', { fdin: 36, offin: 0, len: 10 }, { res: 10, fdout: 35, offout: 0 });
  c.call(P, 'getdents64', { fd: 12 }, { res: 100 });
  c.call(P, 'flock', { fd: 36, operation: 6 }, { res: 0 });
  c.call(P, 'lseek', { fd: 36, offset: 10, whence: 0 }, { res: 10 });
  c.call(P, 'ioctl', { fd: 0, request: 0x5401, argument: 0 }, { res: 0 });
  c.call(
    P,
    'poll',
    {
      fds: [
        { fd: 3, flags: 1 },
        { fd: 21, flags: 5 },
        { fd: 77, flags: 1 },
      ],
      timeout: 1000,
    },
    { res: 1, fds: [{ fd: 3, flags: 1 }] },
  );
  c.call(P, 'ppoll', { fds: [{ fd: 26, flags: 1 }], timeout: 5000000n, sigmask: 0 }, { res: 0, fds: [] });
  c.call(P, 'epoll_wait', { maxevents: 10 }, { res: 0 });
  c.call(P, 'select', {}, { res: 1 });
  c.call(
    P,
    'setsockopt',
    {},
    { res: 0, fd: 20, level: 1, optname: 2, val: { index: 1, value: 1 }, optlen: 4 },
  );
  c.call(
    P,
    'getsockopt',
    {},
    { res: 0, fd: 20, level: 1, optname: 4, val: { index: 1, value: 0 }, optlen: 4 },
  );
  c.call(P, 'shutdown', { fd: 20, how: 2 }, { res: 0 });
  c.call(P, 'listen', { fd: 3, backlog: 128 }, { res: 0 });
  c.call(
    P,
    'accept',
    { flags: 0 },
    {
      fd: 41,
      tuple: { family: 'inet6', sip: '2001:db8::77', sport: 51111, dip: '2001:db8::1', dport: 8443 },
      queuepct: 0,
      queuelen: 0,
      queuemax: 128,
    },
  );
  c.call(P, 'read', { fd: 41, size: 100 }, { res: 16, data: 'GET / HTTP/1.1\r\n' });
  c.call(
    P,
    'accept',
    { flags: 0 },
    {
      fd: 42,
      tuple: { family: 'inet', sip: '10.0.0.99', sport: 33333, dip: '10.0.0.5', dport: 8080 },
      queuepct: 50,
      queuelen: 1,
      queuemax: 2,
    },
  );
  c.call(P, 'recvfrom', { fd: 42, size: 100 }, { res: 4, data: 'PING', tuple: null });
  c.call(P, 'accept', { flags: 0 }, { fd: -11, tuple: null, queuepct: 0, queuelen: 0, queuemax: 0 });
  c.call(P, 'bind', { fd: 21 }, { res: 0, addr: { family: 'inet', ip: '0.0.0.0', port: 5353 } });
  c.call(
    P,
    'sendto',
    {
      fd: 21,
      size: 3,
      tuple: { family: 'inet', sip: '0.0.0.0', sport: 5353, dip: '224.0.0.251', dport: 5353 },
    },
    { res: 3, data: 'mds' },
  );
  c.call(
    P,
    'connect',
    { fd: 13, addr: { family: 'inet', ip: '1.1.1.1', port: 53 } },
    { res: -111, tuple: null },
  );
  c.call(
    P,
    'connect',
    { fd: 21, addr: { family: 'inet', ip: '9.9.9.9', port: 53 } },
    { res: -115, tuple: { family: 'inet', sip: '10.0.0.5', sport: 5353, dip: '9.9.9.9', dport: 53 } },
  );
  c.call(P, 'write', { fd: 21, size: 2 }, { res: 2, data: 'zz' });
  // identity
  c.call(P, 'setuid', { uid: 0 }, { res: 0 });
  c.call(P, 'setresuid', { ruid: 33, euid: 33, suid: 33 }, { res: 0 });
  c.call(P, 'setgid', { gid: 33 }, { res: 0 });
  c.call(P, 'setresgid', { rgid: 0, egid: 0, sgid: -1 }, { res: -1 });
  c.call(P, 'setsid', {}, { res: P });
  c.call(P, 'setpgid', { pid: 0, pgid: 0 }, { res: 0 });
  c.call(
    P,
    'prlimit',
    { pid: 0, resource: 7 },
    { res: 0, newcur: 65536, newmax: 65536, oldcur: 1024, oldmax: 4096 },
  );
  c.call(P, 'setrlimit', { resource: 7 }, { res: 0, cur: 2048, max: 4096 });
  c.call(P, 'getrlimit', { resource: 7 }, { res: 0, cur: 2048, max: 4096 });
  c.call(P, 'chroot', {}, { res: 0, path: '/jail' });
  c.call(P, 'kill', { pid: 1, sig: 15 }, { res: 0 });
  c.call(P, 'tkill', { tid: T, sig: 10 }, { res: 0 });
  c.call(P, 'tgkill', { pid: P, tid: T, sig: 9 }, { res: -3 });
  c.enter(T, 'signaldeliver', { spid: P, dpid: T, sig: 10 });
  c.call(P, 'nanosleep', { interval: 1500000000n }, { res: 0 });
  c.call(P, 'futex', { addr: 0x7fff0000n, op: 128, val: 1 }, { res: 0 });
  c.call(P, 'unshare', { flags: 0x20 }, { res: 0 });
  c.call(P, 'mount', { flags: 0 }, { res: 0, dev: 'tmpfs', dir: '/mnt/t', type: 'tmpfs' });
  c.call(P, 'umount', { flags: 0 }, { res: 0, name: '/mnt/t' });
  c.call(P, 'getuid', {}, { uid: 33 });
  c.call(P, 'geteuid', {}, { euid: 33 });
  c.call(
    P,
    'ptrace',
    { request: 16, pid: 1 },
    { res: 0, addr: { index: 0, value: 0 }, data: { index: 0, value: 0 } },
  );
  c.call(P, 'semget', { key: 1234, nsems: 1, semflg: 0 }, { res: 5 });
  c.call(P, 'bpf', { cmd: 0 }, { res_or_fd: { index: 0, value: 7 } });
  c.call(P, 'seccomp', { op: 1 }, { res: 0 });
  c.call(P, 'mprotect', { addr: 0x7f0000001000n, length: 4096, prot: 5 }, { res: 0 });
  c.call(P, 'userfaultfd', {}, { res: 43, flags: 0 });
  c.call(
    P,
    'openat2',
    { dirfd: 12, name: 'o2.txt', flags: 3, mode: 0, resolve: 8 },
    { fd: 44, dirfd: 12, name: 'o2.txt', flags: 3, mode: 0, resolve: 8 },
  );
  c.call(P, 'write', { fd: 44, size: 1 }, { res: 1, data: 'x' });
  c.call(P, 'syscall', { ID: 59, nativeID: 322 }, { ID: 59 });
  // long and odd strings
  const long = '/very/' + 'long-'.repeat(400) + 'end.txt';
  c.call(P, 'open', { name: long, flags: 2, mode: 0 }, { fd: 45, name: long, flags: 2, mode: 0, dev: 0 });
  const odd = Buffer.from([
    0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xff, 0xfe, 0x01, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a, 0x7f, 0x80, 0xc3,
    0xa9,
  ]);
  c.call(P, 'open', { name: odd, flags: 2, mode: 0 }, { fd: 46, name: odd, flags: 2, mode: 0, dev: 0 });
  c.call(P, 'write', { fd: 45, size: 2000 }, { res: 2000, data: 'L'.repeat(2000) });
  c.call(P, 'write', { fd: 46, size: 256 }, { res: 256, data: Buffer.from([...Array(256).keys()]) });
  // threads and processes
  const cloneFields = (o: Vals): Vals => ({
    exe: '/opt/ünï/bin/café-srv',
    args: nulList(['--naïve']),
    cwd: '/srv/dätä',
    fdlimit: 1024,
    pgft_maj: 0,
    pgft_min: 0,
    vm_size: 1000,
    vm_rss: 100,
    vm_swap: 0,
    comm: 'café-srv',
    cgroups: nulList(['cpu=/', 'memory=/user.slice']),
    uid: 33,
    gid: 33,
    ...o,
  });
  c.enter(P, 'clone', {});
  c.exit(
    P + 2,
    'clone',
    cloneFields({
      res: 0,
      tid: P + 2,
      pid: P,
      ptid: P,
      flags: THREAD_FLAGS,
      vtid: P + 2,
      vpid: P,
    }),
    2,
  );
  c.exit(
    P,
    'clone',
    cloneFields({
      res: P + 2,
      tid: P,
      pid: P,
      ptid: 1,
      flags: THREAD_FLAGS,
      vtid: P,
      vpid: P,
    }),
  );
  c.call(P + 2, 'read', { fd: 41, size: 10 }, { res: 3, data: 'abc' }, 2);
  c.call(
    P + 2,
    'open',
    { name: 'thr.txt', flags: 1, mode: 0 },
    { fd: 47, name: 'thr.txt', flags: 1, mode: 0, dev: 0 },
    2,
  );
  c.call(P, 'read', { fd: 47, size: 1 }, { res: 1, data: 'x' });
  c.enter(P + 2, 'procexit', { status: 0, ret: 0, sig: 0, core: 0 }, 2);
  // fork + failed execve + execve
  c.enter(P, 'fork', {});
  c.exit(
    P + 10,
    'fork',
    cloneFields({ res: 0, tid: P + 10, pid: P + 10, ptid: P, flags: 0, vtid: P + 10, vpid: P + 10 }),
    3,
  );
  c.exit(P, 'fork', cloneFields({ res: P + 10, tid: P, pid: P, ptid: 1, flags: 0, vtid: P, vpid: P }));
  c.call(P + 10, 'read', { fd: 26, size: 10 }, { res: 2, data: 'ok' }, 3);
  c.enter(P + 10, 'execve', { filename: '/bin/nope' }, 3);
  c.exit(
    P + 10,
    'execve',
    {
      res: -2,
      exe: '/bin/nope',
      args: nulList(['a']),
      tid: P + 10,
      pid: P + 10,
      ptid: P,
      cwd: '',
      fdlimit: 1024,
      pgft_maj: 0,
      pgft_min: 0,
      vm_size: 0,
      vm_rss: 0,
      vm_swap: 0,
      comm: 'café-srv',
      cgroups: nulList([]),
      env: nulList([]),
      tty: 0,
      pgid: P,
      loginuid: 1000,
      flags: 0,
    },
    3,
  );
  const longArg = 'A'.repeat(3000);
  c.enter(P + 10, 'execve', { filename: '/usr/bin/python3' }, 3);
  c.exit(
    P + 10,
    'execve',
    {
      res: 0,
      exe: '/usr/bin/python3',
      args: nulList(['-c', 'print("héllo")\n\tnext', longArg, '']),
      tid: P + 10,
      pid: P + 10,
      ptid: P,
      cwd: '/srv/dätä',
      fdlimit: 4096,
      pgft_maj: 1,
      pgft_min: 2,
      vm_size: 5000,
      vm_rss: 400,
      vm_swap: 0,
      comm: 'python3',
      cgroups: nulList(['cpu=/docker/abc']),
      env: nulList(['PATH=/usr/bin', 'HOME=/root', 'EMPTY=']),
      tty: 34816,
      pgid: P,
      loginuid: 1000,
      flags: 1,
    },
    3,
  );
  c.call(P + 10, 'write', { fd: 1, size: 6 }, { res: 6, data: 'héllo\n' }, 3);
  c.call(P + 10, 'write', { fd: 26, size: 1 }, { res: 1, data: 'w' }, 3);
  c.enter(P + 10, 'procexit', { status: 256, ret: 1, sig: 0, core: 0 }, 3);
  // vfork, clone3, execveat in another child
  c.enter(P, 'vfork', {});
  c.exit(
    P + 20,
    'vfork',
    cloneFields({
      res: 0,
      tid: P + 20,
      pid: P + 20,
      ptid: P,
      flags: VFORK_FLAGS,
      vtid: P + 20,
      vpid: P + 20,
    }),
    1,
  );
  c.enter(P + 20, 'execve', { filename: 'tool' }, 1);
  c.exit(
    P + 20,
    'execve',
    {
      res: 0,
      exe: 'tool',
      args: nulList(['--x']),
      tid: P + 20,
      pid: P + 20,
      ptid: P,
      cwd: '/srv/dätä',
      fdlimit: 1024,
      pgft_maj: 0,
      pgft_min: 0,
      vm_size: 10,
      vm_rss: 1,
      vm_swap: 0,
      comm: 'tool',
      cgroups: nulList([]),
      env: nulList(['A=1']),
      tty: 0,
      pgid: P,
      loginuid: -1,
      flags: 0,
    },
    1,
  );
  c.exit(
    P,
    'vfork',
    cloneFields({
      res: P + 20,
      tid: P,
      pid: P,
      ptid: 1,
      flags: VFORK_FLAGS,
      vtid: P,
      vpid: P,
    }),
  );
  c.call(P + 20, 'write', { fd: 2, size: 4 }, { res: 4, data: 'err\n' }, 1);
  c.enter(P, 'clone3', {});
  c.exit(P, 'clone3', cloneFields({ res: P + 30, tid: P, pid: P, ptid: 1, flags: 0, vtid: P, vpid: P }));
  c.exit(
    P + 30,
    'clone3',
    cloneFields({ res: 0, tid: P + 30, pid: P + 30, ptid: P, flags: 0, vtid: 1, vpid: 1 }),
    2,
  );
  c.call(P + 30, 'read', { fd: 0, size: 1 }, { res: 1, data: 'y' }, 2);
  // unknown thread events
  c.call(9999, 'read', { fd: 3, size: 10 }, { res: 10, data: '0123456789' }, 1);
  c.call(
    9999,
    'open',
    { name: '/etc/hosts', flags: 1, mode: 0 },
    { fd: 3, name: '/etc/hosts', flags: 1, mode: 0, dev: 0 },
    1,
  );
  c.call(9999, 'read', { fd: 3, size: 10 }, { res: 10, data: '0123456789' }, 1);
  // close of everything and exit
  for (const fd of [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]) c.call(P, 'close', { fd }, { res: 0 });
  c.call(P, 'read', { fd: 20, size: 1 }, { res: -9, data: null });
  c.enter(P + 20, 'procexit', { status: 9, ret: 0, sig: 9, core: 1 }, 1);
  // Empty paths are relative: they resolve to the directory itself.
  c.call(P, 'creat', { name: '', mode: 0 }, { fd: -2, name: '', mode: 0, dev: 0 });
  c.call(P, 'renameat', {}, { res: -2, olddirfd: 12, oldpath: '', newdirfd: AT, newpath: '' });
  return c;
}

/** Plugin events (as a capture made with a plugin source holds them) among syscall events. */
export function pluginEvents(): TestCapture {
  const c = new TestCapture();
  c.proc({ pid: 1, ptid: 0, comm: 'systemd' });
  c.proc({ pid: 200, comm: 'falco' });
  c.fd(200, 3, { kind: FdKind.FILE_V2, name: '/var/log/audit.log' });
  c.call(200, 'read', { fd: 3, size: 10 }, { res: 5, data: 'audit' });
  c.enter(200, 'pluginevent', { 'plugin ID': 999, event_data: '{"kind":"Event"}' });
  c.enter(200, 'pluginevent', { 'plugin ID': 1, event_data: new Uint8Array([1, 2, 3]) });
  c.call(200, 'write', { fd: 3, size: 2 }, { res: 2, data: 'ok' });
  return c;
}

/** Generic syscall events, one with an id past 0.29.3's syscall table (newer drivers number more). */
export function genericSyscalls(): TestCapture {
  const c = new TestCapture();
  c.proc({ pid: 1, ptid: 0, comm: 'systemd' });
  c.proc({ pid: 300, comm: 'app' });
  c.call(300, 'syscall', { ID: 59, nativeID: 59 }, { ID: 59 });
  c.call(300, 'syscall', { ID: 1000, nativeID: 451 }, { ID: 1000 });
  c.call(300, 'syscall', { ID: 0, nativeID: 999 }, { ID: 0 });
  return c;
}

/** A login shell that changes directory twice, then commands under it and outside it (spy_users
 *  shifts its ancestor-field tables on every cd). */
export function shellSession(): TestCapture {
  const c = new TestCapture();
  c.proc({ pid: 1, ptid: 0, comm: 'systemd' });
  c.proc({ pid: 50, ptid: 1, comm: 'sshd' });
  c.proc({ pid: 100, ptid: 50, comm: 'bash', uid: 1000 });
  c.proc({ pid: 200, ptid: 1, comm: 'cron' });
  const exec = (pid: number, ptid: number, comm: string): void => {
    c.enter(pid, 'execve', { filename: '/usr/bin/' + comm });
    c.exit(pid, 'execve', {
      res: 0,
      exe: '/usr/bin/' + comm,
      args: nulList(['-l']),
      tid: pid,
      pid,
      ptid,
      cwd: '',
      fdlimit: 1024,
      pgft_maj: 0,
      pgft_min: 0,
      vm_size: 10,
      vm_rss: 1,
      vm_swap: 0,
      comm,
      cgroups: nulList([]),
      env: nulList([]),
      tty: 0,
      pgid: pid,
      loginuid: 1000,
      flags: 0,
    });
  };
  c.call(100, 'chdir', {}, { res: 0, path: '/tmp' });
  c.call(100, 'chdir', {}, { res: 0, path: '/var' });
  exec(200, 1, 'run-parts');
  exec(100, 50, 'ls');
  return c;
}
