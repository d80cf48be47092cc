/**
 * Atomic file writes: write a temp file beside the target, then rename, so a reader never sees half a file.
 *
 * A writer killed mid-write (kill -9, out of memory, power loss) leaves its temp file
 * (`.<name>.<pid>.<8 hex>.tmp`) behind. The first write of this process into a folder removes such
 * leftovers, and only those that are certainly stale: named by our own pattern, not open in this
 * process, and either written by a process that no longer exists (and untouched for a minute) or untouched
 * for an hour whoever wrote them. A live writer keeps its file fresh, so it is never swept.
 */
import { mkdirSync, renameSync, writeFileSync, rmSync, createWriteStream, readdirSync, statSync } from 'node:fs';
import { dirname, join, basename, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** A dead writer's file younger than this is kept: a writer in another pid namespace (a container sharing the folder) looks dead from here. */
const DEAD_WRITER_GRACE_MS = 60_000;
/** Untouched this long, a temp file is stale even if its pid is alive (pids are reused). */
const ABANDONED_MS = 60 * 60_000;

/** Temp files this process has open: never swept. */
const open = new Set<string>();
/** Folders this process has already swept. */
const swept = new Set<string>();

/** True for a name atomic-write gives its temp files. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes stale temp files from dir (see the module comment); returns how many. Runs once per folder per
 * process unless force. A folder that cannot be read is left alone.
 */
export function sweepStaleTemps(dir: string, opts: { force?: boolean; now?: number } = {}): number {
  const abs = resolve(dir);
  if (swept.has(abs) && !opts.force) return 0;
  swept.add(abs);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return 0;
  }
  const now = opts.now ?? Date.now();
  let removed = 0;
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const path = join(abs, name);
    if (open.has(path)) continue;
    try {
      const st = statSync(path);
      if (!st.isFile()) continue;
      const idle = now - st.mtimeMs;
      const stale = idle > ABANDONED_MS || (idle > DEAD_WRITER_GRACE_MS && !alive(Number(m[1])));
      if (!stale) continue;
      rmSync(path, { force: true });
      removed++;
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}

function prepare(target: string): string {
  const dir = dirname(target);
  mkdirSync(dir, { recursive: true });
  sweepStaleTemps(dir);
  const tmp = resolve(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  open.add(tmp);
  return tmp;
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const tmp = prepare(target);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    open.delete(tmp);
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
  const tempPath = prepare(target);
  return {
    tempPath,
    commit: () => {
      renameSync(tempPath, target);
      open.delete(tempPath);
    },
    abort: () => {
      rmSync(tempPath, { force: true });
      open.delete(tempPath);
    },
  };
}

/** A write stream to a temp file, renamed into place by commit(). */
export function atomicWriteStream(target: string) {
  const t = atomicTarget(target);
  const stream = createWriteStream(t.tempPath);
  return { stream, ...t };
}
