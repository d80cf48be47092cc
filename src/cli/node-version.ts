/**
 * The Node.js version gate. cli/main.ts imports this module first, so when amigov runs as the CLI it
 * refuses an unsupported Node before commander, the AWS SDK or any command module is evaluated: the
 * user gets one clear line and exit 2 instead of a warning or a crash from deep inside a dependency.
 *
 * (ES modules link the whole import graph before evaluating any of it, so a dependency that needed a newer
 * Node's syntax or a newer built-in export would still fail first; on Node 20 the graph links fine.)
 */
import { EXIT } from './errors.js';

/** The oldest supported major version: the AWS SDK's releases after the first week of January 2027 require it. */
export const MIN_NODE_MAJOR = 22;

/** Whether this process was started as the amigov CLI (bin or `node dist/cli/main.js`), not imported by tests. */
export function invokedAsCli(argv1: string = process.argv[1] ?? ''): boolean {
  return /[\\/](main\.(js|ts)|amigov)$/.test(argv1);
}

/** The error for Node `version` (as in process.version), or undefined when amigov supports it. */
export function nodeVersionProblem(version: string, execPath = process.execPath): { message: string; hint: string } | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return {
    message: `amigov needs Node.js ${MIN_NODE_MAJOR} or newer; this is ${version} (${execPath}).`,
    hint: `Install Node.js ${MIN_NODE_MAJOR} or 24 LTS (https://nodejs.org/en/download), put it first on PATH and run amigov again.`,
  };
}

// AMIGOV_ALLOW_UNSUPPORTED_NODE=1 skips the gate. Only test/run-tests.mjs sets it, and only on Node < 22,
// so that the suite still runs on an older development Node; amigov is not supported there.
if (invokedAsCli() && process.env.AMIGOV_ALLOW_UNSUPPORTED_NODE !== '1') {
  const problem = nodeVersionProblem(process.version);
  if (problem) {
    process.stderr.write(`amigov: error: ${problem.message}\n  ${problem.hint}\n`);
    process.exit(EXIT.USAGE);
  }
}
