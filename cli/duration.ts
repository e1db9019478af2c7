// -M SECONDS (sysdig.cpp do_inspect): the first event that reaches the output starts the clock (a
// zero time leaves it unset for the next one); the capture ends at the first later event at least
// that far past it, compared as unsigned 64-bit numbers (an earlier time wraps and ends it too).
export class DurationLimit {
  private start = 0n;

  constructor(private readonly ns: bigint | undefined) {}

  /** For each event that passed the filter, before it is counted: true ends the capture there. */
  past(ts: bigint): boolean {
    if (this.start === 0n) {
      this.start = ts;
      return false;
    }
    return this.ns !== undefined && BigInt.asUintN(64, ts - this.start) >= this.ns;
  }
}
