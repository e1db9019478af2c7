// Conformance: `capsight -r SAMPLE ARGS` must print exactly what sysdig 0.29.3 printed, for every case
// of ../shared/conformance (skipped when that folder is absent) and of the project's own goldens in
// scap-samples/goldens (always run). Comparison `exact` is byte equality; `ties` is ORACLE.md's rule
// for top-N chisels (value column in order; equal values compared as a multiset).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../scripts/repo-root.js';

const root = repoRoot();
const bin = join(root, 'bin', 'capsight.js');
const shared = resolve(root, '..', 'shared');

interface Case {
  id: string;
  sample: string;
  args: string;
  compare: 'exact' | 'ties';
}

function readCases(file: string): Case[] {
  const lines = readFileSync(file, 'utf8').split('\n').slice(1);
  return lines
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [id, sample, args, compare] = l.split('\t') as [string, string, string, string];
      return { id, sample, args: args ?? '', compare: (compare ?? 'exact').trim() as Case['compare'] };
    });
}

/** ORACLE.md's `ties` rule. Returns a description of the first difference, or '' when equal. */
export function tiesDiff(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  if (a.length !== e.length) return `line count ${a.length} != ${e.length}`;
  const first = (l: string): string => l.trim().split(/\s+/)[0] ?? '';
  for (let k = 0; k < a.length; k++) {
    if (first(a[k]!) !== first(e[k]!)) return `line ${k + 1}: value ${first(a[k]!)} != ${first(e[k]!)}`;
  }
  for (let k = 0; k < a.length;) {
    let end = k + 1;
    while (end < a.length && first(e[end]!) === first(e[k]!)) end++;
    const sa = a.slice(k, end).sort();
    const se = e.slice(k, end).sort();
    for (let q = 0; q < sa.length; q++)
      if (sa[q] !== se[q]) return `lines ${k + 1}-${end}: ${sa[q]} != ${se[q]}`;
    k = end;
  }
  return '';
}

function firstDiff(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let k = 0; k < Math.max(a.length, e.length); k++) {
    if (a[k] !== e[k])
      return `line ${k + 1}:\n  got:      ${JSON.stringify(a[k])}\n  expected: ${JSON.stringify(e[k])}`;
  }
  return '';
}

function runSuite(
  t: { diagnostic(m: string): void },
  casesFile: string,
  expectedDir: string,
  sampleDir: string,
): string[] {
  const failures: string[] = [];
  let passed = 0;
  for (const c of readCases(casesFile)) {
    const sample = join(sampleDir, c.sample);
    const r = spawnSync('bash', ['-c', `exec node "$0" -r "$1" ${c.args}`, bin, sample], {
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
      encoding: 'latin1',
      maxBuffer: 1 << 28,
    });
    const expected = readFileSync(join(expectedDir, `${c.id}.txt`), 'latin1');
    const actual = r.stdout;
    const diff =
      c.compare === 'ties'
        ? tiesDiff(actual, expected)
        : actual === expected
          ? ''
          : firstDiff(actual, expected);
    if (diff === '' && r.status === 0) passed++;
    else
      failures.push(
        `${c.id} (${c.args}): ${diff || `exit ${r.status}`}${r.stderr ? `\n  stderr: ${r.stderr.slice(0, 300)}` : ''}`,
      );
  }
  t.diagnostic(`${passed} passed, ${failures.length} failed`);
  console.log(`${casesFile}: ${passed} passed, ${failures.length} failed`);
  return failures;
}

test(
  'conformance with sysdig 0.29.3 on ../shared samples',
  { skip: !existsSync(join(shared, 'conformance', 'cases.tsv')) && 'no ../shared' },
  (t) => {
    const failures = runSuite(
      t,
      join(shared, 'conformance', 'cases.tsv'),
      join(shared, 'conformance', 'expected'),
      join(shared, 'samples'),
    );
    assert.deepEqual(failures, []);
  },
);

const goldens = join(root, 'scap-samples', 'goldens');
test(
  'conformance with sysdig 0.29.3 on the project samples',
  { skip: !existsSync(join(goldens, 'cases.tsv')) && 'no goldens yet' },
  (t) => {
    const failures = runSuite(t, join(goldens, 'cases.tsv'), goldens, join(root, 'scap-samples'));
    assert.deepEqual(failures, []);
  },
);
