// Records sysdig 0.29.3's answers for the filter and field cases of core/filter/conformance-cases.ts
// into core/filter/sysdig-goldens.json, so core/filter/sysdig.test.ts can check them where sysdig is
// not installed. Run after `npx tsc -p .`, from the repo root, with sysdig on PATH and the samples in
// ../shared/samples:   node scripts/gen-filter-goldens.mjs
//
// A filter golden is the number of events sysdig prints and the sha256 of their evt.num list; a
// field golden is, per sample, the evt.nums sysdig shows (as ranges) and the sha256 of its -p text.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELD_SAMPLES, FIELD_SETS, FILTER_CASES } from '../dist/core/filter/conformance-cases.js';

const SAMPLES = join(process.cwd(), '..', 'shared', 'samples');
const SEP = '|#|';

function sysdig(sample, args) {
  const path = sample.includes('/') ? join(process.cwd(), sample) : join(SAMPLES, sample);
  const r = spawnSync('sysdig', ['-r', path, ...args], {
    encoding: 'latin1',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`sysdig ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sha = (s) => createHash('sha256').update(s, 'latin1').digest('hex');

/** 1,2,3,7,8 -> "1-3,7-8". */
function ranges(nums) {
  const out = [];
  for (let k = 0; k < nums.length;) {
    let j = k;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    out.push(j === k ? `${nums[k]}` : `${nums[k]}-${nums[j]}`);
    k = j + 1;
  }
  return out.join(',');
}

const goldens = { sysdig: 'sysdig version 0.29.3', filters: {}, fields: {} };
for (const [sample, filter] of FILTER_CASES) {
  const out = sysdig(sample, ['-p', '%evt.num', filter]);
  goldens.filters[`${sample}\t${filter}`] = { count: out.split('\n').length - 1, sha256: sha(out) };
}
for (const fields of FIELD_SETS) {
  const fmt = '*%evt.num' + fields.map((f) => SEP + '%' + f).join('') + SEP;
  const per = {};
  for (const sample of FIELD_SAMPLES) {
    const recs = sysdig(sample, ['-p', fmt])
      .split(SEP + '\n')
      .filter((l) => l !== '');
    const nums = recs.map((l) => Number(l.slice(0, l.indexOf(SEP))));
    per[sample] = { nums: ranges(nums), sha256: sha(recs.map((l) => l + SEP + '\n').join('')) };
  }
  goldens.fields[fields.join(' ')] = per;
}
writeFileSync(
  join(process.cwd(), 'core', 'filter', 'sysdig-goldens.json'),
  JSON.stringify(goldens, null, 2) + '\n',
);
console.log(`${FILTER_CASES.length} filter cases, ${FIELD_SETS.length} field sets recorded`);
