// The few printf conversions libsinsp's text output relies on, reproduced exactly.

/** C's `%g` (6 significant digits, trailing zeros stripped, exponent form outside 1e-4..1e6). */
export function fmtG(v: number, precision = 6): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  // Rounding can carry into the next decade (9.999995 -> 10.0000); recompute from the rounded text.
  let e = Number(v.toExponential(precision - 1).split('e')[1]);
  if (!Number.isFinite(e)) e = exp;
  if (e < -4 || e >= precision) {
    const [mant, ex] = v.toExponential(precision - 1).split('e') as [string, string];
    const m = stripZeros(mant);
    const n = Number(ex);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return stripZeros(v.toFixed(Math.max(0, precision - 1 - e)));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/\.?0+$/, '');
}

/** `%#o`: octal with a leading 0 (and plain "0" for zero). */
export function fmtAltOctal(v: number | bigint): string {
  const s = v.toString(8);
  return s === '0' ? '0' : '0' + s;
}
