// Compact row shapes the generated modules use; index.ts turns them into EventInfo objects.
// Rows keep the generated files small and quick to parse at CLI start-up.

/** [name, PT, PF] or [name, PT, PF, key of FLAG_TABLES / DYN_TABLES | dirfd param index]. */
export type ParamRow = readonly [string, number, number] | readonly [string, number, number, string | number];

/** [name, EC_* category, EF_* flags, params, params appended by newer libs (compat codes only)]. */
export type EventRow =
  | readonly [string, number, number, readonly ParamRow[]]
  | readonly [string, number, number, readonly ParamRow[], readonly ParamRow[]];

/** [name, value] of a ppm_name_value table. */
export type FlagRow = readonly [string, number];

/** [PT, PF] of a PT_DYN sub-parameter. */
export type DynRow = readonly [number, number];

/** The generated tables (core/schema/generated/data.ts). */
export interface SchemaData {
  /** Indexed by event code. */
  readonly events: readonly EventRow[];
  /** Flag tables by name; tables changed in newer libs appear again as `name@newest`. */
  readonly flags: Readonly<Record<string, readonly FlagRow[]>>;
  readonly dyn: Readonly<Record<string, readonly DynRow[]>>;
  /** [errno number, name] (errno_to_str). */
  readonly errno: readonly (readonly [number, string])[];
  /** [signal number, name] (signal_to_str). */
  readonly signals: readonly (readonly [number, string])[];
  /** Indexed by ppm_sc code (g_syscall_info_table). */
  readonly syscalls: readonly string[];
  /** Indexed by PT_* (param_type_to_string; '<NA>' where it has no case). */
  readonly typeNames: readonly string[];
  /** Indexed by PT_*: the newest libs' ppm_param_type names without PT_ (ENUMFLAGS32...). */
  readonly typeEnumNames: readonly string[];
}
