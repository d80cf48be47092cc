/** Reading a file the user named: a missing or unreadable file is a usage error that says which and why. */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/** The file's text; throws UserError "FILE: cannot read the WHAT (no such file | EACCES ...)" with the hint (or the hint for that errno code). */
export function readUserFile(file: string, what: string, hint: Hint): string {
  return readingUserFile(file, what, hint, () => readFileSync(file, 'utf8'));
}

type Hint = string | ((code: string | undefined) => string);

/**
 * `read()`'s result; an error it throws becomes the UserError of readUserFile ("cannot read the WHAT (ENOENT)"),
 * except a SyntaxError (a JSON reader's), which is the caller's to word.
 */
export function readingUserFile<T>(file: string, what: string, hint: Hint, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof SyntaxError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read the ${what} (${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message})`, {
      hint: typeof hint === 'function' ? hint(code) : hint,
    });
  }
}
