// The parsed form of a sysdig filter. Positions are 0-based offsets into the filter text (errors
// report them as 1-based columns). sysdig's grammar has no precedence between `and` and `or`: one
// parenthesised group uses one of them throughout, and `not` prefixes a single check or group.

export type CmpOp =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'endswith'
  | 'glob'
  | 'in'
  | 'intersects'
  | 'pmatch'
  | 'exists';

/** Operators in the order sysdig's scanner tries them, by prefix: `intersects` comes after `in`
 *  there, so it is read as `in` followed by garbage and can never be written. */
export const OPERATORS: readonly CmpOp[] = [
  '=',
  '!=',
  '<=',
  '<',
  '>=',
  '>',
  'contains',
  'icontains',
  'startswith',
  'endswith',
  'glob',
  'in',
  'intersects',
  'pmatch',
  'exists',
];

/** Operators that take a parenthesised list. */
export const LIST_OPS: ReadonlySet<CmpOp> = new Set<CmpOp>(['in', 'intersects', 'pmatch']);

export interface Span {
  start: number;
  end: number;
}

export interface ValueNode extends Span {
  /** The value after unescaping (latin1: one char per byte, `\xHH` gives that byte). */
  text: string;
  quoted: boolean;
}

export interface FieldNode extends Span {
  /** As written, argument included (`proc.aname[2]`, `evt.arg.fd`). */
  name: string;
}

export interface CheckNode extends Span {
  kind: 'check';
  field: FieldNode;
  op: CmpOp;
  opSpan: Span;
  /** One value for scalar operators, the list items for in/intersects/pmatch, none for exists. */
  values: ValueNode[];
}

export interface NotNode extends Span {
  kind: 'not';
  child: Node;
}

export interface GroupNode extends Span {
  kind: 'group';
  /** 'and' / 'or'; null for a group of one. */
  op: 'and' | 'or' | null;
  children: Node[];
}

export type Node = CheckNode | NotNode | GroupNode;

/** A filter that cannot be parsed or compiled: what is wrong, and where (1-based column, length). */
export class FilterError extends Error {
  readonly column: number;
  readonly length: number;
  constructor(message: string, column: number, length: number) {
    super(message);
    this.name = 'FilterError';
    this.column = column;
    this.length = length;
  }
}

/** Throw a FilterError for the span [start, end) of the text. */
export function fail(message: string, start: number, end = start + 1): never {
  throw new FilterError(message, start + 1, Math.max(1, end - start));
}
