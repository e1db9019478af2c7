// Filters and field values against sysdig 0.29.3 itself on the shared samples: for each case the
// capture is replayed (native reader + StateTracker), the compiled filter picks events, and the
// evt.num list must equal `sysdig -r SAMPLE -p %evt.num FILTER`. Field values are compared the same
// way with `-p "*%evt.num|%field|..."`. Skips when ../shared, sysdig or the native reader is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { COMPAT_EVENT_MAX, EC, EVENTS, eventInfo } from '../schema/index.js';
import { StateTracker } from '../state/tracker.js';
import { newContext, setEvent, type EventContext } from '../fields/context.js';
import type { EventState } from '../state/types.js';
import { makeLookup } from '../fields/lookup.js';
import { bindField } from '../fields/registry.js';
import type { BoundField } from '../fields/types.js';
import { compileFilter } from './compile.js';
import { complete, ValueCollector } from './complete.js';
import { FIELD_SAMPLES, FIELD_SETS, FILTER_CASES, STATE_TODO } from './conformance-cases.js';
import { repoRoot } from '../../scripts/repo-root.js';

const SAMPLES = join(repoRoot(), '..', 'shared', 'samples');
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'SOURCES.md'));

/** Shared samples by name; the project's own (scap-samples/...) from the repo root. */
function samplePath(sample: string): string {
  return sample.includes('/') ? join(repoRoot(), sample) : join(SAMPLES, sample);
}
const HAVE_SYSDIG = spawnSync('sysdig', ['--version'], { encoding: 'utf8' }).status === 0;

type Native = typeof import('../../native/index.js');
let native: Native | undefined;
try {
  native = await import('../../native/index.js');
  native.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX);
} catch {
  native = undefined;
}
const SKIP = !HAVE_SAMPLES ? 'no ../shared samples' : !native ? 'no native reader' : false;

/** sysdig's answers recorded by scripts/gen-filter-goldens.mjs, used when sysdig is not installed. */
interface Goldens {
  filters: Record<string, { count: number; sha256: string }>;
  fields: Record<string, Record<string, { nums: string; sha256: string }>>;
}
const GOLDENS = JSON.parse(
  readFileSync(join(repoRoot(), 'core', 'filter', 'sysdig-goldens.json'), 'utf8'),
) as Goldens;
const sha = (s: string): string => createHash('sha256').update(s, 'latin1').digest('hex');
function expandRanges(r: string): number[] {
  const out: number[] = [];
  for (const part of r.split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let k = a; k <= (b ?? a); k++) out.push(k);
  }
  return out;
}

/** Replays a sample and calls `visit` for every event sysdig would show (internal ones hidden). */
/**
 * Replays a sample and calls `visit` for every event sysdig would show (internal and hidden ones
 * left out). With `filter`, the state tracker runs it where libsinsp runs its filter (inside the
 * parse step), and only events that pass are visited.
 */
function replay(
  sample: string,
  visit: (ctx: EventContext) => void,
  filter?: (ctx: EventContext) => boolean,
): void {
  const r = native!.openCapture(samplePath(sample), native!.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX));
  try {
    const tracker = new StateTracker(r.header, EVENTS, { procTail0293: true });
    const lookup = makeLookup(r.header, tracker);
    let ctx: EventContext | undefined;
    for (let b = r.next(); b !== null; b = r.next()) {
      if (ctx === undefined) ctx = newContext(b, eventInfo(b.type[0]!), lookup);
      const c = ctx;
      c.batch = b;
      for (let i = 0; i < b.count; i++) {
        const info = eventInfo(b.type[i]!);
        const pass =
          filter === undefined
            ? undefined
            : (st: EventState): boolean => {
                setEvent(c, i, info, st);
                return filter(c);
              };
        const st = tracker.process(b, i, pass);
        setEvent(c, i, info, st);
        if (info.category & EC.INTERNAL || (st as { hidden?: boolean }).hidden) continue;
        visit(c);
        c.prevTs = b.ts[i]!;
      }
    }
  } finally {
    r.close();
  }
}

function sysdig(sample: string, args: string[]): string {
  const r = spawnSync('sysdig', ['-r', samplePath(sample), ...args], {
    encoding: 'latin1',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`sysdig failed: ${r.stderr}`);
  return r.stdout;
}

function ours(sample: string, filter: string): string {
  const f = compileFilter(filter);
  const mask = f.typeMask;
  let out = '';
  replay(
    sample,
    (ctx) => {
      out += ctx.num + '\n';
    },
    (ctx) => {
      const t = ctx.batch.type[ctx.i]!;
      const pass = f.predicate(ctx);
      // The prefilter must never drop a matching event.
      if (mask !== null && mask[t] === 0)
        assert.equal(pass, false, `prefilter dropped evt ${ctx.num} for ${filter}`);
      return pass;
    },
  );
  return out;
}

for (const [sample, filter] of FILTER_CASES) {
  test(`filter ${sample}: ${filter}`, { skip: SKIP }, () => {
    const got = ours(sample, filter);
    if (!HAVE_SYSDIG) {
      const g = GOLDENS.filters[`${sample}\t${filter}`];
      assert.ok(g, 'no golden: run scripts/gen-filter-goldens.mjs');
      assert.equal(got.split('\n').length - 1, g.count, `${filter}: event count vs sysdig's golden`);
      assert.equal(sha(got), g.sha256, `${filter}: evt.num list vs sysdig's golden`);
      return;
    }
    const want = sysdig(sample, ['-p', '%evt.num', filter]);
    if (got !== want) {
      const g = new Set(got.split('\n'));
      const w = new Set(want.split('\n'));
      const extra = [...g].filter((x) => !w.has(x)).slice(0, 10);
      const missing = [...w].filter((x) => !g.has(x)).slice(0, 10);
      assert.fail(
        `${filter}: ${g.size - 1} vs sysdig ${w.size - 1}; extra ${extra.join(',')} missing ${missing.join(',')}`,
      );
    }
  });
}

const SEP = '|#|';

for (const fields of FIELD_SETS) {
  const todo = fields
    .filter((f) => STATE_TODO[f] !== undefined)
    .map((f) => `${f}: ${STATE_TODO[f]}`)
    .join('; ');
  test(`fields vs sysdig -p: ${fields.join(' ')}`, { skip: SKIP, todo: todo || undefined }, () => {
    const problems: string[] = [];
    for (const sample of FIELD_SAMPLES) {
      // Bound once per capture: some fields keep state across events (thread.exectime).
      const bound = fields.map((f) => bindField(f));
      for (const b of bound) assert.notEqual(typeof b, 'string', String(b));
      const bf = bound as BoundField[];
      const fmt = '*%evt.num' + fields.map((f) => SEP + '%' + f).join('') + SEP;
      if (!HAVE_SYSDIG) {
        const g = GOLDENS.fields[fields.join(' ')]?.[sample];
        assert.ok(g, 'no golden: run scripts/gen-filter-goldens.mjs');
        const shown = new Set(expandRanges(g.nums));
        let text = '';
        replay(sample, (ctx) => {
          if (!shown.has(ctx.num)) return;
          let line = String(ctx.num);
          for (const b of bf) line += SEP + (b.text(ctx) ?? '<NA>');
          text += line + SEP + '\n';
        });
        if (sha(text) !== g.sha256) problems.push(`${sample}: -p text differs from sysdig's golden`);
        continue;
      }
      // Keyed by evt.num: which events are shown is the CLI's business, not the fields'.
      const want = new Map<string, string>();
      // Values may contain newlines (unix socket names do): records end with SEP + newline.
      for (const l of sysdig(sample, ['-p', fmt]).split(SEP + '\n'))
        if (l !== '') want.set(l.slice(0, l.indexOf(SEP)), l + SEP);
      replay(sample, (ctx) => {
        const w = want.get(String(ctx.num));
        if (w === undefined) return;
        let line = String(ctx.num);
        for (const b of bf) line += SEP + (b.text(ctx) ?? '<NA>');
        line += SEP;
        if (line !== w && problems.length < 12) {
          const gs = line.split(SEP);
          const ws = w.split(SEP);
          const diffs = fields
            .map((f, j) =>
              gs[j + 1] !== ws[j + 1]
                ? `${f}: got ${JSON.stringify(gs[j + 1])} want ${JSON.stringify(ws[j + 1])}`
                : '',
            )
            .filter((x) => x !== '');
          problems.push(`${sample} evt ${gs[0]}: ${diffs.join('; ')}`);
        }
      });
    }
    assert.deepEqual(problems, []);
  });
}

test('completions offer values seen in the capture (ValueCollector)', { skip: SKIP }, () => {
  const vc = new ValueCollector();
  replay('502Error.scap', (ctx) => vc.add(ctx));
  const labels = (t: string): string[] => complete(t, t.length, vc.source()).map((c) => c.label);
  assert.deepEqual(labels('proc.name=cu'), ['curl']);
  assert.ok(labels('proc.name=').includes('haproxy'));
  assert.ok(labels('fd.sip=192.168.0.').includes('192.168.0.2'));
  assert.ok(labels('fd.sport=').includes('80'));
  assert.ok(labels('evt.type in (open, acc').includes('accept'));
});
