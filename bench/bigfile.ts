// Builds a large capture for the benchmarks from a real one: the header once, then the source's
// events over and over, each pass shifted in time past the previous one, until the target size.
// The output lives under bench/data (ignored by git).
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ScapWriter } from '../core/scapwrite/index.js';
import { openForReading } from '../engine/open.js';
import { repoRoot as findRepoRoot } from '../scripts/repo-root.js';

export const repoRoot = findRepoRoot();
export const sharedSamples = resolve(repoRoot, '..', 'shared', 'samples');

/** The largest real sample available (../shared/samples), or the project's own bundled capture. */
export function largestSample(): string {
  const candidates = [
    join(sharedSamples, '502Error.scap'),
    join(repoRoot, 'scap-samples', 'lamp-audit.scap.gz'),
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error('no sample capture found (../shared/samples or scap-samples/)');
}

/** The benchmarks' capture of about `sizeMb` MB under bench/data/, made from `source` (the
 *  largest real sample) the first time it is asked for. */
export function benchCapture(sizeMb: number, source = largestSample()): string {
  return makeBigCapture(source, join(repoRoot, 'bench', 'data', `big-${sizeMb}mb.scap`), sizeMb * 1e6);
}

/** Writes `out` (about `targetBytes` long) unless it already exists with at least that size. */
export function makeBigCapture(source: string, out: string, targetBytes: number): string {
  if (existsSync(out) && statSync(out).size >= targetBytes * 0.95) return out;
  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out + '.tmp', 'w');
  const writer = new ScapWriter({ sink: (chunk) => void writeSync(fd, chunk) });
  let pass = 0;
  let shift = 0n;
  while (writer.bytesWritten < targetBytes) {
    const reader = openForReading(source, { sysdigCompat: false });
    if (pass === 0) writer.writeHeader(reader.header);
    let first = -1n;
    let last = 0n;
    for (let b = reader.next(); b !== null; b = reader.next()) {
      for (let i = 0; i < b.count; i++) {
        const t = b.ts[i]!;
        // Metadata events may carry ts 0: the span is measured from the first real timestamp.
        if (t > 0n && (first < 0n || t < first)) first = t;
        if (t > last) last = t;
        b.ts[i] = t + shift;
      }
      writer.writeBatch(b);
      if (writer.bytesWritten >= targetBytes) break;
    }
    reader.close();
    shift += last - first + 1_000_000n;
    pass++;
  }
  writer.close();
  closeSync(fd);
  // Rename only when complete, so an interrupted run is never mistaken for a finished file.
  renameSync(out + '.tmp', out);
  return out;
}
