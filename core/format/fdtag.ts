// The `<4t>` tag libsinsp puts before an fd's name: the fd type character, plus the l4 protocol
// character for IP sockets.
import type { FdInfo } from '../state/types.js';

const L4_CHAR: Record<number, string> = { 2: 't', 3: 'u', 4: 'i', 5: 'r' };
const IP_KINDS = new Set([3, 4, 5, 6]);
const PF_SIMPLE = 4;

export function fdTypeTag(fd: FdInfo, bufFormat: number): string {
  const proto = IP_KINDS.has(fd.kind) ? (L4_CHAR[fd.l4proto] ?? '') : '';
  return (bufFormat & PF_SIMPLE ? '' : fd.typeChar) + proto;
}
