/** The CLI's view of src/errors.ts (kept so CLI modules import their errors from one place). */
export { EXIT, EXIT_OF_KIND, UserError, type ErrorKind, type ExitCode, type UserErrorOptions } from '../errors.js';
