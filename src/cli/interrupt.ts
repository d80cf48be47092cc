/** Ctrl-C handling for long commands. */
import { EXIT } from '../errors.js';
import { cliIo } from './io.js';

/** Runs fn with SIGINT wired to an AbortSignal: the first Ctrl-C stops scheduling and finishes the inventory; a second one exits at once. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT.INTERRUPTED);
    cliIo.stderr.write('\namigov: interrupted: finishing the inventory with what was gathered (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
