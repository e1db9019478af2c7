// Filter values and operators as sysdig 0.29.3 treats them, against the live sysdig on real
// captures: integers stored at the field's width (a negative value wraps for an unsigned field),
// values of 256 bytes or more refused, doubles taking no value, operators libsinsp only rejects
// when a value reaches the comparison (the run stops there with status 1), fd.ip / fd.port with
// operators their comparison has no case for, the operators 0.29.3's scanner cannot read, and
// '[...]' arguments only on the fields that take one, pmatch by path components, keywords read as
// prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../scripts/repo-root.js';
import { differences, haveSysdig } from './testing/oracle.js';

const samples = resolve(repoRoot(), '..', 'shared', 'samples');
const skip = !haveSysdig ? 'sysdig not installed' : !existsSync(samples) && 'no ../shared/samples';
const long = 'a'.repeat(256);

const FILTERS = [
  'evt.num > -1',
  'evt.num < -1',
  'evt.rawres > -1',
  'proc.nthreads > -1',
  'user.uid = 18446744073709551615',
  'fd.num < 4294967299',
  'evt.cpu = 65536',
  `proc.name = ${long}`,
  `proc.name = ${long.slice(1)}`,
  `evt.buffer contains ${long}`,
  'proc.fdusage > 1',
  'proc.fdusage exists',
  'evt.num < 5 or evt.buflen contains 8',
  'evt.num > 100 and evt.buflen contains 8',
  'evt.buflen contains 8 and evt.type=open',
  'evt.buflen.in glob 8',
  'evt.buffer icontains ab',
  'fd.ip exists',
  'not fd.port exists',
  'evt.num<60 or fd.port contains 8',
  'fd.ip < 1.2.3.4',
  'fd.net > 1.2.3.0/24',
  'fd.port != 80',
  'proc.name intersects (a, b)',
  'evt.buffer bcontains 2e',
  'proc.name bstartswith 62',
  'proc.env[PATH] exists',
  'fd.name[0] exists',
  'proc.aname[1] = bash',
  'fd.name pmatch (/)',
  'fd.name pmatch (usr//lib/, /etc)',
  'proc.apid in (1, 2)',
  'proc.apid[1] in (1)',
  'evt.latency > 1ms',
  'proc.name=bash andevt.num=1',
  'notproc.name=bash',
  'evt.num=3 ornot evt.num=4',
  'fd.net = ::1/128',
  'fd.net != ::1',
  'fd.net = 127.0.0.0/288',
];

test('filter values and operators vs sysdig', { skip }, () => {
  const cases = FILTERS.map((f) => ['-p', '%evt.num', f]);
  // '[...]' after a field without an argument is literal text in a format.
  cases.push(['-p', '*%evt.num %proc.env[PATH] %evt.arg[0] %proc.name[1]x %proc.aname[1]', 'evt.num<300']);
  for (const name of ['nginx_example0.scap', 'sample.scap', 'cat_write.scap', 'single_ipv6_conn.scap'])
    assert.deepEqual(differences(resolve(samples, name), cases), [], name);
});
