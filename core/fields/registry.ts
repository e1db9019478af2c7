// The field registry: catalog rows joined with their class module's binders, and name resolution
// for references as users write them (`proc.name`, `evt.arg.fd`, `evt.arg[0]`, `proc.aname[2]`,
// `evt.type.is.open`, `thread.cgroup.cpuacct`). Unknown names get a "did you mean" suggestion.
import type { PT } from '../schema/types.js';
import { FIELD_CLASSES } from './catalog.js';
import { EVT_BINDERS } from './evt.js';
import { FD_BINDERS } from './fd.js';
import { OTHER_BINDERS, UNAVAILABLE_CLASSES } from './other.js';
import { PROC_BINDERS } from './proc.js';
import { FieldFlag, type Binder, type BoundField, type FieldArg, type FieldDef } from './types.js';
import { toText } from './values.js';

const BINDERS: Record<string, Binder> = { ...EVT_BINDERS, ...PROC_BINDERS, ...FD_BINDERS, ...OTHER_BINDERS };

const NO_VALUE: Binder = () => ({ extract: () => undefined, cost: 1 });

/** Every field, in listing order. */
export const FIELDS: readonly FieldDef[] = FIELD_CLASSES.flatMap((c) =>
  c.fields.map(([name, type, fmt, flags, desc]) => ({ name, type, fmt, flags, desc, className: c.name })),
);

const BY_NAME = new Map<string, FieldDef>(FIELDS.map((f) => [f.name, f]));

function binderOf(def: FieldDef): Binder {
  const b = BINDERS[def.name];
  if (b !== undefined) return b;
  if (UNAVAILABLE_CLASSES.has(def.className) || def.name.startsWith('marathon.')) return NO_VALUE;
  throw new Error(`field ${def.name} has no extractor`);
}

// Fail at load, not at first use, if a catalog field lacks an extractor.
for (const f of FIELDS) binderOf(f);

export function fieldDef(name: string): FieldDef | undefined {
  return BY_NAME.get(name);
}

/** Fields whose argument may be left out (every ancestor in a filter). */
const OPTIONAL_ARG = new Set(['proc.aname', 'proc.apid']);

/** Split `name[arg]` / `name.arg` into a known field and its argument. */
export function splitFieldName(text: string): { def: FieldDef; arg: FieldArg | undefined } | undefined {
  const br = text.indexOf('[');
  if (br > 0) {
    if (!text.endsWith(']')) return undefined;
    const def = BY_NAME.get(text.slice(0, br));
    // Only fields with an argument parse one (libsinsp's extract_arg); `proc.env[PATH]` is unknown.
    if (def === undefined || !(def.flags & FieldFlag.ARG_REQUIRED || OPTIONAL_ARG.has(def.name)))
      return undefined;
    return { def, arg: { text: text.slice(br + 1, -1), bracket: true } };
  }
  const exact = BY_NAME.get(text);
  if (exact) return { def: exact, arg: undefined };
  // Longest field name followed by '.': the rest is the argument (evt.arg.fd, evt.type.is.open).
  for (let dot = text.lastIndexOf('.'); dot > 0; dot = text.lastIndexOf('.', dot - 1)) {
    const def = BY_NAME.get(text.slice(0, dot));
    if (def && (def.flags & FieldFlag.ARG_REQUIRED || def.name === 'evt.abspath')) {
      return { def, arg: { text: text.slice(dot + 1), bracket: false } };
    }
  }
  return undefined;
}

function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, k) => k);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      // Transposition counts as one edit (nmae -> name).
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cur[j] = Math.min(cur[j]!, prev[j - 2]! + 1);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** The listed field closest to `name`, if one is close enough to be a likely typo. */
export function suggestField(name: string): string | undefined {
  const base = name.replace(/\[.*$/, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const f of FIELDS) {
    if (f.flags & FieldFlag.TABLE_ONLY) continue;
    const d = editDistance(base, f.name);
    if (d < bestD) {
      bestD = d;
      best = f.name;
    }
  }
  return bestD <= Math.max(2, Math.floor(base.length / 4)) ? best : undefined;
}

/**
 * Resolve a field reference, or return an error message. Bind once per scan of a capture: a few
 * fields keep state across the events they are evaluated on (thread.exectime and
 * thread.totexectime remember the last context switch per CPU), as libsinsp's filterchecks do.
 */
export function bindField(text: string): BoundField | string {
  const split = splitFieldName(text);
  if (split === undefined) {
    const s = suggestField(text);
    return `unknown field '${text}'` + (s !== undefined ? ` (did you mean ${s}?)` : '');
  }
  const { def, arg } = split;
  if (def.flags & FieldFlag.ARG_REQUIRED && arg === undefined && def.name !== 'evt.abspath') {
    return `field '${def.name}' needs an argument, e.g. ${EXAMPLES[def.name] ?? def.name + '.NAME'}`;
  }
  const b = binderOf(def)(arg, def);
  if (typeof b === 'string') return b;
  const type: PT = b.type ?? def.type;
  const fmt = b.fmt ?? def.fmt;
  const extract = b.extract;
  const text2 =
    b.text ??
    ((ctx) => {
      const v = extract(ctx);
      return v === undefined ? undefined : toText(v, type, fmt);
    });
  return { ...b, def, arg, type, fmt, fullName: text, text: text2, cost: b.cost ?? 1 };
}

const EXAMPLES: Record<string, string> = {
  'evt.arg': 'evt.arg.fd or evt.arg[0]',
  'evt.rawarg': 'evt.rawarg.res',
  'evt.type.is': 'evt.type.is.open',
  'evt.around': 'evt.around[1404996934793590564]=1000',
  'thread.cgroup': 'thread.cgroup.cpuacct',
  'container.mount': 'container.mount[0]',
};
