// Block type numbers the writer emits (scap_savefile.h; SCAP_FORMAT.md §1.2). The writer only
// produces the current layouts, the ones libscap's own dumper writes.

export const BLOCK = {
  SHB: 0x0a0d0d0a,
  MI: 0x201,
  PL_V9: 0x215,
  FDL_V2: 0x218,
  IL_V2: 0x219,
  UL_V2: 0x220,
  EV_V2: 0x216,
  EVF_V2: 0x217,
  EV_V2_LARGE: 0x221,
  EVF_V2_LARGE: 0x222,
} as const;

/** Interface-list block types (V1 and V2), to tell whether a source header had one. */
export const IL_TYPES: readonly number[] = [0x205, 0x8011abcd, 0x219];
/** User-list block types (V1 and V2). */
export const UL_TYPES: readonly number[] = [0x206, 0x8012abcd, 0x220];

export const SHB_MAGIC = 0x1a2b3c4d;

/** Size of the event header in V2 blocks: ts u64, tid i64, len u32, type u16, nparams u32. */
export const EVENT_HEADER_V2 = 26;

/** Reader limits libscap enforces on metadata strings (SCAP_MAX_PATH_SIZE, *_ARGS/ENV/CGROUPS_SIZE). */
export const MAX_PATH = 1024;
export const MAX_ARGS = 4096;
/** Names in the user list must be shorter than this (MAX_CREDENTIALS_STR_LEN). */
export const MAX_CREDENTIALS = 256;
/** libscap's read buffer: a non-LARGE event block body cannot exceed it. */
export const READER_BUF_SIZE = 65536;
