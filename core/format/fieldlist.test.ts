import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { renderFieldList, renderFieldListMarkdown } from './fieldlist.js';
import { repoRoot } from '../../scripts/repo-root.js';

const fieldsTxt = join(repoRoot(), '..', 'shared', 'conformance', 'fields.txt');

test(
  'renderFieldList matches sysdig -l byte for byte',
  { skip: !existsSync(fieldsTxt) && 'no ../shared' },
  () => {
    const expected = readFileSync(fieldsTxt, 'utf8');
    const actual = renderFieldList();
    const a = actual.split('\n');
    const e = expected.split('\n');
    const k = a.findIndex((line, j) => line !== e[j]);
    assert.equal(
      k === -1 && a.length === e.length ? -1 : k,
      -1,
      `first difference at line ${k + 1}:\n  got ${JSON.stringify(a[k])}\n want ${JSON.stringify(e[k])}`,
    );
    assert.equal(actual, expected);
  },
);

test('field list wraps descriptions at 120 columns and tags filter-only fields', () => {
  const out = renderFieldList();
  for (const line of out.split('\n')) assert.ok(line.length <= 120, line);
  assert.match(out, /^fd\.ip {25}\(FILTER ONLY\) /m);
  assert.doesNotMatch(out, /^evt\.count\.procinfo/m);
});

test(
  'renderFieldListMarkdown matches sysdig --list-markdown byte for byte',
  { skip: spawnSync('sysdig', ['--version']).status !== 0 && 'sysdig not installed' },
  () => {
    const expected = spawnSync('sysdig', ['--list-markdown'], { encoding: 'utf8' }).stdout;
    assert.ok(expected.includes('## Field Class: fd'));
    assert.equal(renderFieldListMarkdown(), expected);
  },
);
