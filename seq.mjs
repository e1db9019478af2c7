import { openForReading } from './dist/engine/open.js';
const r = openForReading(process.argv[2], { sysdigCompat: true, reuseBatches: true });
const out = [];
for (let b = r.next(); b; b = r.next()) for (let i = 0; i < b.count; i++) out.push(`${b.ts[i]} ${b.tid[i]} ${b.type[i]} ${b.flags[i] & 1}`);
console.log(out.join('\n'));
