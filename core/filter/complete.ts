// Editor support for the filter box: completions at a cursor (field names with descriptions,
// operators valid for the field's type, values — from the field's fixed domain or from what the
// capture holds, through a callback — and the and/or keywords) and diagnostics with ranges.
// Everything is computed from the text alone; nothing here throws.
import { EVENTS, SYSCALL_NAMES } from '../schema/index.js';
import { bindField, FIELDS, fieldDef, splitFieldName } from '../fields/registry.js';
import type { EventContext } from '../fields/context.js';
import { FieldFlag, ValueKind, type BoundField } from '../fields/types.js';
import { UNAVAILABLE_CLASSES } from '../fields/other.js';
import { valueKind } from '../fields/values.js';
import { FilterError, LIST_OPS, OPERATORS, type CmpOp } from './ast.js';
import { compileFilter } from './compile.js';
import { isBlank, Scanner } from './lex.js';

export type CompletionKind = 'field' | 'operator' | 'value' | 'keyword';

export interface Completion {
  label: string;
  kind: CompletionKind;
  /** Field description, operator meaning, or where a value comes from. */
  detail: string;
  /** Text to put in place of [from, to). */
  insertText: string;
  from: number;
  to: number;
}

export interface Diagnostic {
  /** 0-based offsets into the filter text, end exclusive. */
  start: number;
  end: number;
  severity: 'error' | 'warning';
  message: string;
}

/** Values the capture holds for a field (process names, IPs, ports...), best first. */
export type ValueSource = (field: string, prefix: string) => readonly string[];

const OP_DETAIL: Record<CmpOp, string> = {
  '=': 'equal',
  '!=': 'not equal (false when the field has no value)',
  '<': 'less than',
  '<=': 'less than or equal',
  '>': 'greater than',
  '>=': 'greater than or equal',
  contains: 'contains the text',
  icontains: 'contains the text, ignoring ASCII case',
  startswith: 'starts with',
  endswith: 'ends with',
  glob: 'matches a shell wildcard pattern (* ? [...])',
  in: 'equal to one of (a, b, ...)',
  intersects: 'equal to one of (a, b, ...)',
  pmatch: 'is one of the paths or below one (a, b, ...)',
  exists: 'has a value',
};

const OPS_BY_KIND: Record<ValueKind, readonly CmpOp[]> = {
  [ValueKind.STRING]: [
    '=',
    '!=',
    'contains',
    'icontains',
    'startswith',
    'endswith',
    'glob',
    'in',
    'pmatch',
    'exists',
    '<',
    '<=',
    '>',
    '>=',
  ],
  [ValueKind.BUFFER]: ['contains', 'startswith', 'endswith', '=', '!=', 'exists'],
  [ValueKind.INT]: ['=', '!=', '<', '<=', '>', '>=', 'in', 'exists'],
  [ValueKind.TIME]: ['=', '!=', '<', '<=', '>', '>=', 'in', 'exists'],
  [ValueKind.DOUBLE]: ['=', '!=', '<', '<=', '>', '>=', 'exists'],
  [ValueKind.BOOL]: ['=', '!=', 'exists'],
  [ValueKind.IP]: ['=', '!=', 'in', 'exists'],
  [ValueKind.IPNET]: ['=', '!=', 'in', 'exists'],
  [ValueKind.PORT]: ['=', '!=', '<', '<=', '>', '>=', 'in', 'exists'],
};

/** Fixed value domains, offered before the capture's values. */
function builtinValues(field: string): readonly string[] {
  switch (field) {
    case 'evt.type':
    case 'syscall.type': {
      const names = new Set<string>();
      for (const e of EVENTS) if (e.name !== 'NA' && e.name !== 'unknown') names.add(e.name);
      for (const s of SYSCALL_NAMES) if (s !== '' && s !== '<unknown>') names.add(s);
      return [...names].sort();
    }
    case 'evt.dir':
      return ['>', '<'];
    case 'fd.type':
      return [
        'file',
        'directory',
        'ipv4',
        'ipv6',
        'unix',
        'pipe',
        'event',
        'signalfd',
        'eventpoll',
        'inotify',
        'timerfd',
        'netlink',
      ];
    case 'fd.typechar':
      return ['f', 'd', '4', '6', 'u', 'p', 'e', 's', 'l', 'i', 't', 'n', 'o'];
    case 'fd.l4proto':
      return ['tcp', 'udp', 'icmp', 'raw'];
    case 'fd.sockfamily':
      return ['ip', 'unix'];
    case 'evt.category':
      return [
        'file',
        'net',
        'IPC',
        'ipc',
        'memory',
        'process',
        'sleep',
        'system',
        'signal',
        'user',
        'time',
        'wait',
        'scheduler',
        'other',
        'unknown',
      ];
    case 'evt.io_dir':
      return ['read', 'write'];
    case 'evt.res':
      return ['SUCCESS'];
    case 'syslog.severity.str':
      return ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
  }
  const def = fieldDef(field);
  if (def && valueKind(def.type) === ValueKind.BOOL) return ['true', 'false'];
  return [];
}

/** A value as it must be written in a filter: quoted when it has blanks, parentheses, commas, quotes. */
export function quoteValue(v: string): string {
  if (v !== '' && !/[\s()",'\\]/.test(v)) return v;
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

type State =
  | { kind: 'term' }
  | { kind: 'op'; field: string }
  | { kind: 'value'; field: string; op: CmpOp; inList: boolean }
  | { kind: 'conj' };

/** Where the cursor is: what is expected there and the partial token before it. */
interface Spot {
  state: State;
  from: number;
  prefix: string;
}

/** Walk the text up to the cursor, tolerating anything, to find what is being typed. */
function locate(text: string, cursor: number): Spot {
  const t = text.slice(0, cursor);
  const s = new Scanner(t);
  let state: State = { kind: 'term' };
  while (true) {
    s.skipBlanks();
    const at = s.pos;
    if (at >= t.length) return { state, from: at, prefix: '' };
    const c = t[at]!;
    if (state.kind === 'term') {
      if (c === '(') {
        s.pos++;
        continue;
      }
      const w = s.word();
      if (w.end >= t.length) return { state, from: w.start, prefix: w.text };
      if (w.text === 'not') continue;
      if (w.text === '') {
        s.pos++;
        continue;
      }
      state = { kind: 'op', field: w.text };
      continue;
    }
    if (state.kind === 'op') {
      const field: string = state.field;
      const rest = t.slice(at);
      // Still typing an operator word (or symbol) at the cursor.
      if (!/[\s(]/.test(rest) && OPERATORS.some((o) => o.startsWith(rest) && o !== rest)) {
        return { state, from: at, prefix: rest };
      }
      const o = s.operator();
      if (o === undefined) {
        const w = s.word();
        if (w.end >= t.length) return { state, from: w.start, prefix: w.text };
        if (w.text === '') s.pos++;
        state = { kind: 'conj' };
        continue;
      }
      if (o.end >= t.length && /[a-z]$/.test(o.op)) return { state, from: o.start, prefix: o.op };
      if (o.op === 'exists') state = { kind: 'conj' };
      else if (LIST_OPS.has(o.op)) {
        s.skipBlanks();
        if (s.pos < t.length && t[s.pos] === '(') s.pos++;
        state = { kind: 'value', field, op: o.op, inList: true };
      } else state = { kind: 'value', field, op: o.op, inList: false };
      continue;
    }
    if (state.kind === 'value') {
      if (state.inList && (c === ',' || c === '(')) {
        s.pos++;
        continue;
      }
      if (state.inList && c === ')') {
        s.pos++;
        state = { kind: 'conj' };
        continue;
      }
      let v;
      try {
        v = s.value(state.inList);
      } catch (e) {
        if (e instanceof FilterError) return { state, from: at, prefix: t.slice(at).replace(/^["']/, '') };
        throw e;
      }
      if (v.end >= t.length && !(v.quoted && isBlank(text[cursor]))) {
        return { state, from: v.start, prefix: v.text };
      }
      if (v.start === v.end) s.pos++;
      if (!state.inList) state = { kind: 'conj' };
      continue;
    }
    // conj
    if (c === ')') {
      s.pos++;
      continue;
    }
    const w = s.word();
    if (w.end >= t.length) return { state, from: w.start, prefix: w.text };
    if (w.text === '') s.pos++;
    state = { kind: 'term' };
  }
}

/** Extent of the token the cursor is in (so a completion replaces all of it). */
function tokenEnd(text: string, cursor: number): number {
  let e = cursor;
  while (e < text.length && !isBlank(text[e]) && !'()=<>!,'.includes(text[e]!)) e++;
  return e;
}

/**
 * Completions for `text` with the cursor at `cursor` (0-based): what can be typed there, filtered
 * by the partial token before the cursor. `values` supplies a field's values seen in the capture.
 */
export function complete(text: string, cursor: number, values?: ValueSource): Completion[] {
  cursor = Math.max(0, Math.min(cursor, text.length));
  let spot: Spot;
  try {
    spot = locate(text, cursor);
  } catch {
    return [];
  }
  const { state, from, prefix } = spot;
  const to = tokenEnd(text, cursor);
  const out: Completion[] = [];
  const add = (label: string, kind: CompletionKind, detail: string, insertText = label): void => {
    out.push({ label, kind, detail, insertText, from, to });
  };

  if (state.kind === 'term') {
    if ('not'.startsWith(prefix) && prefix !== '') add('not', 'keyword', 'negate the next condition');
    for (const f of FIELDS) {
      if (f.flags & (FieldFlag.TABLE_ONLY | FieldFlag.PRINT_ONLY)) continue;
      if (!f.name.startsWith(prefix)) continue;
      add(f.name, 'field', f.desc, f.flags & FieldFlag.ARG_REQUIRED ? f.name + '.' : f.name);
    }
    // An argument field being typed (evt.arg.fd): offer parameter names.
    const dot = prefix.lastIndexOf('.');
    if (out.length === 0 && dot > 0) {
      const base = prefix.slice(0, dot);
      if (base === 'evt.arg' || base === 'evt.rawarg') {
        const names = new Set<string>();
        for (const e of EVENTS) for (const p of e.params) names.add(p.name);
        for (const n of [...names].sort()) {
          if ((base + '.' + n).startsWith(prefix)) add(base + '.' + n, 'field', `event parameter '${n}'`);
        }
      }
    }
    return out;
  }

  if (state.kind === 'op') {
    const split = splitFieldName(state.field);
    const kind = split ? valueKind(split.def.type) : ValueKind.STRING;
    const ops =
      split?.def.name === 'fd.port' || split?.def.name === 'fd.proto'
        ? OPS_BY_KIND[ValueKind.PORT]
        : OPS_BY_KIND[kind];
    for (const op of ops)
      if (op.startsWith(prefix)) add(op, 'operator', OP_DETAIL[op], /[a-z]$/.test(op) ? op + ' ' : op);
    return out;
  }

  if (state.kind === 'conj') {
    for (const k of ['and', 'or'])
      if (k.startsWith(prefix)) add(k, 'keyword', `${k} the next condition`, k + ' ');
    return out;
  }

  // Values: the field's fixed domain, then what the capture holds.
  const split = splitFieldName(state.field);
  const name = split?.def.name ?? state.field;
  const seen = new Set<string>();
  for (const v of builtinValues(name)) {
    if (v.startsWith(prefix) && !seen.has(v)) {
      seen.add(v);
      add(v, 'value', 'known value', quoteValue(v));
    }
  }
  if (values) {
    let vs: readonly string[];
    try {
      vs = values(state.field, prefix);
    } catch {
      vs = [];
    }
    for (const v of vs) {
      if (v.startsWith(prefix) && !seen.has(v)) {
        seen.add(v);
        add(v, 'value', 'seen in this capture', quoteValue(v));
      }
    }
  }
  return out;
}

/** Problems in a filter, with ranges: the compile error if any, and warnings for checks that
 *  can never match in a capture file. Never throws. */
export function diagnose(text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  try {
    const f = compileFilter(text);
    for (const b of f.fields) {
      if (UNAVAILABLE_CLASSES.has(b.def.className) || b.def.name.startsWith('marathon.')) {
        const start = text.indexOf(b.fullName);
        out.push({
          start: Math.max(0, start),
          end: Math.max(0, start) + b.fullName.length,
          severity: 'warning',
          message: `${b.fullName} never has a value in a capture file (it needs live ${b.def.className} metadata)`,
        });
      }
    }
  } catch (e) {
    if (e instanceof FilterError) {
      out.push({ start: e.column - 1, end: e.column - 1 + e.length, severity: 'error', message: e.message });
    } else {
      out.push({ start: 0, end: text.length, severity: 'error', message: String(e) });
    }
  }
  return out;
}

/** Fields whose values are worth offering in completions, in the order they are likeliest typed. */
export const VALUE_FIELDS: readonly string[] = [
  'proc.name',
  'evt.type',
  'fd.name',
  'fd.directory',
  'fd.sip',
  'fd.cip',
  'fd.sport',
  'fd.cport',
  'fd.l4proto',
  'fd.type',
  'user.name',
  'proc.exe',
  'proc.pname',
  'container.name',
  'container.id',
  'thread.tid',
  'proc.pid',
];

/**
 * Collects the distinct values fields take in a capture (bounded per field), during a pass the
 * engine makes anyway, and answers completions from them, most frequent first.
 */
export class ValueCollector {
  private readonly bound: BoundField[] = [];
  private readonly counts = new Map<string, Map<string, number>>();
  /** Bumped on every recorded value, so sorted lists are rebuilt when read after more events. */
  private version = 0;

  constructor(
    fields: readonly string[] = VALUE_FIELDS,
    private readonly maxPerField = 2000,
  ) {
    for (const f of fields) {
      const b = bindField(f);
      if (typeof b !== 'string') {
        this.bound.push(b);
        this.counts.set(b.fullName, new Map());
      }
    }
  }

  /** Record the fields' values for the event in `ctx`. */
  add(ctx: EventContext): void {
    for (const b of this.bound) {
      const v = b.text(ctx);
      if (v === undefined || v === '' || v === '<NA>') continue;
      const m = this.counts.get(b.fullName)!;
      const c = m.get(v);
      if (c !== undefined) m.set(v, c + 1);
      else if (m.size < this.maxPerField) m.set(v, 1);
      this.version++;
    }
  }

  /** A ValueSource for complete(). */
  source(): ValueSource {
    const sorted = new Map<string, string[]>();
    let at = this.version;
    return (field, prefix) => {
      if (at !== this.version) {
        sorted.clear();
        at = this.version;
      }
      let vs = sorted.get(field);
      if (vs === undefined) {
        const m = this.counts.get(field);
        if (m === undefined) return [];
        vs = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
        sorted.set(field, vs);
      }
      return prefix === '' ? vs : vs.filter((v) => v.startsWith(prefix));
    };
  }
}
