// Header text that is not UTF-8 (a process name, path, argument, user name or fd name holding
// latin1 or stray bytes): libsinsp keeps capture strings as bytes, so sysdig prints them raw. The
// native reader hands them over as byte strings (no U+FFFD), and -w writes them back unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureHeader } from '../core/capture.js';
import { capsight, differences, haveSysdig, sysdig } from './testing/oracle.js';
import { fdZoo } from './testing/scenarios.js';

const skip = !haveSysdig && 'sysdig not installed';
const dir = mkdtempSync(join(tmpdir(), 'capsight-hdrbytes-'));

/** Every header string: its UTF-8 'é' (C3 A9) becomes a lone latin1 E9, and 'ä' (C3 A4) a stray
 *  continuation byte A4: neither is valid UTF-8. */
function breakUtf8(h: CaptureHeader): void {
  const bad = (s: string): string =>
    s.replaceAll('\u00c3\u00a9', '\u00e9').replaceAll('\u00c3\u00a4', '\u00a4');
  for (const p of h.procs) {
    p.comm = bad(p.comm);
    p.exe = bad(p.exe);
    p.exepath = bad(p.exepath);
    p.args = p.args.map(bad);
    p.cwd = bad(p.cwd);
    p.env = [...p.env.map(bad), 'RAW=\u00ff\u00fe'];
  }
  for (const l of h.fdlists) for (const f of l.fds) f.name = bad(f.name);
  for (const u of h.users) u.name = bad(u.name) + '\u00ff';
}

test('header strings that are not UTF-8 print byte for byte as in sysdig', { skip }, () => {
  const file = fdZoo().save(join(dir, 'zoo-latin1.scap'), breakUtf8);
  // The edit must have produced bytes sysdig prints raw (otherwise this test proves nothing).
  assert.match(sysdig(['-r', file, '-p', '%proc.name']).stdout, /caf\u00e9-srv/);
  const fields =
    '*%evt.num %proc.name %proc.exe %proc.exepath %proc.args %proc.cmdline %proc.cwd %proc.env ' +
    '%user.name %fd.name %fd.directory %fd.filename';
  assert.deepEqual(
    differences(file, [[], ['-p', fields], ['-j', '-p', fields], ['-c', 'ps'], ['-c', 'lsof']]),
    [],
  );
});

test('-w keeps header bytes that are not UTF-8', { skip }, () => {
  const file = fdZoo().save(join(dir, 'zoo-latin1-w.scap'), breakUtf8);
  const out = join(dir, 'zoo-latin1-copy.scap');
  assert.equal(capsight(['-r', file, '-w', out]).status, 0);
  const before = readFileSync(file);
  const after = readFileSync(out);
  // The process list, with its raw bytes, is in the copy (the zoo's env entry holds FF FE).
  assert.ok(after.includes(Buffer.from('RAW=\xff\xfe', 'latin1')));
  assert.ok(before.includes(Buffer.from('RAW=\xff\xfe', 'latin1')));
  for (const args of [
    ['-c', 'ps'],
    ['-p', '%evt.num %proc.name %proc.cwd %fd.name'],
  ])
    assert.equal(sysdig(['-r', out, ...args]).stdout, sysdig(['-r', file, ...args]).stdout);
});
