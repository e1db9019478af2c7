// `-p FORMAT`: sysdig's output format strings (sinsp_evt_formatter). A leading `*` prints `<NA>` for
// fields without a value; otherwise such an event is not printed. `%NNfield` pads/cuts the value to NN
// characters. A field name is the longest known field name at that position, plus its argument
// (`%evt.arg.fd`, `%proc.aname[2]`). With -j the event becomes a JSON object keyed by field name.
import { bindField, FIELDS } from '../core/fields/registry.js';
import { FieldFlag, type BoundField } from '../core/fields/types.js';
import type { EventContext } from '../core/fields/context.js';
import { jsonKind, JsonKind } from '../core/fields/values.js';
import { parseIndex32 } from '../core/fields/proc.js';
import { EVENTS } from '../core/schema/index.js';
import type { ParamEnv } from '../core/format/params.js';
import { jsonString, type OutputTime } from '../core/format/event.js';

export type LineFormatter = (ctx: EventContext) => string | undefined;

interface Token {
  literal?: string;
  field?: BoundField;
  width: number;
  /** The field's text in the format: its key in JSON output. */
  key?: string;
}

const NAMES_BY_LENGTH = FIELDS.map((f) => f.name).sort((a, b) => b.length - a.length);

let paramNames: string[] | undefined;
/** find_longest_matching_evt_param: the longest event parameter name that prefixes `s`. */
function longestParamName(s: string): string | undefined {
  paramNames ??= [...new Set(EVENTS.flatMap((e) => e.params.map((p) => p.name)))].sort(
    (a, b) => b.length - a.length,
  );
  return paramNames.find((n) => s.startsWith(n));
}

/** A field reference in a format: the name to bind and how many characters of the format it
 *  takes (0: the field's text stays in the format as literal text, as libsinsp does). */
interface FieldRef {
  bind: string;
  consumed: number;
}

/**
 * sinsp_filter_check_thread's parse of proc.aname / proc.apid inside a format: `[N]` up to the first
 * ']' of the rest of the format; no index only when the format ends there. Anything else (a bad
 * number, text after the bare name) parses as zero characters, and the field shows the process
 * itself.
 */
function ancestorFieldAt(s: string, base: string): FieldRef {
  if (s[base.length] !== '[') return { bind: base, consumed: s === base ? base.length : 0 };
  const close = s.indexOf(']');
  const n = parseIndex32(close < 0 ? s.slice(base.length + 1) : s.slice(base.length + 1, close));
  if (n === undefined) return { bind: `${base}[0]`, consumed: 0 };
  // Without a ']' the parsed length wraps around to 0, but the index was read.
  return { bind: `${base}[${n}]`, consumed: close < 0 ? 0 : close + 1 };
}

/** The field reference starting at `s` (as sysdig's parse_field_name reads it), or undefined. */
function fieldAt(s: string): FieldRef | undefined {
  const base = NAMES_BY_LENGTH.find((n) => s.startsWith(n));
  if (base === undefined) return undefined;
  if (base === 'proc.aname' || base === 'proc.apid') return ancestorFieldAt(s, base);
  const next = s[base.length];
  const whole = (name: string | undefined): FieldRef | undefined =>
    name === undefined ? undefined : { bind: name, consumed: name.length };
  const def = FIELDS.find((f) => f.name === base)!;
  // Only fields that take an argument read a '[...]' (libsinsp's extract_arg); after any other
  // field it is literal text (`%proc.env[PATH]` prints the environment, then "[PATH]").
  if (next === '[' && def.flags & FieldFlag.ARG_REQUIRED) {
    const close = s.indexOf(']', base.length);
    return whole(close < 0 ? undefined : s.slice(0, close + 1));
  }
  if (next === '.' && def.flags & FieldFlag.ARG_REQUIRED) {
    const rest = s.slice(base.length + 1);
    if (base === 'evt.arg' || base === 'evt.rawarg') {
      const p = longestParamName(rest);
      return whole(p === undefined ? undefined : `${base}.${p}`);
    }
    const m = /^[A-Za-z0-9_]+/.exec(rest);
    return whole(m ? `${base}.${m[0]}` : undefined);
  }
  return whole(base);
}

function parseFormat(fmt: string): { tokens: Token[]; requireAll: boolean } | Error {
  let f = fmt;
  // sysdig unescapes \n, \t, \e and \\ in the format before parsing it.
  f = f.replace(/\\([nte\\])/g, (_m, c: string) => ({ n: '\n', t: '\t', e: '\x1b', '\\': '\\' })[c]!);
  // Only a format that is empty before its '*' is refused: "*" alone prints an empty line.
  if (f === '') return new Error('empty formatting token');
  const requireAll = !f.startsWith('*');
  if (!requireAll) f = f.slice(1);
  const tokens: Token[] = [];
  let lit = '';
  for (let j = 0; j < f.length; j++) {
    if (f[j] !== '%') {
      lit += f[j];
      continue;
    }
    if (lit) tokens.push({ literal: lit, width: 0 });
    lit = '';
    if (j === f.length - 1) return new Error('invalid formatting syntax: formatting cannot end with a %');
    let width = 0;
    const m = /^\d+/.exec(f.slice(j + 1));
    if (m) {
      width = Number(m[0]);
      j += m[0].length;
      if (j === f.length - 1)
        return new Error('invalid formatting syntax: formatting cannot end with a number');
    }
    const ref = fieldAt(f.slice(j + 1));
    if (ref === undefined) return new Error(`invalid formatting token ${f.slice(j + 1)}`);
    const bound = bindField(ref.bind);
    if (typeof bound === 'string') return new Error(bound);
    if (bound.def.flags & FieldFlag.FILTER_ONLY) {
      return new Error(`${f.slice(j + 1)} is filter only and cannot be used as a display field`);
    }
    tokens.push({ field: bound, width, key: f.slice(j + 1, j + 1 + ref.consumed) });
    j += ref.consumed;
  }
  if (lit) tokens.push({ literal: lit, width: 0 });
  return { tokens, requireAll };
}

export function compileOutputFormat(
  fmt: string,
  o: { json: boolean; env: ParamEnv; time: OutputTime },
): LineFormatter | Error {
  const parsed = parseFormat(fmt);
  if (parsed instanceof Error) return parsed;
  const { tokens, requireAll } = parsed;
  // sinsp_evt_formatter evaluates every field of the format even after one came back empty (the
  // line is dropped only at the end). That matters for fields that keep state across the events
  // they see (thread.exectime, evt.deltatime...): after a missing value, the stateful fields of
  // the rest of the format are still evaluated, and their results thrown away.
  const statefulAfter = tokens.map((_, k) => tokens.slice(k + 1).filter((t) => t.field?.stateful === true));
  const drain = (k: number, ctx: EventContext): undefined => {
    for (const t of statefulAfter[k]!) t.field!.extract(ctx);
    return undefined;
  };
  // evt.outputtime follows -t, which only the CLI knows.
  const textOf = (t: Token, ctx: EventContext): string | undefined =>
    t.field!.def.name === 'evt.outputtime'
      ? o.time.text(ctx.batch.ts[ctx.i]!, ctx.firstTs, (ctx.state as { latency?: bigint }).latency)
      : t.field!.text(ctx);
  if (o.json) {
    // Asked when a value first shows up: libsinsp raises for a type without a JSON form only then.
    const kinds: (JsonKind | undefined)[] = tokens.map(() => undefined);
    const hasField = tokens.some((t) => t.field !== undefined);
    // The JSON value of token k, or undefined for null.
    const jsonOf = (k: number, ctx: EventContext): string | undefined => {
      const f = tokens[k]!.field!;
      // evt.outputtime is the raw timestamp in JSON, whatever -t says.
      if (f.def.name === 'evt.outputtime') return String(ctx.batch.ts[ctx.i]!);
      if (f.json !== undefined) {
        const n = f.json(ctx);
        return n === undefined ? undefined : String(n);
      }
      const raw = f.extract(ctx);
      if (raw === undefined) return undefined;
      const kind = (kinds[k] ??= jsonKind(f.type, f.fmt));
      switch (kind) {
        case JsonKind.NUMBER:
          return typeof raw === 'number' || typeof raw === 'bigint'
            ? String(raw)
            : jsonString(f.text(ctx) ?? '');
        case JsonKind.BOOL:
          return raw === false || raw === 0 || raw === 0n ? 'false' : 'true';
        case JsonKind.NULL:
          return undefined;
        default: {
          const t = f.text(ctx);
          return t === undefined ? undefined : jsonString(t);
        }
      }
    };
    return (ctx) => {
      ctx.env = o.env;
      const obj = new Map<string, string>();
      let ok = true;
      for (let k = 0; k < tokens.length; k++) {
        const f = tokens[k]!.field;
        if (f === undefined) continue;
        // sinsp_evt_formatter asks each field for its JSON value, and once more to store it: a
        // field that keeps state across events (evt.deltatime) is evaluated twice per event. After
        // a missing value (without '*') the remaining fields are asked once, and nothing prints.
        const first = jsonOf(k, ctx);
        if (!ok) continue;
        if (first === undefined && requireAll) {
          ok = false;
          continue;
        }
        const v = f.stateful === true ? jsonOf(k, ctx) : first;
        obj.set(tokens[k]!.key!, v ?? 'null');
      }
      if (!ok) return undefined;
      // JsonCpp writes the root value libsinsp never set (no field in the format) as null.
      if (!hasField) return 'null';
      const keys = [...obj.keys()].sort();
      return '{' + keys.map((k) => jsonString(k) + ':' + obj.get(k)).join(',') + '}';
    };
  }
  return (ctx) => {
    ctx.env = o.env;
    let s = '';
    for (let k = 0; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.literal !== undefined) {
        s += t.literal;
        continue;
      }
      let v = textOf(t, ctx);
      if (v === undefined) {
        if (requireAll) return drain(k, ctx);
        v = '<NA>';
      }
      s += t.width ? v.padEnd(t.width, ' ').slice(0, t.width) : v;
    }
    return s;
  };
}
