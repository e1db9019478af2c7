// What a chisel that stops before reading any event leaves behind.

/**
 * A chisel that stops before reading events: what it prints and the exit status. Status 0 is a
 * chisel refusing its arguments (sysdig stops there); `goesOn`: the error is only reported and the
 * run ends as usual (a get_thread_table filter that does not compile: nothing is listed).
 */
export class ChiselExit {
  constructor(
    readonly status: number,
    readonly stdout = '',
    readonly stderr = '',
    readonly goesOn = false,
  ) {}
}
