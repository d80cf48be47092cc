/** Atomic file writes: write a temp file beside the target, then rename, so a reader never sees half a file. */
import { mkdirSync, renameSync, writeFileSync, rmSync, createWriteStream } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}

/**
 * For streaming writers (exceljs, large JSON): hands out a temp path and a commit function that
 * renames it into place; abort() removes it.
 */
export function atomicTarget(target: string): { tempPath: string; commit(): void; abort(): void } {
  mkdirSync(dirname(target), { recursive: true });
  const tempPath = tempPathFor(target);
  return {
    tempPath,
    commit: () => renameSync(tempPath, target),
    abort: () => rmSync(tempPath, { force: true }),
  };
}

/** A write stream to a temp file, renamed into place by commit(). */
export function atomicWriteStream(target: string) {
  const t = atomicTarget(target);
  const stream = createWriteStream(t.tempPath);
  return { stream, ...t };
}
