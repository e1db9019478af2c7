import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COMPAT_EVENT_MAX,
  EF,
  EVENTS,
  FLAG_TABLE_NAMES,
  NEWEST_EVENT_MAX,
  PPME,
  PT,
  errnoName,
  eventCodesByName,
  eventInfo,
  flagTable,
  signalName,
  syscallName,
  type EventInfo,
} from './index.js';
import { repoRoot } from '../../scripts/repo-root.js';

const expectedDir = join(repoRoot(), '..', 'shared', 'conformance', 'expected');
const haveShared = existsSync(expectedDir);

const FLAG_TYPES = new Set<number>([
  PT.FLAGS8,
  PT.FLAGS16,
  PT.FLAGS32,
  PT.ENUMFLAGS8,
  PT.ENUMFLAGS16,
  PT.ENUMFLAGS32,
  PT.MODE,
]);

test('table covers 0.29.3 codes then the newer libs codes', () => {
  assert.equal(COMPAT_EVENT_MAX, 336);
  assert.equal(EVENTS.length, NEWEST_EVENT_MAX);
  assert.ok(NEWEST_EVENT_MAX > COMPAT_EVENT_MAX);
  EVENTS.forEach((e, code) => {
    assert.equal(e.code, code);
    assert.equal(e.dir, code % 2 === 0 ? '>' : '<');
  });
  assert.equal(EVENTS[PPME.SYSCALL_OPEN_X].name, 'open');
  assert.deepEqual(
    EVENTS[PPME.SYSCALL_OPEN_X].params.map((p) => p.name),
    ['fd', 'name', 'flags', 'mode', 'dev'],
  );
});

test('every parameter reference resolves', () => {
  for (const e of EVENTS) {
    e.params.forEach((p, i) => {
      const where = `${e.code} ${e.name} ${p.name}`;
      if (p.flags !== undefined) {
        assert.ok(FLAG_TYPES.has(p.type), where);
        assert.ok(p.flags.length > 0, where);
      }
      if (p.type === PT.DYN) assert.ok(p.dyn && p.dyn.length > 0, where);
      if (p.type === PT.FSRELPATH) {
        assert.ok(p.dirfdParam !== undefined && p.dirfdParam < e.params.length, where);
        // libs' openat2 enter event says DIRFD_PARAM(1), which is the path itself (dirfd is 0);
        // the table keeps what libs says, as sysdig does.
        if (e.code === PPME.SYSCALL_OPENAT2_E) return assert.equal(p.dirfdParam, i);
        const dirfd = e.params[p.dirfdParam];
        assert.ok(dirfd.type === PT.FD || dirfd.type === PT.FD32, `${where}: dirfd is ${dirfd.name}`);
      }
    });
  }
  for (const name of FLAG_TABLE_NAMES) assert.ok(flagTable(name)?.length, name);
});

test('newer libs parameters extend 0.29.3 events only past their own', () => {
  const open = EVENTS[PPME.SYSCALL_OPEN_X];
  assert.deepEqual(
    open.newerParams?.map((p) => p.name),
    ['ino'],
  );
  let extended = 0;
  for (const e of EVENTS) {
    if (e.newerParams === undefined) continue;
    assert.ok(e.code < COMPAT_EVENT_MAX, `${e.code}`);
    assert.ok(e.newerParams.length > 0);
    const names = new Set(e.params.map((p) => p.name));
    for (const p of e.newerParams) assert.ok(!names.has(p.name) || p.name === 'flags', `${e.name}.${p.name}`);
    extended++;
  }
  assert.ok(extended > 10);
});

test('events survive JSON with their parameters', () => {
  const back = JSON.parse(JSON.stringify(EVENTS[PPME.SYSCALL_OPEN_X])) as EventInfo;
  assert.equal(back.name, 'open');
  assert.deepEqual(back.params, JSON.parse(JSON.stringify(EVENTS[PPME.SYSCALL_OPEN_X].params)));
  assert.equal(back.params[2].flags?.[0].name, 'O_LARGEFILE');
  assert.equal(back.newerParams?.[0].name, 'ino');
});

test('unknown codes get a synthetic entry', () => {
  const u = eventInfo(NEWEST_EVENT_MAX + 1);
  assert.equal(u.name, 'unknown');
  assert.equal(u.dir, '<');
  assert.deepEqual(u.params, []);
  assert.equal(eventInfo(NEWEST_EVENT_MAX + 1), u);
  assert.equal(eventInfo(3), EVENTS[3]);
});

test('eventCodesByName finds every version of an event', () => {
  // execve has had several event pairs over time; all share the name.
  const codes = eventCodesByName('execve');
  assert.ok(codes.length >= 8);
  for (const c of codes) assert.equal(EVENTS[c].name, 'execve');
  assert.deepEqual(eventCodesByName('no_such_event'), []);
  // Callers may mutate the result without corrupting the index.
  eventCodesByName('open').push(999);
  assert.ok(!eventCodesByName('open').includes(999));
});

test('errno name follows libsinsp (negative values only, int64 truncated to int32)', () => {
  assert.equal(errnoName(-11), 'EAGAIN');
  assert.equal(errnoName(-11n), 'EAGAIN');
  assert.equal(errnoName(11), undefined);
  assert.equal(errnoName(-2n - (1n << 32n)), 'ENOENT');
  assert.equal(errnoName(-100000), undefined);
});

// ---------------------------------------------------------------------------------------------
// Against sysdig 0.29.3's own output: every `name=N(TEXT)` it printed for a parameter whose type
// resolves names must be explainable by our tables.

interface Resolved {
  file: string;
  dir: string;
  type: string;
  param: string;
  value: bigint;
  text: string;
}

function* resolvedParams(): Generator<Resolved> {
  for (const file of readdirSync(expectedDir)) {
    for (const line of readFileSync(join(expectedDir, file), 'utf8').split('\n')) {
      // Default output: `num time cpu proc (tid) dir type args...`
      const m = /^\d+ \S+ \d+ .*? \(-?\d+\) ([<>]) (\w+) (.*)$/.exec(line);
      if (!m) continue;
      for (const a of m[3].matchAll(/(?:^| )(\w+)=(-?\d+)\(([A-Za-z0-9_|]+)\)/g)) {
        yield { file, dir: m[1], type: m[2], param: a[1], value: BigInt(a[2]), text: a[3] };
      }
    }
  }
}

function paramCandidates(type: string, dir: string, param: string): EventInfo['params'][number][] {
  return eventCodesByName(type)
    .filter((c) => c < COMPAT_EVENT_MAX && EVENTS[c].dir === dir && (EVENTS[c].flags & EF.UNUSED) === 0)
    .flatMap((c) => EVENTS[c].params.filter((p) => p.name === param));
}

test(
  'names sysdig printed agree with the errno/signal/syscall/flag tables',
  { skip: !haveShared && 'no ../shared' },
  () => {
    const counts = { errno: 0, flags: 0, signal: 0, syscall: 0 };
    for (const r of resolvedParams()) {
      const params = paramCandidates(r.type, r.dir, r.param);
      if (params.length === 0) continue; // e.g. an fd printed with a name in parentheses
      const where = `${r.file}: ${r.dir} ${r.type} ${r.param}=${r.value}(${r.text})`;
      const p = params[0];
      if (p.type === PT.ERRNO || ((p.type === PT.FD || p.type === PT.PID) && r.value < 0n)) {
        assert.equal(errnoName(r.value), r.text, where);
        counts.errno++;
      } else if (p.type === PT.SIGTYPE) {
        assert.equal(signalName(Number(r.value)), r.text, where);
        counts.signal++;
      } else if (p.type === PT.SYSCALLID) {
        assert.equal(syscallName(Number(r.value)), r.text, where);
        counts.syscall++;
      } else if (p.flags) {
        const table = p.flags;
        const names = r.text.split('|');
        const idx = names.map((n) => table.findIndex((f) => f.name === n));
        assert.ok(
          idx.every((i) => i >= 0),
          `${where}: unknown flag name`,
        );
        // libsinsp walks the table in order, so printed names keep table order.
        assert.deepEqual(
          [...idx].sort((a, b) => a - b),
          idx,
          `${where}: order`,
        );
        const v = Number(BigInt.asUintN(32, r.value));
        const union = idx.reduce((acc, i) => acc | table[i].value, 0) >>> 0;
        const exact = names.length === 1 && table[idx[0]].value === v;
        assert.ok(exact || (union & ~v) === 0, `${where}: names set bits the value lacks`);
        counts.flags++;
      }
    }
    // The conformance outputs exercise each kind; if one drops to zero the test lost its teeth.
    assert.ok(counts.errno > 100 && counts.flags > 100, JSON.stringify(counts));
  },
);
