// Path text as libsinsp produces it: invalid characters dropped (sanitize_string) and relative paths
// joined to a base directory with `.`/`..` folded (concatenate_paths + copy_and_sanitize_path).

const isPrint = (c: number): boolean => c >= 0x20 && c < 0x7f;

/** Drop every byte that is not printable ASCII (libsinsp's g_invalidchar). */
export function sanitize(s: string): string {
  for (let k = 0; k < s.length; k++) {
    if (!isPrint(s.charCodeAt(k))) {
      let r = '';
      for (let q = 0; q < s.length; q++) if (isPrint(s.charCodeAt(q))) r += s[q];
      return r;
    }
  }
  return s;
}

/**
 * copy_and_sanitize_path: append `path` to `target` (whose first `baseLen` chars are the part
 * `..` may not climb above... libsinsp only stops at the very start), folding `./`, `../` and
 * doubled separators, replacing invalid characters with '.', dropping a trailing separator.
 */
function appendSanitized(target: string, path: string): string {
  const out = target.split('');
  let pc = 0;
  const n = path.length;
  const at = (k: number): string => (k < n ? path[k]! : '\0');
  const rewind = (delta: number): void => {
    if (out.length <= 1) {
      pc += delta;
      return;
    }
    out.pop();
    while (out.length >= 1 && out[out.length - 1] !== '/') out.pop();
    pc += delta;
  };
  while (true) {
    if (pc >= n || path[pc] === '\0') {
      if (out.length > 1 && out[out.length - 1] === '/') out.pop();
      return out.join('');
    }
    const c = path.charCodeAt(pc);
    if (!isPrint(c)) {
      out.push('.');
      pc++;
    } else if (at(pc) === '.' && at(pc + 1) === '.' && at(pc + 2) === '/') {
      rewind(3);
    } else if (at(pc) === '.' && at(pc + 1) === '.') {
      if (at(pc + 2) === '\0') rewind(2);
      else {
        out.push('.', '.');
        pc += 2;
      }
    } else if (at(pc) === '.' && at(pc + 1) === '/') {
      pc += 2;
    } else if (at(pc) === '.') {
      if (at(pc + 1) === '\0') pc++;
      else {
        out.push('.');
        pc++;
      }
    } else if (at(pc) === '/') {
      if (out.length > 0 && out[out.length - 1] === '/') pc++;
      else {
        out.push('/');
        pc++;
      }
    } else {
      out.push(path[pc]!);
      pc++;
    }
  }
}

/**
 * sinsp's resolved path for an FSPATH parameter: '' for an absolute path (libsinsp prints no
 * resolved form then), else base + path normalised. `base` is the cwd (with its trailing '/').
 * An empty path is relative (its parameter still holds the NUL): it resolves to the base itself.
 */
export function resolvePath(base: string, path: string): string {
  if (path[0] === '/') return '';
  return appendSanitized(base, path);
}

/** The absolute, normalised form of a path as libsinsp stores it in fd names. */
export function absolutePath(base: string, path: string): string {
  if (path.length !== 0 && path[0] !== '/') return appendSanitized(base, path);
  return appendSanitized('', path);
}
