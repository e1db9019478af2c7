// Runs the capsight CLI in this process and reports its peak RSS on stderr as `capsight-maxrss-kb=N`,
// so benchmarks can read memory without an external `time` tool. On Linux the figure is VmHWM from
// /proc/self/status: getrusage's ru_maxrss survives fork+exec, so a child of a large benchmark
// process would report its parent's peak instead of its own.
import { readFileSync } from 'node:fs';
import { main } from '../cli/main.js';

function peakRssKb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}

const status = await main(process.argv.slice(2));
process.stderr.write(`capsight-maxrss-kb=${peakRssKb()}\n`);
process.exitCode = status;
