// Differential tests on captures built for the purpose (cli/testing/scenarios.ts): what real
// captures rarely hold must still print as sysdig 0.29.3 prints it. The oracle is the installed
// sysdig; the tests skip without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../scripts/repo-root.js';
import { capsight, differences, haveSysdig, sysdig } from './testing/oracle.js';
import { fdZoo, genericSyscalls, pluginEvents, shellSession } from './testing/scenarios.js';

const skip = !haveSysdig && 'sysdig not installed';
const dir = mkdtempSync(join(tmpdir(), 'capsight-odd-'));

test('fd zoo: every fd type, failed calls, UTF-8 names, long paths print as in sysdig', { skip }, () => {
  const file = fdZoo().save(join(dir, 'fdzoo.scap'));
  const procFields =
    '*%evt.num %proc.name %proc.exe %proc.exepath %proc.args %proc.cmdline %proc.cwd %proc.pid %proc.ppid ' +
    '%proc.pname %proc.env %thread.tid %user.name %user.uid %group.name %user.loginname %user.homedir %user.shell';
  const fdFields =
    '*%evt.num %fd.name %fd.type %fd.typechar %fd.num %fd.cip %fd.sip %fd.cport %fd.sport %fd.l4proto ' +
    '%fd.sockfamily %fd.is_server %fd.directory %fd.filename %fd.rip %fd.lip %fd.connected %fd.cproto';
  assert.deepEqual(
    differences(file, [
      [],
      ['-j'],
      ['-A'],
      ['-X'],
      ['-b'],
      ['-v'],
      ['-p', procFields],
      ['-p', fdFields],
      ['-j', '-p', procFields],
      // Filters and formats given in UTF-8 compare with and print the capture's bytes.
      ['proc.name=caf\u00e9-srv and fd.name contains \u00e4'],
      ['-p', '\u00e9 %evt.num %proc.name', 'user.name=j\u00fcrgen'],
      ['-c', 'spy_file', '/srv/d\u00e4t\u00e4/sub/\u00e4.txt'],
      ['-c', 'lsof'],
      ['-c', 'ps'],
      ['-c', 'netstat'],
    ]),
    [],
  );
});

test('format and JSON value rules: evt.rawarg types, extract_as_js, proc.aname parsing', { skip }, () => {
  const file = fdZoo().save(join(dir, 'fdzoo-formats.scap'));
  assert.deepEqual(
    differences(file, [
      ['-p', '%evt.num %evt.rawarg.size'],
      ['-p', '*%evt.num %evt.rawarg.res %evt.rawarg.data %evt.rawarg.name %evt.rawarg.pid'],
      ['-p', '*%evt.num %evt.rawarg.flags'],
      ['-j', '-p', '*%evt.num %evt.rawarg.name %evt.rawarg.size'],
      ['-j', '-p', '*%evt.num %evt.rawarg.res'],
      ['-j', '-p', '%evt.num %evt.time %evt.datetime %evt.reltime %evt.rawtime.ns %evt.latency.ns %evt.cpu'],
      ['-j', '-p', '*%evt.num %evt.deltatime %thread.exectime %evt.latency %evt.count %fd.num %proc.pid'],
      ['-p', '%evt.num %proc.aname %proc.apid x'],
      ['-p', '%evt.num %proc.aname[abc] %proc.apid[ 1] %proc.aname[-1]'],
      ['-j', '-p', '%evt.num %proc.aname[1'],
      ['proc.aname[ 1]=systemd'],
      ['proc.aname[-1]=systemd and proc.apid[+1]=1'],
    ]),
    [],
  );
});

test("plugin events print with sysdig's plugin format unless -p gives one", { skip }, () => {
  const file = pluginEvents().save(join(dir, 'plugin.scap'));
  assert.deepEqual(
    differences(file, [[], ['-j'], ['-pc'], ['-p', '*%evt.num %evt.type %evt.pluginname'], ['-S', '-q']]),
    [],
  );
});

test('generic events with a syscall id past the table have no evt.type', { skip }, () => {
  const file = genericSyscalls().save(join(dir, 'generic.scap'));
  assert.deepEqual(
    differences(file, [
      [],
      ['-j'],
      ['-p', '*%evt.num %evt.type %syscall.type %evt.arg.ID'],
      ['evt.type=syscall'],
    ]),
    [],
  );
});

test('spy_users after several cd: the shifted ancestor slots read as nil', { skip }, () => {
  const file = shellSession().save(join(dir, 'shell.scap'));
  assert.deepEqual(
    differences(file, [
      ['-c', 'spy_users'],
      ['-c', 'spy_users', '-pc'],
    ]),
    [],
  );
});

const samples = resolve(repoRoot(), '..', 'shared', 'samples');

test(
  'container mount fields of containers without mounts have no value',
  {
    skip: skip || (!existsSync(samples) && 'no ../shared/samples'),
  },
  () => {
    const fields =
      '*%evt.num %container.id %container.mounts %container.mount[0] %container.mount[/etc] ' +
      '%container.mount.source[0] %container.mount.dest[/etc] %container.mount.rdwr[0] %container.mount.mode[1]';
    for (const sample of ['run_as_user_0_container.scap', 'privileged.scap']) {
      assert.deepEqual(differences(join(samples, sample), [['-p', fields, 'container.id!=host']]), []);
    }
  },
);

test(
  'command line corners: -p "*", formats without fields in JSON, -n 0, -e, two buffer formats',
  { skip },
  () => {
    const file = genericSyscalls().save(join(dir, 'cli.scap'));
    assert.deepEqual(
      differences(file, [
        ['-p', '*'],
        ['-p', 'abc'],
        ['-j', '-p', 'abc'],
        ['-j', '-p', '*'],
        ['-n', '0'],
        ['-e', '5'],
        ['-e', '0'],
        ['-x', '-A'],
        ['-A', '-x'],
        ['-b', '-X'],
      ]),
      [],
    );
  },
);

test(
  'chisels: arguments are checked before the filter, on_capture_end runs after a filter error',
  { skip },
  () => {
    const file = fdZoo().save(join(dir, 'chisel-order.scap'));
    const bad = 'proc.name=x and (';
    assert.deepEqual(
      differences(file, [
        ['-c', 'topprocs_cpu', bad],
        ['-c', 'topprocs_net', bad],
        ['-c', 'spy_port', '53', bad],
        ['-c', 'echo_fds', 'disable_color', bad],
        ['-c', 'fileslower', '0', bad],
        ['-c', 'fileslower', 'x', bad],
        ['-c', 'proc_exec_time', 'x', bad],
        ['-c', 'list_login_shells', 'x', bad],
        ['-c', 'lsof', bad],
      ]),
      [],
    );
  },
);

test(
  'spy_ip/spy_port take their argument as filter text; addresses compare at the socket family length',
  { skip },
  () => {
    const file = fdZoo().save(join(dir, 'spy.scap'));
    assert.deepEqual(
      differences(file, [
        ['-c', 'spy_ip', 'x'],
        ['-c', 'spy_ip', '::'],
        ['-c', 'spy_ip', '2001:db8::1'],
        ['-c', 'spy_ip', '10.0.0.5', 'disable_colors'],
        ['-c', 'spy_port', '0x35'],
        ['-c', 'spy_port', '99999'],
        ['-c', 'spy_port', '443'],
        ['-p', '%evt.num %fd.name', 'fd.ip=::'],
        ['-p', '%evt.num %fd.name', 'fd.ip=0.0.0.0'],
        ['-p', '%evt.num %fd.name', 'fd.sip=::1 or fd.cip in (::, 1.2.3.4)'],
        ['-p', '%evt.num %fd.name', 'fd.ip=::ffff:10.0.0.5'],
      ]),
      [],
    );
  },
);

test('-S prints its table when the run ends in an error or runs a chisel', { skip }, () => {
  const file = shellSession().save(join(dir, 'summary.scap'));
  assert.deepEqual(
    differences(file, [
      ['-S', 'proc.name=x and ('],
      ['-S', '-p', '%no.such'],
      ['-S', '-c', 'topprocs_cpu'],
      ['-S', '-c', 'lsof', 'bad('],
      ['-c', 'ps', 'bad('],
      ['-S', '-c', 'fileslower', 'x'],
      ['-S', '-c', 'spy_ip', 'x'],
    ]),
    [],
  );
});

test(
  'fdcount_by prints every key (more than 30 here), as sysdig does in its own (hash) order',
  { skip },
  () => {
    const file = fdZoo().save(join(dir, 'fdzoo-count.scap'));
    for (const key of ['fd.name', 'proc.name', 'fd.directory']) {
      const args = ['-r', file, '-c', 'fdcount_by', key];
      const sorted = (s: string): string[] => s.split('\n').sort();
      const want = sysdig(args).stdout;
      assert.deepEqual(sorted(capsight(args).stdout), sorted(want), key);
      if (key === 'fd.name') assert.ok(want.split('\n').length > 31, 'the capture has more than 30 fd names');
    }
  },
);

test(
  'a capture that fails to open or is cut mid-event ends as in sysdig (chisel ends, colour resets)',
  { skip },
  () => {
    const whole = readFileSync(shellSession().save(join(dir, 'cut-whole.scap')));
    // Cut inside the blocks before the first event (the open fails) and inside the last event
    // block (reading stops at the damage, after every event before it).
    const atOpen = join(dir, 'cut-open.scap');
    writeFileSync(atOpen, whole.subarray(0, 60));
    const midway = join(dir, 'cut-mid.scap');
    writeFileSync(midway, whole.subarray(0, whole.length - 5));
    const cases = [
      ['-S'],
      ['-S', '-q'],
      ['-p', '\\e[31m%evt.num %proc.name'],
      ['-c', 'fileslower', '0'],
      ['-c', 'echo_fds'],
      ['-c', 'spy_users'],
      ['-c', 'lsof'],
      ['-c', 'ps'],
      ['-c', 'lscontainers'],
      ['-c', 'proc_exec_time'],
      ['-c', 'fileslower', '0', '-S'],
      ['-c', 'echo_fds', '-p', '\\e[1m'],
    ];
    assert.deepEqual(differences(atOpen, cases), []);
    assert.deepEqual(differences(midway, cases), []);
    assert.deepEqual(differences(join(dir, 'no-such-file.scap'), cases), []);
  },
);

test('chisels on events without evt.type: top tables skip them, string.format prints nil', { skip }, () => {
  const file = genericSyscalls().save(join(dir, 'generic-chisels.scap'));
  assert.deepEqual(
    differences(file, [
      ['-c', 'topscalls_time'],
      ['-c', 'bottlenecks'],
      ['-c', 'scallslower', '0'],
      ['-c', 'scallslower', '0', '-pc'],
    ]),
    [],
  );
  // Equal counts print in Lua's hash order: compared as sets.
  for (const chisel of [['topscalls'], ['fdcount_by', 'evt.type']]) {
    const args = ['-r', file, '-c', ...chisel];
    const rows = (s: string): string[] => s.split('\n').sort();
    assert.deepEqual(rows(capsight(args).stdout), rows(sysdig(args).stdout), chisel.join(' '));
  }
});
