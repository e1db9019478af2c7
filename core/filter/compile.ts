// Compiles a parsed filter into one closure over an EventContext. Everything that can be decided
// from the filter text is decided here: fields are bound, literals parsed for the field's type,
// comparisons specialised per type and operator, and the children of each and/or group ordered
// cheapest first (header columns, then state lookups, then strings, then buffers). The result also
// carries a type prefilter: the set of event codes for which the predicate can be true.
//
// Comparison semantics are libsinsp's (sysdig 0.29.3): a field with no value fails every check,
// `!=` included; `not` negates a whole check; `in` on strings is set membership and on other types
// an `or` of `=`; fd.ip/fd.port/fd.net match either end of a socket (and `!=` neither end).
import { eventCodesByName, EVENTS, PT, SYSCALL_NAMES } from '../schema/index.js';
import type { EventContext } from '../fields/context.js';
import { eventFd, fdIps, fdPorts } from '../fields/fd.js';
import { globToRegExp } from '../fields/other.js';
import { bindField } from '../fields/registry.js';
import { ValueKind, type BoundField, type FieldValue } from '../fields/types.js';
import { FieldRenderError, valueKind } from '../fields/values.js';
import { fail, FilterError, type CheckNode, type CmpOp, type Node, type ValueNode } from './ast.js';
import { parseFilter, type FilterOptions } from './parse.js';
import {
  inNet,
  latin1Bytes,
  parseInteger,
  parseIp,
  storedInteger,
  parseNet,
  parsePort,
  type IpNet,
} from './values.js';

export type Predicate = (ctx: EventContext) => boolean;

/** Size of a type set: every possible u16 event code. */
const NCODES = 65536;

/**
 * Codes a (sub)filter can match. `codes` null = any code. `exact` = the predicate is true exactly
 * for these codes (a pure type test), which lets `not` complement it.
 */
interface TypeSet {
  codes: Uint8Array | null;
  exact: boolean;
}

interface Compiled {
  pred: Predicate;
  cost: number;
  types: TypeSet;
  /** Contains a stateful field: its group keeps the written order. */
  stateful?: boolean;
  /** May raise FieldRenderError when evaluated: keeps the written order and sees every event. */
  mayThrow?: boolean;
}

export interface CompiledFilter {
  readonly text: string;
  readonly predicate: Predicate;
  /** typeMask[code] === 1 when an event of that code can match; null = every code can. */
  readonly typeMask: Uint8Array | null;
  /** Every field the filter reads. */
  readonly fields: readonly BoundField[];
}

const ALL: TypeSet = { codes: null, exact: false };

function typeSetOf(codes: Iterable<number>, exact: boolean): TypeSet {
  const m = new Uint8Array(NCODES);
  for (const c of codes) if (c >= 0 && c < NCODES) m[c] = 1;
  return { codes: m, exact };
}

function andTypes(a: TypeSet, b: TypeSet): TypeSet {
  if (a.codes === null) return b.codes === null ? ALL : { codes: b.codes, exact: false };
  if (b.codes === null) return { codes: a.codes, exact: false };
  const m = new Uint8Array(NCODES);
  for (let k = 0; k < NCODES; k++) m[k] = a.codes[k]! & b.codes[k]!;
  return { codes: m, exact: a.exact && b.exact };
}

function orTypes(a: TypeSet, b: TypeSet): TypeSet {
  if (a.codes === null || b.codes === null) return ALL;
  const m = new Uint8Array(NCODES);
  for (let k = 0; k < NCODES; k++) m[k] = a.codes[k]! | b.codes[k]!;
  return { codes: m, exact: a.exact && b.exact };
}

function notTypes(a: TypeSet): TypeSet {
  if (a.codes === null || !a.exact) return ALL;
  const m = new Uint8Array(NCODES);
  for (let k = 0; k < NCODES; k++) m[k] = a.codes[k]! ^ 1;
  return { codes: m, exact: true };
}

/** Parse and compile; throws FilterError (never anything else) for a bad filter. */
export function compileFilter(text: string, opts: FilterOptions = {}): CompiledFilter {
  try {
    const ast = parseFilter(text, opts);
    const fields: BoundField[] = [];
    const c = compileNode(ast, fields);
    const p = c.pred;
    // Capture bytes are hostile: an extractor tripping over a malformed parameter must cost one
    // event, not the scan.
    const predicate: Predicate = (ctx) => {
      try {
        return p(ctx);
      } catch (e) {
        if (e instanceof FieldRenderError) throw e;
        return false;
      }
    };
    // An error raised by a comparison depends on the events reaching it: no pre-selection by type.
    return { text, predicate, typeMask: c.mayThrow ? null : c.types.codes, fields };
  } catch (e) {
    if (e instanceof FilterError) throw e;
    // A bug here must not take the caller down with a non-filter exception.
    throw new FilterError(
      `internal error compiling the filter: ${(e as Error).message}`,
      1,
      Math.max(1, text.length),
    );
  }
}

/** compileFilter without exceptions. */
export function tryCompileFilter(
  text: string,
  opts: FilterOptions = {},
): { filter: CompiledFilter } | { error: FilterError } {
  try {
    return { filter: compileFilter(text, opts) };
  } catch (e) {
    return { error: e as FilterError };
  }
}

function compileNode(n: Node, fields: BoundField[]): Compiled {
  switch (n.kind) {
    case 'check': {
      const c = compileCheck(n, fields);
      // compileCheck pushed this check's field last.
      if (fields[fields.length - 1]?.stateful) c.stateful = true;
      if (c.mayThrow) c.stateful = true;
      return c;
    }
    case 'not': {
      const c = compileNode(n.child, fields);
      const p = c.pred;
      return {
        pred: (ctx) => !p(ctx),
        cost: c.cost,
        types: notTypes(c.types),
        stateful: c.stateful,
        mayThrow: c.mayThrow,
      };
    }
    case 'group': {
      const kids = n.children.map((k) => compileNode(k, fields));
      if (kids.length === 1) return kids[0]!;
      // Evaluation has no side effects, so cheaper checks can go first; unless a field keeps
      // state, whose updates depend on which events reach it through the short circuits.
      const stateful = kids.some((k) => k.stateful);
      const mayThrow = kids.some((k) => k.mayThrow);
      if (!stateful) kids.sort((a, b) => a.cost - b.cost);
      const preds = kids.map((k) => k.pred);
      const cost = Math.max(...kids.map((k) => k.cost));
      if (n.op === 'and') {
        const types = kids.reduce((t, k) => andTypes(t, k.types), kids[0]!.types);
        return { pred: andAll(preds), cost, types, stateful, mayThrow };
      }
      const types = kids.slice(1).reduce((t, k) => orTypes(t, k.types), kids[0]!.types);
      return { pred: orAll(preds), cost, types, stateful, mayThrow };
    }
  }
}

function andAll(p: Predicate[]): Predicate {
  if (p.length === 2) {
    const [a, b] = p as [Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx);
  }
  if (p.length === 3) {
    const [a, b, c] = p as [Predicate, Predicate, Predicate];
    return (ctx) => a(ctx) && b(ctx) && c(ctx);
  }
  return (ctx) => {
    for (let k = 0; k < p.length; k++) if (!p[k]!(ctx)) return false;
    return true;
  };
}

function orAll(p: Predicate[]): Predicate {
  if (p.length === 2) {
    const [a, b] = p as [Predicate, Predicate];
    return (ctx) => a(ctx) || b(ctx);
  }
  if (p.length === 3) {
    const [a, b, c] = p as [Predicate, Predicate, Predicate];
    return (ctx) => a(ctx) || b(ctx) || c(ctx);
  }
  return (ctx) => {
    for (let k = 0; k < p.length; k++) if (p[k]!(ctx)) return true;
    return false;
  };
}

const STRING_OPS = new Set<CmpOp>([
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'glob',
  'in',
  'intersects',
  'pmatch',
  'exists',
]);
const BUFFER_OPS = new Set<CmpOp>([
  '=',
  '!=',
  'contains',
  'startswith',
  'endswith',
  'in',
  'intersects',
  'exists',
]);
const NUMERIC_OPS = new Set<CmpOp>(['=', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists']);
const ADDR_OPS = new Set<CmpOp>(['=', '!=', 'in', 'intersects', 'exists']);

const KIND_NAME: Record<ValueKind, string> = {
  [ValueKind.STRING]: 'string',
  [ValueKind.BUFFER]: 'buffer',
  [ValueKind.INT]: 'numeric',
  [ValueKind.TIME]: 'numeric',
  [ValueKind.BOOL]: 'boolean',
  [ValueKind.IP]: 'IP address',
  [ValueKind.IPNET]: 'IP network',
  [ValueKind.DOUBLE]: 'numeric',
  [ValueKind.PORT]: 'port',
};

function opsFor(kind: ValueKind): Set<CmpOp> {
  switch (kind) {
    case ValueKind.STRING:
      return STRING_OPS;
    case ValueKind.BUFFER:
      return BUFFER_OPS;
    case ValueKind.IP:
    case ValueKind.IPNET:
      return ADDR_OPS;
    default:
      return NUMERIC_OPS;
  }
}

const TEXT_OPS = new Set<CmpOp>(['contains', 'icontains', 'startswith', 'endswith', 'glob']);
const ORDER_OPS = new Set<CmpOp>(['<', '<=', '>', '>=']);

/**
 * The sinsp_exception flt_compare raises for an operator the value type has no comparison for
 * (libsinsp checks operators only when comparing, so the filter compiles and the run stops at the
 * first event that has a value).
 */
function runtimeError(kind: ValueKind, op: CmpOp): string | undefined {
  switch (kind) {
    case ValueKind.INT:
    case ValueKind.TIME:
    case ValueKind.BOOL:
      return TEXT_OPS.has(op) ? `'${op}' not supported for numeric filters` : undefined;
    case ValueKind.BUFFER:
      return op === 'icontains' || op === 'glob' || ORDER_OPS.has(op)
        ? `'${op}' not supported for buffer filters`
        : undefined;
    default:
      return undefined;
  }
}

/** Parameter types evt.rawarg can take that have no literal form. */
const UNCOMPARABLE = new Set<PT>([
  PT.SOCKADDR,
  PT.SOCKTUPLE,
  PT.FDLIST,
  PT.DYN,
  PT.CHARBUFARRAY,
  PT.CHARBUF_PAIR_ARRAY,
  PT.SIGSET,
  PT.IPV6NET,
  PT.IPV4NET,
]);

const EVENT_TYPE_NAMES = new Set<string>([
  ...EVENTS.map((e) => e.name),
  ...SYSCALL_NAMES.filter((s) => s !== ''),
]);
const GENERIC_NAMES = new Set<string>(SYSCALL_NAMES);

function compileCheck(n: CheckNode, fields: BoundField[]): Compiled {
  const bf = bindField(n.field.name);
  if (typeof bf === 'string') {
    // The position goes before a "(did you mean ...)" hint.
    const hint = bf.indexOf(' (did you mean');
    const msg = hint < 0 ? bf : bf.slice(0, hint);
    fail(
      `${msg} at column ${n.field.start + 1}${hint < 0 ? '' : bf.slice(hint)}`,
      n.field.start,
      n.field.end,
    );
  }
  fields.push(bf);
  const op = n.op;
  const name = bf.def.name;
  const kind = valueKind(bf.type);
  const vals = n.values;

  if (bf.around !== undefined) {
    if (op !== '=')
      fail(`evt.around supports only '=' at column ${n.opSpan.start + 1}`, n.opSpan.start, n.opSpan.end);
    const d = parseInteger(vals[0]!.text);
    if (d === undefined)
      fail(`'${vals[0]!.text}' is not a valid number of milliseconds`, vals[0]!.start, vals[0]!.end);
    const center = bf.around;
    const delta = d * 1_000_000n;
    return {
      pred: (ctx) => {
        const t = ctx.batch.ts[ctx.i]!;
        return center >= t - delta && center <= t + delta;
      },
      cost: 0,
      types: ALL,
    };
  }

  if (UNCOMPARABLE.has(bf.type) && op !== 'exists') {
    // libsinsp cannot parse a literal for these parameter types either.
    fail(`${bf.fullName} holds a structured value and supports only 'exists'`, n.field.start, n.field.end);
  }
  if (op === 'pmatch' && kind !== ValueKind.STRING) {
    fail(`'pmatch' needs a string field; ${name} is ${KIND_NAME[kind]}`, n.opSpan.start, n.opSpan.end);
  }
  const thrown = runtimeError(kind, op);
  if (thrown !== undefined && bf.around === undefined) {
    // flt_compare raises these only when a value reaches it: a field with no value never fails.
    for (const v of vals) literal(v, kind, bf);
    const ex = bf.extract;
    const multi = bf.multi;
    const has = multi
      ? (ctx: EventContext) => (multi(ctx)?.length ?? 0) > 0
      : (ctx: EventContext) => ex(ctx) !== undefined;
    const pred: Predicate = (ctx) => {
      if (!has(ctx)) return false;
      throw new FieldRenderError(thrown);
    };
    return { pred, cost: bf.cost, types: ALL, mayThrow: true };
  }
  if (!opsFor(kind).has(op) && !FD_FILTER_ONLY.has(name)) {
    fail(
      `operator '${op}' is not supported for ${KIND_NAME[kind]} field ${name} (column ${n.opSpan.start + 1})`,
      n.opSpan.start,
      n.opSpan.end,
    );
  }
  if (name === 'evt.type') for (const v of vals) checkEventType(v);

  const opCost = op === 'contains' || op === 'icontains' || op === 'glob' ? 1 : 0;
  const cost = bf.cost + opCost;
  const types = bf.codes ? typeSetOf(bf.codes, false) : ALL;

  // Filter-only fd fields compare against both ends of the socket.
  if (name === 'fd.ip' || name === 'fd.net') return fdCheck(compileFdAddr(n, name === 'fd.net'), cost, types);
  if (name === 'fd.port' || name === 'fd.proto') return fdCheck(compileFdPort(n), cost, types);

  if (name === 'evt.type' && (op === '=' || op === '!=' || op === 'in' || op === 'intersects')) {
    return compileEventType(n, bf);
  }

  const ex = bf.extract;
  if (op === 'exists') {
    const multi = bf.multi;
    if (multi) return { pred: (ctx) => (multi(ctx)?.length ?? 0) > 0, cost, types };
    return { pred: (ctx) => ex(ctx) !== undefined, cost, types };
  }

  // Byte searches on evt.buffer run on the arena in place (the expensive path of most scans).
  const slotOf = bf.slot;
  if (slotOf !== undefined && kind === ValueKind.BUFFER && (op === 'contains' || op === 'startswith')) {
    const needle = literal(vals[0]!, kind, bf) as Uint8Array;
    const first = needle[0];
    const nl = needle.length;
    const search = op === 'startswith' ? startsAt : indexIn;
    return {
      pred: (ctx) => {
        const s = slotOf(ctx);
        if (s < 0) return false;
        const b = ctx.batch;
        const off = b.paramOff[s]!;
        return search(b.arena, off, off + b.paramLen[s]!, needle, first, nl);
      },
      cost,
      types,
    };
  }

  const test = compileTest(n, bf, kind);
  if (name === 'proc.apid' && op === 'in' && !bf.multi) {
    // Observed in sysdig 0.29.3 (not from the source): `proc.apid[N] in (...)` tests the process's
    // own pid whatever N is, while `=` honours N.
    const own = bindField('proc.apid[0]') as BoundField;
    return {
      pred: (ctx) => {
        const v = own.extract(ctx);
        return v !== undefined && test(v);
      },
      cost,
      types,
    };
  }
  const multi = bf.multi;
  if (multi && op === 'in' && kind !== ValueKind.STRING) {
    // compare_full_apid hands each pid to the set lookup with length 0 (only strings get their
    // length measured there), so `proc.apid in (...)` never matches.
    return { pred: () => false, cost, types };
  }
  if (multi) {
    return {
      pred: (ctx) => {
        const vs = multi(ctx);
        if (vs === undefined) return false;
        for (let k = 0; k < vs.length; k++) if (test(vs[k]!)) return true;
        return false;
      },
      cost,
      types,
    };
  }
  return {
    pred: (ctx) => {
      const v = ex(ctx);
      return v !== undefined && test(v);
    },
    cost,
    types,
  };
}

function checkEventType(v: ValueNode): void {
  if (!EVENT_TYPE_NAMES.has(v.text))
    fail(`unknown event type '${v.text}'`, v.start, Math.max(v.end, v.start + 1));
}

/** evt.type = / != / in: a lookup table per code, plus syscall names for generic events. */
function compileEventType(n: CheckNode, bf: BoundField): Compiled {
  const names = new Set(n.values.map((v) => v.text));
  const table = new Uint8Array(NCODES);
  for (const nm of names) for (const c of eventCodesByName(nm)) table[c] = 1;
  const genericHit = [...names].some((nm) => GENERIC_NAMES.has(nm));
  const ex = bf.extract;
  // Generic events (codes 0 and 1) carry the syscall in a parameter: compare their name.
  const matchGeneric = genericHit ? (ctx: EventContext) => names.has(ex(ctx) as string) : () => false;
  const eq: Predicate = (ctx) => {
    const t = ctx.batch.type[ctx.i]!;
    return t <= 1 ? matchGeneric(ctx) : table[t] === 1;
  };
  const codes = new Set<number>();
  for (let c = 2; c < NCODES; c++) if (table[c]) codes.add(c);
  if (genericHit) {
    codes.add(0);
    codes.add(1);
  }
  if (n.op === '!=') {
    const neg: Predicate = (ctx) => !eq(ctx);
    return { pred: neg, cost: 0, types: genericHit ? ALL : notTypes(typeSetOf(codes, true)) };
  }
  return { pred: eq, cost: 0, types: typeSetOf(codes, !genericHit) };
}

type Test = (v: FieldValue) => boolean;

function valueError(v: ValueNode, msg: string): never {
  fail(`${msg} at column ${v.start + 1}`, v.start, Math.max(v.end, v.start + 1));
}

/** Storage of an integer filter value per field type (string_to_rawval): [bits, signed]. */
const INT_STORAGE: Partial<Record<PT, readonly [number, boolean]>> = {
  [PT.INT8]: [8, true],
  [PT.INT16]: [16, true],
  [PT.INT32]: [32, true],
  [PT.INT64]: [64, true],
  [PT.FD]: [64, true],
  [PT.PID]: [64, true],
  [PT.ERRNO]: [64, true],
  [PT.UINT8]: [8, false],
  [PT.FLAGS8]: [8, false],
  [PT.SIGTYPE]: [8, false],
  [PT.L4PROTO]: [8, false],
  [PT.UINT16]: [16, false],
  [PT.FLAGS16]: [16, false],
  [PT.SYSCALLID]: [16, false],
  [PT.UINT32]: [32, false],
  [PT.FLAGS32]: [32, false],
  [PT.MODE]: [32, false],
  [PT.UID]: [32, false],
  [PT.GID]: [32, false],
  [PT.UINT64]: [64, false],
};

/** Size of libsinsp's storage for one filter value (sinsp_filter_check::m_val_storages). */
const VALUE_STORAGE = 256;

/** Parse one literal for a field of `kind`. */
function literal(v: ValueNode, kind: ValueKind, bf: BoundField): FieldValue | IpNet {
  const s = v.text;
  switch (kind) {
    // Values are copied into 256-byte storage; a string is measured up to its first NUL.
    case ValueKind.STRING:
      if (cstr(s).length >= VALUE_STORAGE) valueError(v, `filter parameter too long`);
      return s;
    case ValueKind.BUFFER:
      if (s.length >= VALUE_STORAGE) valueError(v, `filter parameter too long`);
      return latin1Bytes(s);
    case ValueKind.INT: {
      const x = parseInteger(s);
      if (x === undefined) valueError(v, `'${s}' is not a valid number for ${bf.fullName}`);
      const [bits, signed] = INT_STORAGE[bf.type] ?? [64, true];
      return Number(storedInteger(x, bits, signed));
    }
    case ValueKind.TIME: {
      // Plain nanoseconds: sysdig 0.29.3 refuses a unit (`evt.latency > 1ms`).
      const x = parseInteger(s);
      if (x === undefined) valueError(v, `'${s}' is not a valid number for ${bf.fullName}`);
      return storedInteger(x, 64, false);
    }
    case ValueKind.DOUBLE:
      // string_to_rawval has no case for PT_DOUBLE: only `exists` works on these fields.
      return valueError(v, `${bf.fullName} is a floating-point field and takes no value`);
    case ValueKind.BOOL:
      if (s === 'true') return true;
      if (s === 'false') return false;
      return valueError(v, `'${s}' is not a boolean (use true or false) for ${bf.fullName}`);
    case ValueKind.PORT: {
      const p = parsePort(s);
      if (typeof p === 'string') valueError(v, p);
      return p;
    }
    case ValueKind.IP: {
      const ip = parseIp(s);
      if (ip === undefined) valueError(v, `unrecognized IP address '${s}'`);
      return ip;
    }
    case ValueKind.IPNET: {
      const net = parseNet(s);
      if (typeof net === 'string') valueError(v, net);
      return net;
    }
  }
}

/**
 * flt_compare on addresses: libsinsp compares as many bytes as the field's address has (4 for an
 * IPv4 socket, 16 for IPv6) and reads the filter value at that length, whatever family the value
 * was written in: `fd.ip=::` matches 0.0.0.0, an IPv4 value matches the IPv6 address that starts
 * with its bytes and continues with zeros.
 */
function sameIp(ip: Uint8Array, x: Uint8Array): boolean {
  for (let k = 0; k < ip.length; k++) if (ip[k] !== (x[k] ?? 0)) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** memmem. */
function indexOfBytes(h: Uint8Array, n: Uint8Array): number {
  if (n.length === 0) return 0;
  const first = n[0]!;
  const last = h.length - n.length;
  for (let k = h.indexOf(first); k >= 0 && k <= last; k = h.indexOf(first, k + 1)) {
    let j = 1;
    while (j < n.length && h[k + j] === n[j]) j++;
    if (j === n.length) return k;
  }
  return -1;
}

/** memmem of `n` in a[start, end). A plain loop: indexOf would run past `end` into the arena. */
function indexIn(
  a: Uint8Array,
  start: number,
  end: number,
  n: Uint8Array,
  first: number | undefined,
  nl: number,
): boolean {
  if (nl === 0) return true;
  const last = end - nl;
  for (let k = start; k <= last; k++) {
    if (a[k] !== first) continue;
    let j = 1;
    while (j < nl && a[k + j] === n[j]) j++;
    if (j === nl) return true;
  }
  return false;
}

/** a[start, end) starts with `n`. */
function startsAt(
  a: Uint8Array,
  start: number,
  end: number,
  n: Uint8Array,
  _first: number | undefined,
  nl: number,
): boolean {
  if (end - start < nl) return false;
  for (let j = 0; j < nl; j++) if (a[start + j] !== n[j]) return false;
  return true;
}

/** strcasestr over ASCII letters, without allocating. */
function includesIgnoreCase(h: string, lowNeedle: string): boolean {
  const n = lowNeedle.length;
  const last = h.length - n;
  outer: for (let k = 0; k <= last; k++) {
    for (let j = 0; j < n; j++) {
      let c = h.charCodeAt(k + j);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== lowNeedle.charCodeAt(j)) continue outer;
    }
    return true;
  }
  return false;
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function pathComponents(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}

/** C string semantics: comparisons stop at the first NUL. */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

function numCmp(op: CmpOp, x: number | bigint): Test {
  switch (op) {
    case '=':
      return (v) => v === x;
    case '!=':
      return (v) => v !== x;
    case '<':
      return (v) => (v as number) < x;
    case '<=':
      return (v) => (v as number) <= x;
    case '>':
      return (v) => (v as number) > x;
    case '>=':
      return (v) => (v as number) >= x;
    default:
      throw new Error('numCmp ' + op);
  }
}

function compileTest(n: CheckNode, bf: BoundField, kind: ValueKind): Test {
  const op = n.op;
  const lits = n.values.map((v) => literal(v, kind, bf));
  const isList = op === 'in' || op === 'intersects' || op === 'pmatch';

  if (kind === ValueKind.STRING) {
    const strs = (lits as string[]).map(cstr);
    const x = strs[0]!;
    switch (op) {
      case '=':
        return (v) => v === x;
      case '!=':
        return (v) => v !== x;
      case '<':
        return (v) => (v as string) < x;
      case '<=':
        return (v) => (v as string) <= x;
      case '>':
        return (v) => (v as string) > x;
      case '>=':
        return (v) => (v as string) >= x;
      case 'contains':
        return (v) => (v as string).includes(x);
      case 'icontains': {
        const low = asciiLower(x);
        return (v) => includesIgnoreCase(v as string, low);
      }
      case 'startswith':
        return (v) => (v as string).startsWith(x);
      case 'endswith':
        return (v) => (v as string).endsWith(x);
      case 'glob': {
        const re = globToRegExp(x);
        return (v) => re.test(v as string);
      }
      case 'in':
      case 'intersects': {
        const set = new Set(strs);
        return (v) => set.has(v as string);
      }
      case 'pmatch': {
        // path_prefix_search compares '/'-separated components, empty ones dropped: a value is a
        // prefix of the path's components (so `/` matches any name, sockets included, and `etc`
        // is `/etc`).
        const prefixes = strs.map(pathComponents);
        return (v) => {
          const parts = pathComponents(v as string);
          outer: for (const pre of prefixes) {
            if (pre.length > parts.length) continue;
            for (let k = 0; k < pre.length; k++) if (pre[k] !== parts[k]) continue outer;
            return true;
          }
          return false;
        };
      }
    }
  }

  if (kind === ValueKind.BUFFER) {
    const bufs = lits as Uint8Array[];
    const x = bufs[0]!;
    switch (op) {
      case '=':
        return (v) => sameBytes(v as Uint8Array, x);
      case '!=':
        return (v) => !sameBytes(v as Uint8Array, x);
      case 'contains':
        return (v) => indexOfBytes(v as Uint8Array, x) >= 0;
      case 'startswith':
        return (v) =>
          (v as Uint8Array).length >= x.length && sameBytes((v as Uint8Array).subarray(0, x.length), x);
      case 'endswith':
        return (v) => {
          const b = v as Uint8Array;
          return b.length >= x.length && sameBytes(b.subarray(b.length - x.length), x);
        };
      case 'in':
      case 'intersects':
        return (v) => bufs.some((b) => sameBytes(v as Uint8Array, b));
    }
  }

  if (kind === ValueKind.IP) {
    const ips = lits as Uint8Array[];
    if (isList) return (v) => ips.some((ip) => sameIp(v as Uint8Array, ip));
    const x = ips[0]!;
    return op === '=' ? (v) => sameIp(v as Uint8Array, x) : (v) => !sameIp(v as Uint8Array, x);
  }

  if (kind === ValueKind.IPNET) {
    const nets = lits as IpNet[];
    if (isList) return (v) => nets.some((net) => inNet(v as Uint8Array, net));
    const x = nets[0]!;
    return op === '=' ? (v) => inNet(v as Uint8Array, x) : (v) => !inNet(v as Uint8Array, x);
  }

  // Numbers, times, booleans, ports, doubles: booleans compare as 0/1 like libsinsp's uint32 (a
  // bool field holding another byte value compares as that value, as there).
  const nums = lits.map((l) => (typeof l === 'boolean' ? (l ? 1 : 0) : l)) as (number | bigint)[];
  const norm: (v: FieldValue) => number | bigint =
    kind === ValueKind.BOOL
      ? (v) => (typeof v === 'number' ? v : v ? 1 : 0)
      : kind === ValueKind.TIME
        ? (v) => BigInt(v as bigint)
        : (v) => v as number;
  if (isList) {
    const tests = nums.map((x) => numCmp('=', x));
    return (v) => {
      const y = norm(v);
      for (let k = 0; k < tests.length; k++) if (tests[k]!(y)) return true;
      return false;
    };
  }
  const t = numCmp(op, nums[0]!);
  if (kind === ValueKind.BOOL || kind === ValueKind.TIME) return (v) => t(norm(v));
  return t;
}

/** fd.ip / fd.net: either end of a connected socket, the address of a server socket. */
function fdCheck(c: Predicate | Compiled, cost: number, types: TypeSet): Compiled {
  return typeof c === 'function' ? { pred: c, cost, types } : c;
}

/**
 * fd.ip / fd.net / fd.port with an operator their compare_* has no case for (`exists` included:
 * these fields extract nothing): false for an event without an IP socket, a sinsp_exception at
 * the first event with one.
 */
function socketOnlyError(msg: string): Compiled {
  const pred: Predicate = (ctx) => {
    const f = eventFd(ctx);
    if (f === undefined || fdPorts(f) === undefined) return false;
    throw new FieldRenderError(msg);
  };
  return { pred, cost: 0, types: ALL, mayThrow: true };
}

/** Compared by compileFdAddr / compileFdPort, which check their operators as libsinsp does. */
const FD_FILTER_ONLY = new Set(['fd.ip', 'fd.net', 'fd.port', 'fd.proto']);
const IP_OPS = new Set<CmpOp>(['=', '!=', 'in']);
const PORT_OPS = new Set<CmpOp>(['=', '!=', '<', '<=', '>', '>=', 'in']);

function compileFdAddr(n: CheckNode, isNet: boolean): Predicate | Compiled {
  const op = n.op;
  const matchOne: (ip: Uint8Array) => boolean = isNet
    ? (() => {
        const nets = n.values.map((v) => {
          const r = parseNet(v.text);
          if (typeof r === 'string') valueError(v, r);
          return r;
        });
        return (ip: Uint8Array) => nets.some((net) => inNet(ip, net));
      })()
    : (() => {
        const ips = n.values.map((v) => {
          const r = parseIp(v.text);
          if (r === undefined) valueError(v, `unrecognized IP address '${v.text}'`);
          return r;
        });
        return (ip: Uint8Array) => ips.some((x) => sameIp(ip, x));
      })();
  if (!IP_OPS.has(op)) return socketOnlyError("filter error: IP filter only supports '=' and '!=' operators");
  return (ctx) => {
    const f = eventFd(ctx);
    if (f === undefined) return false;
    const ips = fdIps(f);
    if (ips === undefined) return false;
    if (op === '!=') {
      for (const ip of ips) if (matchOne(ip)) return false;
      return true;
    }
    for (const ip of ips) if (matchOne(ip)) return true;
    return false;
  };
}

/** fd.port / fd.proto: either port of a socket (a server socket's port counts for both). */
function compileFdPort(n: CheckNode): Predicate | Compiled {
  const op = n.op;
  const ports = n.values.map((v) => {
    const p = parsePort(v.text);
    if (typeof p === 'string') valueError(v, p);
    return p;
  });
  if (!PORT_OPS.has(op)) return socketOnlyError('filter error: unsupported port comparison operator');
  const x = ports[0]!;
  const one: (p: number) => boolean =
    op === '<'
      ? (p) => p < x
      : op === '<='
        ? (p) => p <= x
        : op === '>'
          ? (p) => p > x
          : op === '>='
            ? (p) => p >= x
            : (p) => ports.includes(p);
  return (ctx) => {
    const f = eventFd(ctx);
    if (f === undefined) return false;
    const ps = fdPorts(f);
    if (ps === undefined) return false;
    if (op === '!=') return ps[0] !== x && ps[1] !== x;
    return one(ps[0]) || one(ps[1]);
  };
}

export { PT };
