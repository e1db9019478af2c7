// Capture text is hostile: file names and buffers carry UTF-8, invalid bytes and control characters.
// Capsight must print them exactly as sysdig 0.29.3 does (text output: raw or sanitized bytes as
// libsinsp passes them through; -j: JsonCpp's escaping). The capture is built here with the project's
// own writer on top of the bundled sample's header; the oracle is the real sysdig (skipped without it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openForReading } from '../engine/open.js';
import { ScapWriter, encodeParam } from '../core/scapwrite/index.js';
import { EVENTS } from '../core/schema/index.js';
import { PPME } from '../core/schema/generated/ppme.js';
import { repoRoot } from '../scripts/repo-root.js';

const root = repoRoot();
const bin = join(root, 'bin', 'capsight.js');
const haveSysdig = spawnSync('sysdig', ['--version']).status === 0;

const NAMES: Uint8Array[] = [
  Buffer.from('/tmp/caf\u00e9-\u65e5\u672c-\u{1f600}.txt', 'utf8'),
  Uint8Array.from([...Buffer.from('/tmp/bad-'), 0xff, 0xc3, 0x28, 0x80, 0x2e, 0x74]),
  Uint8Array.from([
    ...Buffer.from('/tmp/ctl-'),
    0x01,
    0x1b,
    0x5b,
    0x33,
    0x31,
    0x6d,
    0x09,
    0x0a,
    0x7f,
    0x22,
    0x5c,
  ]),
  Buffer.from('relative/../x"y\\z', 'latin1'),
];

function buildCapture(): string {
  const reader = openForReading(join(root, 'scap-samples', 'lamp-audit.scap.gz'), { sysdigCompat: true });
  const header = reader.header;
  const first = reader.next()!;
  const ts0 = first.ts[0]!;
  reader.close();
  const tid = header.procs[0]!.tid;
  const chunks: Uint8Array[] = [];
  const w = new ScapWriter({ sink: (c) => chunks.push(c) });
  w.writeHeader(header);
  const openE = EVENTS[PPME.SYSCALL_OPEN_E]!;
  const openX = EVENTS[PPME.SYSCALL_OPEN_X]!;
  const writeX = EVENTS[PPME.SYSCALL_WRITE_X]!;
  let ts = ts0;
  NAMES.forEach((name, k) => {
    const fd = 40 + k;
    const enter = [name, 1, 0];
    w.writeEvent({
      type: openE.code,
      ts: (ts += 1000n),
      tid,
      cpu: 0,
      params: openE.params.map((p, j) => encodeParam(p, enter[j]!)),
    });
    const exit = [fd, name, 1, 0, 0];
    w.writeEvent({
      type: openX.code,
      ts: (ts += 1000n),
      tid,
      cpu: 0,
      params: openX.params.map((p, j) => encodeParam(p, exit[j]!)),
    });
    const data = [name.length, name];
    w.writeEvent({
      type: writeX.code,
      ts: (ts += 1000n),
      tid,
      cpu: 1,
      params: writeX.params.map((p, j) => encodeParam(p, data[j]!)),
    });
  });
  w.close();
  const file = join(mkdtempSync(join(tmpdir(), 'capsight-hostile-')), 'hostile.scap');
  writeFileSync(file, Buffer.concat(chunks.map((c) => Buffer.from(c))));
  return file;
}

const OPTIONS: readonly (readonly string[])[] = [
  [],
  ['-j'],
  ['-A'],
  ['-X'],
  ['-j', '-X'],
  ['-p', '*%evt.num %fd.name %evt.arg.name %evt.buffer'],
  ['-j', '-p', '*%evt.num %fd.name %evt.arg.name %evt.buffer %evt.info'],
];

test(
  'hostile names and buffers print exactly as sysdig prints them',
  { skip: !haveSysdig && 'sysdig not installed' },
  () => {
    const file = buildCapture();
    for (const opts of OPTIONS) {
      const args = ['-r', file, ...opts, 'evt.type in (open, write)'];
      const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };
      const expected = spawnSync('sysdig', args, { env, encoding: 'latin1' });
      const actual = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'latin1' });
      assert.equal(expected.status, 0, expected.stderr);
      assert.ok(expected.stdout.length > 0, `sysdig printed nothing for ${opts.join(' ')}`);
      assert.equal(actual.stdout, expected.stdout, `output differs for ${opts.join(' ') || '(default)'}`);
    }
  },
);
