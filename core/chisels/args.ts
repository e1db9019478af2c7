// How sysdig hands a chisel its arguments. On the command line it takes at most one word after
// `-c NAME` (parse_chisel_args): always when the chisel has a required argument; for optional-only
// chisels unless the word starts with '-', or — when the chisel's single argument is not a filter —
// unless the remaining words form a valid filter. That word is then split on spaces, with '...' or
// `...` quoting (sinsp_chisel::set_args), and the count checked against the declaration.
import type { ChiselInfo } from './catalog.js';

export class ChiselArgError extends Error {}

/**
 * How many of `words` (the words after `-c NAME`) are the chisel's: 0 or 1.
 * `isFilter` says whether a text compiles as a filter.
 */
export function chiselWordCount(
  info: ChiselInfo,
  words: readonly string[],
  isFilter: (text: string) => boolean,
): number {
  const nargs = info.args.length;
  const nreq = info.args.filter((a) => !a.optional).length;
  if (nargs === 0) return 0;
  if (words.length === 0) {
    if (nreq !== 0) throw new ChiselArgError(`missing arguments for chisel ${info.name}`);
    return 0;
  }
  const w = words[0]!;
  if (nreq !== 0) return 1;
  if (w.startsWith('-')) return 0;
  if (nargs === 1 && info.args[0]!.type === 'filter') return 1;
  return isFilter(words.join(' ')) ? 0 : 1;
}

/** sinsp_chisel::set_args: split the argument word and check the count. */
export function splitChiselArgs(info: ChiselInfo, text: string): string[] {
  const nreq = info.args.filter((a) => !a.optional).length;
  const nopt = info.args.length - nreq;
  const args = text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
  const vals: string[] = [];
  if (args.length !== 0) {
    let begin = 0;
    let inquotes = false;
    let correction = 0;
    let j = 0;
    for (; j < args.length; j++) {
      const ch = args[j];
      if (ch === ' ' && !inquotes) {
        vals.push(args.slice(begin, j - correction));
        begin = j + 1;
        correction = 0;
      } else if (ch === "'" || ch === '`') {
        if (inquotes) {
          correction = 1;
          inquotes = false;
        } else {
          begin++;
          inquotes = true;
        }
      }
    }
    if (inquotes) throw new ChiselArgError(`corrupted parameters for chisel ${info.name}`);
    vals.push(args.slice(begin, j - correction));
  }
  if (vals.length < nreq) {
    throw new ChiselArgError(
      `wrong number of parameters for chisel ${info.name}, ${nreq} required, ${vals.length} given`,
    );
  }
  if (vals.length > nreq + nopt) {
    throw new ChiselArgError(
      `too many parameters for chisel ${info.name}, ${nreq} required, ${nopt} optional, ${vals.length} given`,
    );
  }
  return vals;
}
