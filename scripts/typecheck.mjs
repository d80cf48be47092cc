#!/usr/bin/env node
// `npm run typecheck`: the sources with the build's tsconfig.json (what `npm run build` compiles: no .ts
// import extensions, nothing outside src/) and the sources with the tests with test/tsconfig.json.
// tsc is single-threaded, so the two run at the same time (on a 2-core CI machine this halves the wall
// time); each one's output is printed once it has finished, first tsconfig.json's, then the tests'.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const projects = ['tsconfig.json', 'test/tsconfig.json'];

const runs = projects.map(
  (project) =>
    new Promise((done) => {
      const child = spawn(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
      child.on('error', (err) => done({ project, code: 1, out: [Buffer.from(`${err.message}\n`)] }));
      child.on('close', (code, signal) => done({ project, code: code ?? (signal ? 1 : 0), out }));
    }),
);
let failed = false;
for (const { project, code, out } of await Promise.all(runs)) {
  process.stdout.write(Buffer.concat(out));
  if (code !== 0) {
    failed = true;
    console.error(`tsc -p ${project} --noEmit exited ${code}`);
  }
}
process.exit(failed ? 1 : 0);
