// What a chisel that stops before reading any event leaves behind.

/** A chisel that stops before reading events: what it prints and the exit status. */
export class ChiselExit {
  constructor(
    readonly status: number,
    readonly stdout = '',
    readonly stderr = '',
  ) {}
}
