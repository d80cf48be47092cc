/**
 * Where the CLI writes: every command prints through cliIo, never cliIo.stdout/stderr directly, so that a
 * test running the CLI in process can capture its output by swapping these two streams. (Swapping
 * cliIo.stdout.write instead would also swallow node:test's own results, which a test child reports over stdout.)
 */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where a confirmation is read from (amigov remediate); isTTY says whether a person can answer. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export const cliIo: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
