/**
 * Loaded with `node --import` into a CLI process the benchmark measures (src/bench/startup.ts): when the process
 * exits, writes its whole CPU time (user + system, bootstrap included) and peak RSS to AMIGOV_BENCH_USAGE as JSON.
 * Imports nothing but node:fs, so it does not change what it measures.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.AMIGOV_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    writeFileSync(out, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
  });
}
