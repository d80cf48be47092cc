// Loaded with `node --import`: records every module URL this process resolves (ESM resolve hook, so it sees the
// first import of each package, static or dynamic) into the file named by AMIGOV_RECORD_IMPORTS, one per line.
// test/cli/lazy-load.test.ts uses it to check which packages a command loads.
import { register } from 'node:module';

if (process.env.AMIGOV_RECORD_IMPORTS) {
  register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: { out: process.env.AMIGOV_RECORD_IMPORTS } });
}
