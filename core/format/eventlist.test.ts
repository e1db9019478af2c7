import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventList } from './eventlist.js';
import { repoRoot } from '../../scripts/repo-root.js';

const eventsTxt = join(repoRoot(), '..', 'shared', 'conformance', 'events.txt');

test(
  'renderEventList matches sysdig -L byte for byte',
  { skip: !existsSync(eventsTxt) && 'no ../shared' },
  () => {
    const expected = readFileSync(eventsTxt, 'utf8');
    const actual = renderEventList();
    if (actual !== expected) {
      // Point at the first differing line rather than dumping two 265-line strings.
      const a = actual.split('\n');
      const e = expected.split('\n');
      const i = a.findIndex((line, k) => line !== e[k]);
      assert.equal(a[i], e[i], `first difference at line ${i + 1}`);
    }
    assert.equal(actual, expected);
  },
);

test('includeNewer lists the newer libs events after the 0.29.3 ones', () => {
  const compat = renderEventList();
  const all = renderEventList({ includeNewer: true });
  assert.ok(all.startsWith(compat));
  assert.ok(all.length > compat.length);
});
