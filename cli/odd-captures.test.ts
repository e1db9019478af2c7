// Differential tests on captures built for the purpose (cli/testing/scenarios.ts): what real
// captures rarely hold must still print as sysdig 0.29.3 prints it. The oracle is the installed
// sysdig; the tests skip without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { differences, haveSysdig } from './testing/oracle.js';
import { fdZoo } from './testing/scenarios.js';

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
