// Compact row shapes the generated modules use; index.ts turns them into EventInfo objects.
// Rows keep the generated files small and quick to parse at CLI start-up.

/** [name, PT, PF] or [name, PT, PF, key of FLAG_TABLES / DYN_TABLES | dirfd param index]. */
export type ParamRow = readonly [string, number, number] | readonly [string, number, number, string | number];

/** [name, EC_* category, EF_* flags, params]. */
export type EventRow = readonly [string, number, number, readonly ParamRow[]];
