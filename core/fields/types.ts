// Shapes of the field tables. A field class is data (catalog.ts: name, type, print format, flags,
// description); each class module (evt.ts, proc.ts, fd.ts, ...) supplies a binder per field that turns
// an optional argument (`evt.arg.fd`, `proc.aname[2]`) into an extractor. The registry joins both.
import type { PF, PT } from '../schema/types.js';
import type { EventContext } from './context.js';

/** filtercheck_field_flags of libsinsp, the ones that change behaviour here. */
export const enum FieldFlag {
  /** Usable in filters only (`fd.ip`, `fd.port`, `fd.net`...): no printable value. */
  FILTER_ONLY = 1,
  /** Printable only (`evt.outputtime`). */
  PRINT_ONLY = 2,
  /** Needs an argument (`evt.arg.NAME`, `evt.type.is.open`, `thread.cgroup.cpu`). */
  ARG_REQUIRED = 4,
  /** Hidden from `-l` (used by chisels and views). */
  TABLE_ONLY = 8,
}

/** One catalog row: [name, type, print format, FieldFlag bits, description]. */
export type FieldRow = readonly [name: string, type: PT, fmt: PF, flags: number, desc: string];

export interface FieldClassInfo {
  readonly name: string;
  /** Shown in parentheses after the class name by `-l` (e.g. "All event types"). */
  readonly shortdesc: string;
  readonly desc: string;
  readonly fields: readonly FieldRow[];
}

/**
 * A field value. Which variant a field yields follows from its type (see valueKind):
 * strings for CHARBUF/FSPATH, Uint8Array for BYTEBUF and IP addresses (4 or 16 network-order bytes),
 * number for integer types and DOUBLE, bigint for ABSTIME/RELTIME, boolean for BOOL.
 */
export type FieldValue = string | number | bigint | boolean | Uint8Array;

/** Extracts a field from the event in `ctx`; undefined = the field has no value for this event. */
export type Extractor = (ctx: EventContext) => FieldValue | undefined;

/** Several values (proc.aname / proc.apid without an index: every ancestor), for filters only. */
export type MultiExtractor = (ctx: EventContext) => readonly FieldValue[] | undefined;

/** How a value of a field is represented and compared. */
export const enum ValueKind {
  STRING = 0,
  BUFFER = 1,
  INT = 2,
  TIME = 3,
  BOOL = 4,
  IP = 5,
  IPNET = 6,
  DOUBLE = 7,
  PORT = 8,
}

export interface FieldDef {
  readonly name: string;
  readonly type: PT;
  readonly fmt: PF;
  readonly flags: number;
  readonly desc: string;
  /** Field class name as `-l` prints it ("evt", "process", "fd"...). */
  readonly className: string;
}

/** What a binder returns: the extractor and, when they differ from the defaults, the rest. */
export interface Binding {
  extract: Extractor;
  /** Type of the bound field when the argument decides it (evt.rawarg.NAME takes the param's type). */
  type?: PT;
  fmt?: PF;
  /** Display text, when it is not toText(extract()) (evt.buffer prints the formatted data). */
  text?: (ctx: EventContext) => string | undefined;
  /** extract_as_js, for fields whose JSON value libsinsp computes apart from their text: a number
   *  (undefined: null). */
  json?: (ctx: EventContext) => number | bigint | undefined;
  /** Filter-only multi-value form (e.g. any ancestor). */
  multi?: MultiExtractor;
  /** Cost class for ordering conjuncts: 0 header columns, 1 state lookups, 2 strings, 3 buffers. */
  cost?: number;
  /** When the value depends only on the event type: the codes for which the extractor can yield
   *  a value, letting the compiler build a type prefilter. */
  codes?: ReadonlySet<number>;
  /** The extractor keeps state across the events it sees (thread.exectime): the compiler must
   *  not change which events reach it, so it keeps libsinsp's left-to-right order around it. */
  stateful?: boolean;
  /** evt.around[T]: the center timestamp (the compiler builds the window test). */
  around?: bigint;
  /** Byte fields: the arena slot holding the value (-1: no value), so byte searches run on the
   *  batch's arena without a view object per event. */
  slot?: (ctx: EventContext) => number;
}

/** Parsed field argument: `[x]` (bracket) or `.x` (dot). */
export interface FieldArg {
  readonly text: string;
  readonly bracket: boolean;
}

/** Turns an argument into a binding, or returns an error message. */
export type Binder = (arg: FieldArg | undefined, def: FieldDef) => Binding | string;

/** A field reference resolved against the tables, ready to extract. */
export interface BoundField extends Binding {
  readonly def: FieldDef;
  readonly arg: FieldArg | undefined;
  /** The effective type (def.type, or the bound argument's type for evt.rawarg). */
  readonly type: PT;
  readonly fmt: PF;
  /** The name as written, argument included (`proc.aname[2]`). */
  readonly fullName: string;
  /** Display text of the field for this event, or undefined (prints `<NA>`). */
  readonly text: (ctx: EventContext) => string | undefined;
  readonly cost: number;
}
