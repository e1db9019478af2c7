// Writes scap-samples/lamp-audit.scap.gz from the LAMP scenario (npm run samples). Deterministic:
// the scenario is seeded and gzip output depends only on the bytes, so reruns give the same file.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ScapWriter, concatChunks, headerFromText } from '../core/scapwrite/index.js';
import { lampAudit } from './scenario/lamp.js';

/** The repo's scap-samples folder (this file runs from dist/scap-samples). */
function samplesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', 'scap-samples');
}

export function buildLampAudit(): Uint8Array {
  const { header, events } = lampAudit();
  const chunks: Uint8Array[] = [];
  const w = new ScapWriter({ sink: (c) => chunks.push(c) });
  w.writeHeader(headerFromText(header));
  for (const ev of events) w.writeEvent(ev);
  w.close();
  return concatChunks(chunks);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const raw = buildLampAudit();
  const gz = gzipSync(raw, { level: 9 });
  const out = join(samplesDir(), 'lamp-audit.scap.gz');
  writeFileSync(out, gz);
  console.log(`${out}: ${raw.length} bytes raw, ${gz.length} gzipped`);
}
