/**
 * The Node.js version notice. cli/main.ts imports this module first, so when amigov runs as the CLI on an
 * unsupported Node the user reads one clear line before anything else runs. It warns and goes on rather
 * than refusing: amigov still works on Node 20 today, and refusing would break `npm ci && npm run demo` on
 * machines that only have Node 20; what stops working first is the AWS SDK's next releases (the SDK's own
 * NodeVersionSupportWarning follows, deliberately not silenced).
 *
 * (ES modules link the whole import graph before evaluating any of it, so a dependency that needed a newer
 * Node's syntax or a newer built-in export would still fail first; on Node 20 the graph links fine.)
 */
/** The oldest supported major version: the AWS SDK's releases after the first week of January 2027 require it. */
export const MIN_NODE_MAJOR = 22;

/** Whether this process was started as the amigov CLI (bin or `node dist/cli/main.js`), not imported by tests. */
export function invokedAsCli(argv1: string = process.argv[1] ?? ''): boolean {
  return /[\\/](main\.(js|ts)|amigov)$/.test(argv1);
}

/** The notice for Node `version` (as in process.version), or undefined when amigov supports it. */
export function nodeVersionProblem(version: string, execPath = process.execPath): { message: string; hint: string } | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return {
    message: `amigov supports Node.js ${MIN_NODE_MAJOR} or newer; this is ${version} (${execPath}), which is not supported and may stop working with the next AWS SDK update.`,
    hint: `Install Node.js ${MIN_NODE_MAJOR} or 24 LTS (https://nodejs.org/en/download), put it first on PATH and run amigov again.`,
  };
}

// AMIGOV_ALLOW_UNSUPPORTED_NODE=1 silences the notice. test/run-tests.mjs sets it on Node < 22, so that
// test output on an older development Node is not one notice per CLI run; amigov is not supported there.
if (invokedAsCli() && process.env.AMIGOV_ALLOW_UNSUPPORTED_NODE !== '1') {
  const problem = nodeVersionProblem(process.version);
  if (problem) process.stderr.write(`amigov: warning: ${problem.message}\n  ${problem.hint}\n`);
}
