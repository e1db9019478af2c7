// Runs the capsight CLI in this process and reports its peak RSS on stderr as `capsight-maxrss-kb=N`,
// so benchmarks can read memory without an external `time` tool.
import { main } from '../cli/main.js';

const status = await main(process.argv.slice(2));
process.stderr.write(`capsight-maxrss-kb=${process.resourceUsage().maxRSS}\n`);
process.exitCode = status;
