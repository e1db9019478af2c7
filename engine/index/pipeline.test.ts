// The two-thread build (index side in a worker) gives the same index as the one-thread build:
// plain, gzip, concatenated and truncated captures, and one large enough to wrap the slot ring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { openForReading } from '../open.js';
import { buildIndex, Cancelled, type CaptureIndex } from './build.js';
import { makeBigCapture } from '../../bench/bigfile.js';
import { repoRoot } from '../../scripts/repo-root.js';
import { RING_SLOTS, SLOT_EVENTS } from './records.js';

const root = repoRoot();
const samples = resolve(root, '..', 'shared', 'samples');
const noSamples = existsSync(samples) ? false : 'no ../shared/samples';
const LAMP = join(root, 'scap-samples', 'lamp-audit.scap.gz');

function build(path: string, threads: 1 | 2): CaptureIndex {
  const reader = openForReading(path, { sysdigCompat: false, reuseBatches: true });
  try {
    return buildIndex({ path, reader, threads });
  } finally {
    reader.close();
  }
}

/** The first path where a and b differ (values, typed array contents, classes), or undefined.
 *  Functions and WeakMaps (build-time caches) are not compared. */
function diff(a: unknown, b: unknown, path = ''): string | undefined {
  if (typeof a === 'function' && typeof b === 'function') return undefined;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} != ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different classes`;
  if (a instanceof WeakMap) return undefined;
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const bv = b as ArrayBufferView;
    const y = new Uint8Array(bv.buffer, bv.byteOffset, bv.byteLength);
    return Buffer.compare(x, y) === 0 ? undefined : `${path}: typed array contents`;
  }
  if (a instanceof Map || a instanceof Set) {
    const x = [...(a as Map<unknown, unknown>)];
    const y = [...(b as Map<unknown, unknown>)];
    return diff(x, y, path);
  }
  const ka = Object.keys(a).filter((k) => k !== 'buildMs');
  const kb = Object.keys(b).filter((k) => k !== 'buildMs');
  if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} != ${kb.join()}`;
  for (const k of ka) {
    const d = diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

function same(path: string): CaptureIndex {
  const one = build(path, 1);
  const two = build(path, 2);
  assert.equal(diff(one, two), undefined, path);
  return two;
}

test('two-thread index equals one-thread index on the samples', { skip: noSamples }, () => {
  for (const n of ['502Error.scap', 'nginx_example0.scap', 'run_as_user_0_container.scap', 'example4-1.scap'])
    same(join(samples, n));
  same(LAMP);
  // The comparison sees differences (a check that cannot fail checks nothing).
  assert.notEqual(
    diff(build(join(samples, 'httpd.scap'), 1), build(join(samples, 'sample.scap'), 1)),
    undefined,
  );
  const ix = build(join(samples, 'httpd.scap'), 1);
  const other = build(join(samples, 'httpd.scap'), 1);
  other.marks.mask[0]! ^= 1;
  assert.match(diff(ix, other) ?? '', /marks\.mask/);
});

test(
  'two-thread index equals one-thread index: concatenated and truncated captures',
  { skip: noSamples },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsight-pipe-'));
    try {
      const a = readFileSync(join(samples, '502Error.scap'));
      const b = readFileSync(join(samples, 'example4-1.scap'));
      const cat = join(dir, 'cat.scap');
      writeFileSync(cat, Buffer.concat([a, b]));
      same(cat);
      const cut = join(dir, 'cut.scap');
      writeFileSync(cut, a.subarray(0, Math.floor(a.length * 0.6)));
      assert.notEqual(same(cut).error, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('two-thread index equals one-thread index past the slot ring', { skip: noSamples }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-pipe-'));
  try {
    const big = makeBigCapture(join(samples, '502Error.scap'), join(dir, 'big.scap'), 12e6);
    const ix = same(big);
    assert.ok(ix.cols.length > (RING_SLOTS + 1) * SLOT_EVENTS, `${ix.cols.length} events`);
    // Cancelled after a few batches: the build throws and the worker is stopped (no hang).
    for (const threads of [1, 2] as const) {
      const reader = openForReading(big, { sysdigCompat: false, reuseBatches: true });
      let polls = 0;
      let events = 0;
      try {
        assert.throws(
          () =>
            buildIndex({
              path: big,
              reader,
              threads,
              cancelled: () => ++polls > 1,
              progress: (p) => (events = Math.max(events, p.events)),
            }),
          Cancelled,
        );
      } finally {
        reader.close();
      }
      assert.equal(polls, 2);
      assert.ok(events < ix.cols.length, `progress ${events}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
