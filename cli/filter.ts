// The filter words of the command line, compiled once. Errors come back as values with sysdig-like
// text plus the column of the offending token.
import { tryCompileFilter, type Predicate } from '../core/filter/compile.js';

/** A compiled filter and its type prefilter (1 where an event code can match; null: any can). */
export interface CliFilter {
  predicate: Predicate;
  typeMask: Uint8Array | null;
}

export function compileCliFilterParts(text: string): CliFilter | Error {
  // The CLI answers as sysdig 0.29.3 does, quirks included.
  const r = tryCompileFilter(text, { sysdigCompat: true });
  if ('error' in r)
    return new Error(
      `filter error: ${r.error.message}\n  ${text}\n  ${' '.repeat(Math.max(0, r.error.column - 1))}^`,
    );
  return { predicate: r.filter.predicate, typeMask: r.filter.typeMask };
}

export function compileCliFilter(text: string): Predicate | Error {
  const f = compileCliFilterParts(text);
  if (f instanceof Error) return f;
  const { predicate, typeMask } = f;
  if (typeMask === null) return predicate;
  // Events whose type cannot match are rejected before any field is extracted.
  return (ctx) => typeMask[ctx.info.code] === 1 && predicate(ctx);
}
