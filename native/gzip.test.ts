// Gzip random access: bytes re-inflated from access points equal the plain file's bytes at any
// offset, across member boundaries (`cat a.gz b.gz`), and the points the reader records while
// reading a capture are the ones a separate indexing pass finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildGzipIndex, readGzipRange } from './index.js';
import { openForReading } from '../engine/open.js';
import { repoRoot } from '../scripts/repo-root.js';

const sample = resolve(repoRoot(), '..', 'shared', 'samples', '502Error.scap');
const skip = existsSync(sample) ? false : 'no ../shared/samples';

/** A deterministic spread of offsets: edges, member boundary, and a stride through the file. */
function offsets(size: number, boundary: number): number[] {
  const out = [0, 1, boundary - 1, boundary, boundary + 1, size - 1, size, size + 100];
  for (let k = 1; k < 40; k++) out.push(Math.floor((size * k * 7919) / 40) % size);
  return out;
}

test('gzip ranges re-inflate exactly from access points, across members', { skip }, () => {
  const plain = readFileSync(sample);
  const dir = mkdtempSync(join(tmpdir(), 'capsight-gz-'));
  try {
    const cut = Math.floor(plain.length / 3);
    const path = join(dir, 'two-members.scap.gz');
    writeFileSync(
      path,
      Buffer.concat([gzipSync(plain.subarray(0, cut), { level: 1 }), gzipSync(plain.subarray(cut))]),
    );
    const index = buildGzipIndex(path, 65536);
    // Points in both members, so reads start mid-stream (not from the file start).
    assert.ok(index.length > 4 * 32768, `index has ${index.length} bytes`);
    for (const off of offsets(plain.length, cut)) {
      for (const len of [1, 100, 70000]) {
        const got = Buffer.from(readGzipRange(path, index, off, len));
        const want = plain.subarray(Math.min(off, plain.length), Math.min(plain.length, off + len));
        assert.ok(got.equals(want), `offset ${off} length ${len}: ${got.length} vs ${want.length} bytes`);
      }
    }
    // Without points: from the start.
    assert.ok(
      Buffer.from(readGzipRange(path, new Uint8Array(0), cut - 5, 10)).equals(
        plain.subarray(cut - 5, cut + 5),
      ),
    );
    // A damaged index is refused, not followed.
    assert.throws(() => readGzipRange(path, index.subarray(0, 30), 5, 5), /malformed access index/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the reader records the access points of a separate indexing pass', { skip }, () => {
  const plain = readFileSync(sample);
  const dir = mkdtempSync(join(tmpdir(), 'capsight-gz-'));
  try {
    // Four concatenated copies: a capture with four sections, > 4 MB inflated (one point or more).
    const path = join(dir, 'four.scap.gz');
    writeFileSync(path, gzipSync(Buffer.concat([plain, plain, plain, plain])));
    const reader = openForReading(path, { sysdigCompat: false, reuseBatches: true });
    let events = 0;
    for (let b = reader.next(); b !== null; b = reader.next()) events += b.count;
    reader.close();
    assert.equal(reader.error, null);
    assert.ok(events > 0);
    const recorded = reader.gzipIndex();
    assert.ok(recorded !== null && recorded.length > 32768, 'at least one access point');
    assert.ok(Buffer.from(recorded).equals(Buffer.from(buildGzipIndex(path))));
    const at = 3 * plain.length + 12345;
    assert.ok(
      Buffer.from(readGzipRange(path, recorded, at, 4096)).equals(plain.subarray(12345, 12345 + 4096)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
