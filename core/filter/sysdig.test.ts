// Filters and field values against sysdig 0.29.3 itself on the shared samples: for each case the
// capture is replayed (native reader + StateTracker), the compiled filter picks events, and the
// evt.num list must equal `sysdig -r SAMPLE -p %evt.num FILTER`. Field values are compared the same
// way with `-p "*%evt.num|%field|..."`. Skips when ../shared, sysdig or the native reader is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { COMPAT_EVENT_MAX, EC, EVENTS, eventInfo } from '../schema/index.js';
import { StateTracker } from '../state/tracker.js';
import { newContext, setEvent, type EventContext } from '../fields/context.js';
import { makeLookup } from '../fields/lookup.js';
import { bindField } from '../fields/registry.js';
import type { BoundField } from '../fields/types.js';
import { compileFilter } from './compile.js';

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('package.json not found above the test');
    d = up;
  }
  return d;
}

const SAMPLES = join(repoRoot(), '..', 'shared', 'samples');
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'SOURCES.md'));
const HAVE_SYSDIG = spawnSync('sysdig', ['--version'], { encoding: 'utf8' }).status === 0;

type Native = typeof import('../../native/index.js');
let native: Native | undefined;
try {
  native = await import('../../native/index.js');
  native.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX);
} catch {
  native = undefined;
}
const SKIP = !HAVE_SAMPLES
  ? 'no ../shared samples'
  : !HAVE_SYSDIG
    ? 'no sysdig'
    : !native
      ? 'no native reader'
      : false;

/** Replays a sample and calls `visit` for every event sysdig would show (internal ones hidden). */
function replay(sample: string, visit: (ctx: EventContext) => void): void {
  const r = native!.openCapture(join(SAMPLES, sample), native!.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX));
  try {
    const tracker = new StateTracker(r.header);
    const lookup = makeLookup(r.header, tracker);
    let ctx: EventContext | undefined;
    for (let b = r.next(); b !== null; b = r.next()) {
      if (ctx === undefined) ctx = newContext(b, eventInfo(b.type[0]!), lookup);
      ctx.batch = b;
      for (let i = 0; i < b.count; i++) {
        const info = eventInfo(b.type[i]!);
        const st = tracker.process(b, i);
        setEvent(ctx, i, info, st);
        if (info.category & EC.INTERNAL || (st as { hidden?: boolean }).hidden) continue;
        visit(ctx);
        ctx.prevTs = b.ts[i]!;
      }
    }
  } finally {
    r.close();
  }
}

function sysdig(sample: string, args: string[]): string {
  const r = spawnSync('sysdig', ['-r', join(SAMPLES, sample), ...args], {
    encoding: 'latin1',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`sysdig failed: ${r.stderr}`);
  return r.stdout;
}

function ours(sample: string, filter: string): string {
  const f = compileFilter(filter);
  const mask = f.typeMask;
  let out = '';
  replay(sample, (ctx) => {
    const t = ctx.batch.type[ctx.i]!;
    if (mask !== null && mask[t] === 0) {
      // The prefilter must never drop a matching event.
      assert.equal(f.predicate(ctx), false, `prefilter dropped evt ${ctx.num} for ${filter}`);
      return;
    }
    if (f.predicate(ctx)) out += ctx.num + '\n';
  });
  return out;
}

/** [sample, filter]: one per operator and field type, on captures where they select something. */
const FILTER_CASES: [string, string][] = [
  // strings
  ['502Error.scap', 'proc.name=curl'],
  ['502Error.scap', 'proc.name!=curl'],
  ['502Error.scap', "proc.name='haproxy'"],
  ['502Error.scap', 'proc.name="cu\\x72l"'],
  ['502Error.scap', 'proc.name contains cur'],
  ['502Error.scap', 'proc.name icontains HAP'],
  ['502Error.scap', 'proc.name startswith py'],
  ['502Error.scap', 'proc.name endswith rl'],
  ['502Error.scap', 'proc.name < d'],
  ['502Error.scap', 'proc.name >= p'],
  ['502Error.scap', 'proc.name in (curl, "hap roxy", python)'],
  ['502Error.scap', 'fd.name glob /etc/*.conf'],
  ['502Error.scap', 'fd.name glob "/etc/h?st.conf"'],
  ['502Error.scap', 'fd.name pmatch (/etc/)'],
  ['502Error.scap', 'fd.name pmatch (/etc/ho)'],
  ['502Error.scap', 'fd.directory=/etc'],
  ['502Error.scap', 'fd.filename=host.conf'],
  ['502Error.scap', 'proc.cmdline contains localhost'],
  ['502Error.scap', 'proc.exe contains haproxy'],
  ['502Error.scap', 'proc.args contains bar'],
  ['502Error.scap', 'fd.name exists'],
  ['502Error.scap', 'not fd.name exists'],
  ['502Error.scap', 'evt.res=ENOENT'],
  ['502Error.scap', 'evt.res!=SUCCESS'],
  ['502Error.scap', 'evt.category=net'],
  ['502Error.scap', 'evt.category=file and evt.dir=<'],
  ['502Error.scap', 'user.name=root'],
  ['502Error.scap', 'fd.l4proto=udp'],
  ['502Error.scap', 'fd.l4proto=tcp and evt.type=sendto'],
  ['502Error.scap', 'fd.typechar=4'],
  ['502Error.scap', 'fd.type=unix'],
  ['502Error.scap', 'fd.sockfamily=ip'],
  ['502Error.scap', 'evt.arg.fd=3'],
  ['502Error.scap', 'evt.arg[0]=3'],
  ['502Error.scap', 'evt.arg.name contains /etc'],
  ['502Error.scap', 'syscall.type=open'],
  ['502Error.scap', 'evt.io_dir=read'],
  // numbers
  ['502Error.scap', 'evt.rawres > 1000 and evt.dir=<'],
  ['502Error.scap', 'evt.rawres < 0'],
  ['502Error.scap', 'evt.rawres in (3, 4)'],
  ['502Error.scap', 'evt.rawarg.fd=3'],
  ['502Error.scap', 'evt.rawarg.fd<3'],
  ['502Error.scap', 'evt.rawarg.size>=100'],
  ['502Error.scap', 'fd.num > 2'],
  ['502Error.scap', 'fd.num=-1'],
  ['502Error.scap', 'thread.tid=843'],
  ['502Error.scap', 'proc.pid != 13969'],
  ['502Error.scap', 'evt.num<=100'],
  ['502Error.scap', 'evt.cpu=3'],
  ['502Error.scap', 'evt.buflen>100'],
  ['502Error.scap', 'evt.latency>1000000'],
  ['502Error.scap', 'evt.latency.s>=1'],
  ['502Error.scap', 'evt.rawtime.s=1506127469'],
  ['502Error.scap', 'evt.rawtime>1506127480000000000'],
  ['502Error.scap', 'evt.reltime<1000000000'],
  ['502Error.scap', 'evt.around[1506127469900617765]=1'],
  ['502Error.scap', 'evt.type.is.open=1'],
  ['502Error.scap', 'evt.count.error=1'],
  ['502Error.scap', 'evt.count.exit=1'],
  ['502Error.scap', 'thread.vtid exists'],
  ['502Error.scap', 'proc.vpid=1'],
  ['502Error.scap', 'user.uid=0'],
  ['502Error.scap', 'proc.ppid=842'],
  ['502Error.scap', 'proc.nthreads>1'],
  ['502Error.scap', 'proc.fdopencount>10'],
  // booleans
  ['502Error.scap', 'evt.failed=true'],
  ['502Error.scap', 'evt.is_io=false'],
  ['502Error.scap', 'evt.is_io_write=true'],
  ['httpd.scap', 'evt.is_io_read=true'],
  ['502Error.scap', 'evt.is_wait=true'],
  ['502Error.scap', 'thread.ismain=false'],
  ['502Error.scap', 'fd.is_server=true'],
  ['502Error.scap', 'fd.connected=true'],
  ['example4-2.scap', 'evt.is_open_read=true'],
  ['example4-2.scap', 'evt.is_open_write=true'],
  // addresses, networks, ports
  ['502Error.scap', 'fd.ip=192.168.0.2'],
  ['502Error.scap', 'fd.ip!=192.168.0.2'],
  ['502Error.scap', 'fd.ip in (192.168.0.2, 192.168.0.1)'],
  ['502Error.scap', 'fd.sip=192.168.0.2'],
  ['example4-1.scap', 'fd.cip=172.24.0.3'],
  ['502Error.scap', 'fd.net=192.168.0.0/24'],
  ['502Error.scap', 'fd.net!=192.168.0.0/24'],
  ['502Error.scap', 'fd.cnet=192.168.0.0/16'],
  ['502Error.scap', 'fd.snet!=192.168.0.0/30'],
  ['502Error.scap', 'fd.port=80'],
  ['502Error.scap', 'fd.port=http'],
  ['502Error.scap', 'fd.port!=80'],
  ['502Error.scap', 'fd.port>=80'],
  ['502Error.scap', 'fd.port in (80, 514)'],
  ['502Error.scap', 'fd.proto=80'],
  ['502Error.scap', 'fd.sport=80'],
  ['502Error.scap', 'fd.cport>40000'],
  ['502Error.scap', 'fd.sport exists'],
  ['502Error.scap', 'fd.lport=80'],
  ['502Error.scap', 'fd.rip exists'],
  ['curl_google.scap', 'fd.sip=2607:f8b0:4005:80b::2004'],
  ['curl_google.scap', 'fd.ip=2001:4860:4860::8888'],
  ['single_ipv6_conn.scap', 'fd.sip=2001:db8::3'],
  ['single_ipv6_conn.scap', 'fd.ip!=2001:db8::4'],
  // buffers
  ['502Error.scap', 'evt.buffer contains "502 Bad Gateway"'],
  ['502Error.scap', 'evt.buffer startswith GET'],
  ['502Error.scap', 'evt.buffer contains HTTP and evt.buffer contains 200'],
  ['httpd.scap', 'evt.buffer exists'],
  // logic
  ['502Error.scap', 'evt.type=open or evt.type=close'],
  ['502Error.scap', 'evt.type in (open, close) and not proc.name=curl'],
  ['502Error.scap', 'not evt.type=switch'],
  ['502Error.scap', 'not not proc.name=curl'],
  ['502Error.scap', 'not (proc.name=curl or proc.name=python)'],
  ['502Error.scap', '(fd.name exists and evt.type=open) or evt.type=execve'],
  ['502Error.scap', 'evt.type=open and (proc.name=curl)'],
  ['502Error.scap', 'evt.type!=epoll_pwait and evt.type!=switch'],
  ['502Error.scap', 'evt.dir=> and not evt.type in (epoll_pwait, select)'],
  ['example4-1.scap', 'proc.name=apache2 and not evt.type in (switch, gettimeofday, clock_gettime)'],
  ['run_as_user_0_container.scap', 'proc.name startswith ss and evt.type in (read, write)'],
  ['open-multiple-files.scap', 'fd.name contains /tmp/file-1'],
  ['example4-2.scap', '(fd.name exists and evt.type=open) or evt.type=execve'],
  ['run_as_user_0_container.scap', 'proc.pname=bash'],
  ['run_as_user_0_container.scap', 'proc.aname=sshd'],
  ['run_as_user_0_container.scap', 'proc.aname[2]=sshd'],
  ['run_as_user_0_container.scap', 'proc.apid[1] exists'],
  ['run_as_user_0_container.scap', 'proc.loginshellid exists'],
  ['run_as_user_0_container.scap', 'container.id!=host'],
  ['run_as_user_0_container.scap', 'proc.sname=sshd'],
  ['run_as_user_0_container.scap', 'thread.cgroup.cpu exists'],
  ['connect_localhost.scap', 'proc.name exists'],
  ['connect_localhost.scap', 'proc.name!=foo'],
  ['privileged.scap', 'evt.type=container'],
  ['cat_write.scap', 'evt.type=read or evt.type=write'],
  ['sample.scap', 'evt.type!=switch and evt.type!=nanosleep'],
];

/**
 * Filters whose answer depends on libsinsp running the filter before it parses an event: an enter
 * event the filter rejects is never parsed, so its exit event has no fd attached (evt.category
 * 'unknown', no evt.buflen). That needs the state tracker to take the filter (see the report).
 */
const NEEDS_PREPARSE_FILTER = new Set(['evt.category=file and evt.dir=<', 'evt.buflen>100']);

for (const [sample, filter] of FILTER_CASES) {
  const todo = NEEDS_PREPARSE_FILTER.has(filter) ? 'needs filtering before the state step' : undefined;
  test(`filter ${sample}: ${filter}`, { skip: SKIP, todo }, () => {
    const want = sysdig(sample, ['-p', '%evt.num', filter]);
    const got = ours(sample, filter);
    if (got !== want) {
      const g = new Set(got.split('\n'));
      const w = new Set(want.split('\n'));
      const extra = [...g].filter((x) => !w.has(x)).slice(0, 10);
      const missing = [...w].filter((x) => !g.has(x)).slice(0, 10);
      assert.fail(
        `${filter}: ${g.size - 1} vs sysdig ${w.size - 1}; extra ${extra.join(',')} missing ${missing.join(',')}`,
      );
    }
  });
}

const SEP = '|#|';

/** Fields whose -p text must match sysdig's on every shown event of each sample. */
const FIELD_SETS: string[][] = [
  [
    'evt.num',
    'evt.time',
    'evt.datetime',
    'evt.rawtime',
    'evt.rawtime.s',
    'evt.rawtime.ns',
    'evt.reltime',
    'evt.reltime.s',
    'evt.reltime.ns',
    'evt.time.iso8601',
    'evt.deltatime',
  ],
  ['evt.dir', 'evt.type', 'syscall.type', 'evt.category', 'evt.cpu', 'evt.count.exit'],
  [
    'evt.latency',
    'evt.latency.s',
    'evt.latency.ns',
    'evt.latency.human',
    'evt.wait_latency',
    'evt.latency.quantized',
  ],
  [
    'evt.res',
    'evt.rawres',
    'evt.failed',
    'evt.count.error',
    'evt.count.error.file',
    'evt.count.error.net',
    'evt.count.error.memory',
    'evt.count.error.other',
  ],
  [
    'evt.is_io',
    'evt.is_io_read',
    'evt.is_io_write',
    'evt.io_dir',
    'evt.is_wait',
    'evt.is_syslog',
    'evt.buflen',
    'evt.buflen.in',
    'evt.buflen.net',
    'evt.buflen.file.out',
  ],
  ['evt.is_open_read', 'evt.is_open_write', 'evt.is_open_exec', 'evt.arg.fd', 'evt.arg[0]', 'evt.arg.res'],
  ['evt.args'],
  ['evt.info'],
  ['evt.buffer', 'evt.arg.data'],
  [
    'proc.pid',
    'proc.exe',
    'proc.name',
    'proc.args',
    'proc.cmdline',
    'proc.exeline',
    'proc.cwd',
    'proc.ppid',
    'proc.pname',
    'proc.pcmdline',
  ],
  [
    'proc.nthreads',
    'proc.nchilds',
    'proc.aname[1]',
    'proc.apid[2]',
    'proc.loginshellid',
    'proc.duration',
    'proc.sid',
    'proc.sname',
    'proc.vpgid',
    'proc.tty',
  ],
  [
    'proc.fdopencount',
    'proc.fdlimit',
    'proc.fdusage',
    'proc.vmsize',
    'proc.vmrss',
    'proc.vmswap',
    'thread.pfmajor',
    'thread.pfminor',
    'thread.vmsize',
    'thread.vmrss',
  ],
  [
    'thread.tid',
    'thread.ismain',
    'thread.vtid',
    'proc.vpid',
    'thread.cgroups',
    'thread.cgroup.cpu',
    'proc.exepath',
    'proc.env',
  ],
  [
    'user.uid',
    'user.name',
    'user.homedir',
    'user.shell',
    'user.loginuid',
    'user.loginname',
    'group.gid',
    'group.name',
  ],
  [
    'fd.num',
    'fd.type',
    'fd.typechar',
    'fd.name',
    'fd.directory',
    'fd.filename',
    'fd.uid',
    'fd.containername',
    'fd.containerdirectory',
  ],
  [
    'fd.cip',
    'fd.sip',
    'fd.lip',
    'fd.rip',
    'fd.cport',
    'fd.sport',
    'fd.lport',
    'fd.rport',
    'fd.l4proto',
    'fd.sockfamily',
    'fd.is_server',
    'fd.connected',
  ],
  ['fd.cproto', 'fd.sproto', 'fd.lproto', 'fd.rproto', 'fd.dev', 'fd.dev.major', 'fd.dev.minor'],
  [
    'container.id',
    'container.name',
    'container.image',
    'container.type',
    'fdlist.nums',
    'fdlist.names',
    'fdlist.cips',
    'fdlist.sports',
  ],
];

const FIELD_SAMPLES = [
  '502Error.scap',
  'example4-1.scap',
  'httpd.scap',
  'nginx_example0.scap',
  'cat_write.scap',
  'connect_localhost.scap',
  'open-multiple-files.scap',
  'ping_sendto.scap',
  'syscall.scap',
  'run_as_user_0_container.scap',
  'curl_google.scap',
  'single_ipv6_conn.scap',
  'test_ipv6_client.scap',
  'sample.scap',
  'privileged.scap',
  'write_tmp_test.scap',
];

/**
 * Field sets with known differences that come from the state step, not from extraction, each with
 * the field and why: they run as `todo` so the rest of the set still reports.
 */
const STATE_TODO: Record<string, string> = {
  'evt.category': "needs libsinsp's evt->m_fdinfo (no fd for an exit whose enter was not paired)",
  'evt.buflen': "needs libsinsp's evt->m_fdinfo (no fd for an exit whose enter was not paired)",
  'evt.latency.human': 'clone exit in the child: libsinsp prints the parent latency here',
  'proc.env': 'environment of threads imported from the process list is not kept',
  'user.loginuid': 'sample.scap: libsinsp prints an uninitialised loginuid',
  'fd.dev': 'sockets: libsinsp prints a stale m_dev left in a reused fdinfo',
};

for (const fields of FIELD_SETS) {
  const todo = fields
    .filter((f) => STATE_TODO[f] !== undefined)
    .map((f) => `${f}: ${STATE_TODO[f]}`)
    .join('; ');
  test(`fields vs sysdig -p: ${fields.join(' ')}`, { skip: SKIP, todo: todo || undefined }, () => {
    const bound = fields.map((f) => bindField(f));
    for (const b of bound) assert.notEqual(typeof b, 'string', String(b));
    const bf = bound as BoundField[];
    const problems: string[] = [];
    for (const sample of FIELD_SAMPLES) {
      const fmt = '*%evt.num' + fields.map((f) => SEP + '%' + f).join('') + SEP;
      // Keyed by evt.num: which events are shown is the CLI's business, not the fields'.
      const want = new Map<string, string>();
      // Values may contain newlines (unix socket names do): records end with SEP + newline.
      for (const l of sysdig(sample, ['-p', fmt]).split(SEP + '\n'))
        if (l !== '') want.set(l.slice(0, l.indexOf(SEP)), l + SEP);
      replay(sample, (ctx) => {
        const w = want.get(String(ctx.num));
        if (w === undefined) return;
        let line = String(ctx.num);
        for (const b of bf) line += SEP + (b.text(ctx) ?? '<NA>');
        line += SEP;
        if (line !== w && problems.length < 12) {
          const gs = line.split(SEP);
          const ws = w.split(SEP);
          const diffs = fields
            .map((f, j) =>
              gs[j + 1] !== ws[j + 1]
                ? `${f}: got ${JSON.stringify(gs[j + 1])} want ${JSON.stringify(ws[j + 1])}`
                : '',
            )
            .filter((x) => x !== '');
          problems.push(`${sample} evt ${gs[0]}: ${diffs.join('; ')}`);
        }
      });
    }
    assert.deepEqual(problems, []);
  });
}
