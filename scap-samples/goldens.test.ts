// The goldens are sysdig 0.29.3's output for the generated sample: check that they are current
// (regenerate with `npm run samples && npm run goldens` when the scenario changes) and that the
// case list is well formed for the conformance runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../scripts/repo-root.js';

const DIR = join(repoRoot(), 'scap-samples');
const GOLDENS = join(DIR, 'goldens');
const HAVE_SYSDIG = /0\.29\.3/.test(spawnSync('sysdig', ['--version'], { encoding: 'utf8' }).stdout ?? '');

interface Case {
  id: string;
  sample: string;
  args: string;
  compare: string;
}

function cases(): Case[] {
  const lines = readFileSync(join(GOLDENS, 'cases.tsv'), 'utf8').split('\n').filter(Boolean);
  assert.deepEqual(lines[0]?.split('\t'), ['id', 'sample', 'args', 'compare']);
  return lines.slice(1).map((l) => {
    const [id = '', sample = '', args = '', compare = ''] = l.split('\t');
    return { id, sample, args, compare };
  });
}

/** ORACLE.md's `ties` rule: same first-token sequence, same multiset within equal-token runs. */
function tieGroups(text: string): string[] {
  const groups: { key: string; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const key = line.trim().split(/\s+/)[0] ?? '';
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.lines.push(line);
    else groups.push({ key, lines: [line] });
  }
  return groups.map((g) => `${g.key}\0${g.lines.sort().join('\n')}`);
}

test('goldens/cases.tsv lists every golden file with a known compare rule', () => {
  const cs = cases();
  assert.ok(cs.length >= 30);
  const ids = new Set<string>();
  for (const c of cs) {
    assert.match(c.id, /^l\d\d_[A-Za-z0-9_]+$/);
    assert.ok(!ids.has(c.id), `duplicate id ${c.id}`);
    ids.add(c.id);
    assert.ok(existsSync(join(DIR, c.sample)), `${c.id}: sample ${c.sample}`);
    assert.ok(existsSync(join(GOLDENS, `${c.id}.txt`)), `${c.id}: golden file`);
    assert.ok(c.compare === 'exact' || c.compare === 'ties', `${c.id}: compare ${c.compare}`);
  }
});

test(
  'goldens match what sysdig 0.29.3 prints for the current sample',
  { skip: !HAVE_SYSDIG && 'sysdig 0.29.3 not installed' },
  () => {
    for (const c of cases()) {
      // args are POSIX shell words, exactly as the conformance runner expands them.
      const r = spawnSync('bash', ['-c', `sysdig -r "$0" ${c.args}`, c.sample], {
        cwd: DIR,
        encoding: 'utf8',
        env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
        maxBuffer: 1 << 28,
      });
      assert.equal(r.status, 0, `${c.id}: exit ${r.status}: ${r.stderr}`);
      const want = readFileSync(join(GOLDENS, `${c.id}.txt`), 'utf8');
      if (c.compare === 'exact') assert.equal(r.stdout, want, `${c.id} is stale: npm run goldens`);
      else assert.deepEqual(tieGroups(r.stdout), tieGroups(want), `${c.id} is stale: npm run goldens`);
    }
  },
);
