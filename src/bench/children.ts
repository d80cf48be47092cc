/**
 * Starting the benchmark's child processes. From dist/ the children are plain .js files; from src/ (tsx, tests)
 * they are .ts files, started with the tsx loader resolved to an absolute URL so the working directory doesn't matter.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromSandbox, FromWorker, SandboxChildConfig, ToSandbox } from './protocol.js';

export const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

function childPath(name: 'sandbox-child' | 'scan-child' | 'report-child'): string {
  return fileURLToPath(new URL(`./${name}.${RUNNING_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
}

export function childExecArgv(): string[] {
  // No --inspect or test-runner flags of the parent: the children are measured, not debugged.
  return RUNNING_FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : [];
}

/** AMIGOV_BENCH_CPU_PROF=DIR: the scan child writes a V8 CPU profile there (node --cpu-prof), to find the scanner's hot spots. */
function profileArgv(name: string): string[] {
  const dir = process.env.AMIGOV_BENCH_CPU_PROF;
  return dir && name === 'scan-child' ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

function start(name: Parameters<typeof childPath>[0], config: unknown): ChildProcess {
  return fork(childPath(name), [JSON.stringify(config)], {
    execArgv: [...childExecArgv(), ...profileArgv(name)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

/** Waits for the first message satisfying `accept`; rejects when the child exits first or the time runs out. */
function nextMessage<T>(child: ChildProcess, accept: (m: unknown) => m is T, what: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: no answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    const onMessage = (m: unknown) => {
      const msg = m as { type?: string; message?: string; stack?: string };
      if (msg.type === 'error') done(new Error(`${what} failed: ${msg.message}${msg.stack ? `\n${msg.stack}` : ''}`));
      else if (accept(m)) done(undefined, m);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`${what} exited (code ${code}, signal ${signal}) before answering`));
    function done(err?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const isType =
  <K extends string>(type: K) =>
  <T>(m: unknown): m is T =>
    (m as { type?: string } | null)?.type === type;

export interface SandboxHandle {
  ready: Extract<FromSandbox, { type: 'ready' }>;
  reset(): void;
  snapshot(): Promise<Extract<FromSandbox, { type: 'snapshot' }>>;
  close(): Promise<void>;
}

export async function startSandboxChild(config: SandboxChildConfig, timeoutMs = 120_000): Promise<SandboxHandle> {
  const child = start('sandbox-child', config);
  const tell = (m: ToSandbox) => child.connected && child.send(m);
  try {
    const ready = await nextMessage(child, isType('ready')<Extract<FromSandbox, { type: 'ready' }>>, 'the sandbox process', timeoutMs);
    return {
      ready,
      reset: () => void tell({ type: 'reset' }),
      snapshot: () => {
        const p = nextMessage(child, isType('snapshot')<Extract<FromSandbox, { type: 'snapshot' }>>, 'the sandbox process', 30_000);
        tell({ type: 'snapshot' });
        return p;
      },
      close: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          if (!tell({ type: 'close' })) child.kill('SIGTERM');
        }),
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** Runs a one-shot worker (scan or report) to completion and returns its result message. */
export async function runWorker<R extends Exclude<FromWorker, { type: 'error' }>>(
  name: 'scan-child' | 'report-child',
  config: unknown,
  type: R['type'],
  timeoutMs: number,
): Promise<R> {
  const child = start(name, config);
  try {
    const result = await nextMessage(child, isType(type)<R>, name === 'scan-child' ? 'the scan process' : 'the report process', timeoutMs);
    await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    return result;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
